"""The error codes of the pool and affiliations: the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    BELOW_COMMITMENTS = "below_commitments"
    DECIDED = "decided"
    DUPLICATE = "duplicate"
    IN_FUTURE = "in_future"
    INVALID = "invalid"
    OVER_CAPACITY = "over_capacity"
    NOT_AFFILIATED = "not_affiliated"
    NOT_YOURS = "not_yours"
    NOT_YOUR_PREFECTURE = "not_your_prefecture"
    READ_ONLY = "read_only"
    REQUIRED = "required"
