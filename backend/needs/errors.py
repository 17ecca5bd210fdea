"""The error codes of needs and their terms: the `code` of each API error, kept as they are on the wire."""

from enum import StrEnum


class ErrorCode(StrEnum):
    COORDINATORS_ONLY = "coordinators_only"
    MORE_THAN_DAYS = "more_than_days"
    NOT_ONSITE = "not_onsite"
    NOT_OPEN = "not_open"
    NOT_PENDING = "not_pending"
    NOT_WITHDRAWN = "not_withdrawn"
    NOT_YOUR_MUNICIPALITY = "not_your_municipality"
    NOT_YOUR_PREFECTURE = "not_your_prefecture"
    NOT_YOURS = "not_yours"
    OUT_OF_RANGE = "out_of_range"
    OVER_BUDGET = "over_budget"
    REQUIRED = "required"
    TOO_FEW_WEEKDAYS = "too_few_weekdays"
    TOO_MANY_DAYS = "too_many_days"
    FUNDING_ELSEWHERE = "funding_elsewhere"
    FUNDING_INACTIVE = "funding_inactive"
