"""The error codes of spreadsheet imports: the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    EMPTY = "empty"
    ENCODING = "encoding"
    INVALID = "invalid"
    MISSING_HEADER = "missing_header"
    NOT_A_WORKBOOK = "not_a_workbook"
    NO_ROWS = "no_rows"
    NO_WORKSHEET = "no_worksheet"
    NOT_COORDINATOR = "not_coordinator"
    NULL_CHARACTER = "null_character"
    REQUIRED = "required"
    TIMEOUT = "timeout"
    TOO_LARGE = "too_large"
    TOO_MANY_COLUMNS = "too_many_columns"
    TOO_MANY_ROWS = "too_many_rows"
    UNREADABLE = "unreadable"
