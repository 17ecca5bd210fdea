"""The error codes of the activity log and its monthly confirmation: the `code` of each API error, kept as they are
on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    ALREADY_LOGGED = "already_logged"
    DISPUTE_OPEN = "dispute_open"
    IN_THE_FUTURE = "in_the_future"
    LOCKED = "locked"
    NOT_ACTIVE = "not_active"
    NOT_BEYOND_CONTRACT = "not_beyond_contract"
    NOT_DISPUTED = "not_disputed"
    NOT_EDITABLE = "not_editable"
    NOT_IN_MONTH = "not_in_month"
    NOT_LOCKED = "not_locked"
    NOT_YOURS = "not_yours"
    NOTHING_TO_SUBMIT = "nothing_to_submit"
    OUTSIDE_TERM = "outside_term"
    REQUIRED = "required"
    UNANSWERED = "unanswered"
