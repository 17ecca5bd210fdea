"""The error codes of the visit plan: the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_A_PARTY = "not_a_party"
    NOT_YOURS = "not_yours"
    NOT_HOLDING = "not_holding"
    NOT_PLANNED = "not_planned"
    OUTSIDE_TERM = "outside_term"
    IN_THE_PAST = "in_the_past"
    CLOSED_DAY = "closed_day"
    DATE_TAKEN = "date_taken"
    SAME_DATE = "same_date"
