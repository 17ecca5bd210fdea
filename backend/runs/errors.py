"""The error codes of runs, pins and forbids, and scope consents: the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    ALREADY_GRANTED = "already_granted"
    ALREADY_REVOKED = "already_revoked"
    DOES_NOT_EXIST = "does_not_exist"
    NOT_ACTIVE = "not_active"
    NOT_A_COORDINATOR = "not_a_coordinator"
    NOT_RETRYABLE = "not_retryable"
    NOT_YOURS = "not_yours"
    NOT_YOUR_PREFECTURE = "not_your_prefecture"
    NOT_YOUR_RUN = "not_your_run"
    NO_CONSENT = "no_consent"
    OWN_PREFECTURE = "own_prefecture"
    REQUIRED = "required"
    RUN_IN_PROGRESS = "run_in_progress"
    STILL_ACTIVE = "still_active"
    UNKNOWN = "unknown"
