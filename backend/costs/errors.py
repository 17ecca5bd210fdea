"""The error codes of the prefecture rates costs are priced by: the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_YOUR_PREFECTURE = "not_your_prefecture"
