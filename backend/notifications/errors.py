"""The error codes of notifications and e-mail choices: the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_YOURS = "not_yours"
    UNKNOWN_KIND = "unknown_kind"
