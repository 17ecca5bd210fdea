"""The error codes of publishing a year: the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_YOUR_PREFECTURE = "not_your_prefecture"
    NOT_PUBLISHED = "not_published"
    PREFECTURE_REQUIRED = "prefecture_required"
    YEAR_OUT_OF_RANGE = "year_out_of_range"
