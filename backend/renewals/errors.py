"""The error codes of renewals into the next fiscal year: the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_FOUND = "not_found"
    NOT_YOUR_PREFECTURE = "not_your_prefecture"
    REQUIRED = "required"
