"""The error codes of costs (the prefecture's settings, the claim pack): the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    NOT_YOUR_PREFECTURE = "not_your_prefecture"
    # the autumn budget estimate (backend/costs/estimates.py)
    NOT_ESTIMABLE = "not_estimable"
    NOT_STAFF = "not_staff"
    OUT_OF_RANGE = "out_of_range"
    OVER_BUDGET = "over_budget"
    NOT_YOURS = "not_yours"  # a claim pack asked by someone who is not the municipality's staff or coordinator
