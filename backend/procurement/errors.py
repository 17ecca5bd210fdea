"""The error codes of vendors and procurements: the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_YOURS = "not_yours"
    NOT_YOUR_MUNICIPALITY = "not_your_municipality"
    REQUIRED = "required"
    STAFF_ONLY = "staff_only"
    UNIQUE = "unique"
    DUPLICATE = "duplicate"
    INVALID = "invalid"
    RETIRED = "retired"
    SAME_VENDOR = "same_vendor"
    RESOLVED = "resolved"
