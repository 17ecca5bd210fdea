"""The error codes of the documents (the `code` of each refusal, kept as they are on the wire)."""

from enum import StrEnum


class ErrorCode(StrEnum):
    MONTH_NOT_CONFIRMED = "month_not_confirmed"
    NEVER_SERVED = "never_served"
    NOT_YOURS = "not_yours"
    PLEDGE_NOT_SIGNED = "pledge_not_signed"
