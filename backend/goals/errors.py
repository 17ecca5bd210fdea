"""The error codes of goals and evaluations: the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    ALREADY_EVALUATED = "already_evaluated"
    ALREADY_SUBMITTED = "already_submitted"
    NOT_ACTIVE = "not_active"
    NOT_A_PARTY = "not_a_party"
    NOT_EVALUATED = "not_evaluated"
    NOT_OPEN = "not_open"
    OUTSIDE_TERM = "outside_term"
    TOO_LONG = "too_long"
    TOO_MANY = "too_many"
    UNKNOWN_GOAL = "unknown_goal"
