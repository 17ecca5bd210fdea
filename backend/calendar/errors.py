"""The error codes of the calendar's closed days: the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_YOUR_PREFECTURE = "not_your_prefecture"
    NOT_YOUR_MUNICIPALITY = "not_your_municipality"
    ONE_PLACE = "one_place"
    DUPLICATE = "duplicate"
    ALREADY_CLOSED = "already_closed"
    OUT_OF_RANGE = "out_of_range"
