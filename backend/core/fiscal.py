"""Fiscal years (年度): April to March. The one place that knows where a 年度 starts and ends."""

import datetime as dt

from django.utils import timezone

WEEKS_PER_YEAR = 48
MONTHS_PER_YEAR = 12


def fiscal_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())


def fiscal_year_start(year: int) -> dt.date:
    return dt.date(year, 4, 1)


def fiscal_year_end(year: int) -> dt.date:
    return dt.date(year + 1, 3, 31)


def fiscal_year_label(year: int) -> str:
    """Japanese era label used on screens and exports, e.g. 2027 -> '令和9年度'."""
    return f"令和{year - 2018}年度" if year >= 2019 else f"{year}年度"


def days_per_year(pattern: str, days: int) -> tuple[int, int]:
    """(days_per_year, weekly_days) as the exchange format defines them."""
    if pattern == "weekly":
        return WEEKS_PER_YEAR * days, days
    if pattern == "monthly":
        return MONTHS_PER_YEAR * days, 0
    return days, 0
