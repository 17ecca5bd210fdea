"""The error codes of logins, invitations and tokens: the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    ALREADY_ACTIVE = "already_active"
    AUTHORIZATION = "authorization"
    EXISTS = "exists"
    INVALID_EMAIL = "invalid_email"
    LOCKED_OUT = "locked_out"
    NOT_LOCKED_OUT = "not_locked_out"
    NOT_YOURS = "not_yours"
    NOT_YOUR_PREFECTURE = "not_your_prefecture"
    REQUIRED = "required"
    SELF = "self"
    TOO_LONG = "too_long"
    WEAK = "weak"
