"""The error codes of applications and invitations: the `code` of each API error, kept as they are on the wire
(the same words accounts and experts used before these moved here)."""

from enum import StrEnum


class ErrorCode(StrEnum):
    DECIDED = "decided"
    HAS_LOGIN = "has_login"
    INVALID = "invalid"
    MISMATCH = "mismatch"
    NOT_VISIBLE = "not_visible"
    NOT_YOURS = "not_yours"
    NOT_YOUR_PREFECTURE = "not_your_prefecture"
    REQUIRED = "required"
