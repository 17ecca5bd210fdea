"""The error codes of the second round (二次調整) and its run: the `code` of each API error, kept as they are on the
wire. Apart from the wishes' own codes so that the two can be written side by side."""

from enum import StrEnum


class RoundErrorCode(StrEnum):
    ALREADY_CLOSED = "already_closed"
    ALREADY_OPEN = "already_open"
    DEADLINE_PAST = "deadline_past"
    INVALID = "invalid"
    REQUIRED = "required"
    NO_NEEDS = "no_needs"
    NOT_A_COORDINATOR = "not_a_coordinator"
    NOT_YOURS = "not_yours"
