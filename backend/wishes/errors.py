"""The error codes of wishes and vetoes: the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    ALREADY_VETOED = "already_vetoed"
    BAD_LEVEL = "bad_level"
    BAD_SIDE = "bad_side"
    NOT_IN_POOL = "not_in_pool"
    NOT_OPEN = "not_open"
    NOT_THE_SEASON = "not_the_season"
    NOT_YOURS = "not_yours"
    REQUIRED = "required"
    ROUND_CLOSED = "round_closed"
    VETOED = "vetoed"
    WITHDRAWN = "withdrawn"
