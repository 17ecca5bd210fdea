"""Fiscal years (年度): April to March. The one place that knows where a 年度 starts and ends."""

import calendar
import datetime as dt

from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language

WEEKS_PER_YEAR = 48
MONTHS_PER_YEAR = 12


def fiscal_year_of(day: dt.date) -> int:
    return day.year if day.month >= 4 else day.year - 1


def current_fiscal_year() -> int:
    return fiscal_year_of(timezone.localdate())


# The years a need, a procurement, a run, a consent or a renewal may be written for: from the last fiscal year
# to three ahead (a clerk typed 2099 and 2020 through the API, and every page then defaulted to 令和81年度).
WRITABLE_YEARS_BEFORE, WRITABLE_YEARS_AHEAD = 1, 3
# From October the prefectures prepare the coming fiscal year's matching (needs, renewals, runs).
SEASON_TURNS_IN_MONTH = 10


def writable_fiscal_years() -> range:
    """The fiscal years that may be written: the current one −1 … +3."""
    now = current_fiscal_year()
    return range(now - WRITABLE_YEARS_BEFORE, now + WRITABLE_YEARS_AHEAD + 1)


def default_fiscal_year(*, season: int | None = None) -> int:
    """The one rule for the year a page, a form or a run starts on: the prefecture's matching season when it
    set one (and it is still a writable year), otherwise the coming fiscal year from October to March and the
    current one from April to September. Never the data's largest year."""
    if season is not None and season in writable_fiscal_years():
        return season
    today = timezone.localdate()
    year = fiscal_year_of(today)
    return year + 1 if today.month >= SEASON_TURNS_IN_MONTH or today.month < 4 else year


def fiscal_years_covered(starts_on: dt.date, ends_on: dt.date) -> range:
    """The fiscal years a term overlaps (a 3-year 任期付短時間職員 from April 2027: 2027, 2028, 2029)."""
    return range(fiscal_year_of(starts_on), fiscal_year_of(max(starts_on, ends_on)) + 1)


def fiscal_year_start(year: int) -> dt.date:
    return dt.date(year, 4, 1)


def fiscal_year_end(year: int) -> dt.date:
    return dt.date(year + 1, 3, 31)


def fiscal_year_label(year: int) -> str:
    """Japanese era label used on screens and exports, e.g. 2027 -> '令和9年度'."""
    return f"令和{year - 2018}年度" if year >= 2019 else f"{year}年度"


def _fiscal_year_in_language(year: int) -> str:
    return f"FY{year}" if (get_language() or "ja").startswith("en") else fiscal_year_label(year)


def fiscal_year_named(year: int):
    """A fiscal year as a message names it when rendered: 令和9年度 in Japanese, FY2027 in English."""
    return lazy(_fiscal_year_in_language, str)(year)


def _date_in_language(day: dt.date) -> str:
    return day.isoformat() if (get_language() or "ja").startswith("en") else era_date(day)


def date_named(day: dt.date):
    """A date as a message names it when rendered: 令和9年4月1日 in Japanese, 2027-04-01 in English."""
    return lazy(_date_in_language, str)(day)


# (first day, name) of the eras a date on a screen can fall in, newest first.
ERAS = ((dt.date(2019, 5, 1), "令和"), (dt.date(1989, 1, 8), "平成"), (dt.date(1926, 12, 25), "昭和"))


def era_date(day: dt.date) -> str:
    """A date as the clerk writes it: 2027-04-01 -> '令和9年4月1日', 2019-05-01 -> '令和元年5月1日'."""
    for first, name in ERAS:
        if day >= first:
            year = day.year - first.year + 1
            return f"{name}{'元' if year == 1 else year}年{day.month}月{day.day}日"
    return f"{day.year}年{day.month}月{day.day}日"


def era_month(day: dt.date, *, english: bool = False) -> str:
    """The month of a date as the clerk names it: 2026-10-xx -> '令和8年10月' (English: 'October 2026')."""
    if english:
        return day.strftime("%B %Y")
    return era_date(day.replace(day=1)).removesuffix("1日")


def wareki_datetime(moment: dt.datetime, *, english: bool = False) -> str:
    """A moment in the local time zone, for screens and mail: '令和9年4月1日 09:05' (English: '1 Apr 2027 09:05')."""
    local = timezone.localtime(moment) if timezone.is_aware(moment) else moment
    day = local.date().strftime("%-d %b %Y") if english else era_date(local.date())
    return f"{day} {local:%H:%M}"


def days_per_year(pattern: str, days: int) -> tuple[int, int]:
    """(days_per_year, weekly_days) as the exchange format defines them."""
    if pattern == "weekly":
        return WEEKS_PER_YEAR * days, days
    if pattern == "monthly":
        return MONTHS_PER_YEAR * days, 0
    return days, 0


def months_served(start: dt.date, end: dt.date) -> float:
    """Months from `start` to `end` inclusive, each calendar month counted by the share of its days served
    (1 April to 30 September is 6.0; 15 October to 31 March is 5 + 17/31)."""
    if end < start:
        return 0.0
    months, day = 0.0, start
    while day <= end:
        days_in_month = calendar.monthrange(day.year, day.month)[1]
        month_end = dt.date(day.year, day.month, days_in_month)
        last = min(end, month_end)
        months += ((last - day).days + 1) / days_in_month
        day = month_end + dt.timedelta(days=1)
    return months


def prorate(amount: int, *, start: dt.date, end: dt.date) -> int:
    """A yearly amount (days, yen) for the months served between start and end (月割)."""
    return round(amount * months_served(start, end) / MONTHS_PER_YEAR)
