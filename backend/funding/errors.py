"""The error codes of the funding register: the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_YOUR_PREFECTURE = "not_your_prefecture"
    NOT_YOUR_MUNICIPALITY = "not_your_municipality"
    REQUIRED = "required"
    INVALID = "invalid"
    OUT_OF_RANGE = "out_of_range"
    DUPLICATE = "duplicate"
    OTHER_PREFECTURE = "other_prefecture"
    OTHER_MUNICIPALITY = "other_municipality"
    INACTIVE = "inactive"
    NOT_FINANCED = "not_financed"
