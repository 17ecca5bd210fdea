"""The error codes of costs (the prefecture's settings, the claim pack): the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_YOUR_PREFECTURE = "not_your_prefecture"
    NOT_YOURS = "not_yours"  # a claim pack asked by someone who is not the municipality's staff or coordinator
