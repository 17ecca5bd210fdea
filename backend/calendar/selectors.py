"""The working calendar of a fiscal year (年度): which days are closed and how many of each weekday are left.

Closed are the national holidays (祝日, with 振替休日 and 国民の休日, from `jpholiday`), the year-end days
12/29–1/3, and the days a prefecture or a municipality added (`ClosedDay`); a municipality's calendar includes
its prefecture's days. Every page and service that counts days asks here. Reads only: writes are in services.
"""

import datetime as dt
from functools import lru_cache

import jpholiday
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User, UserRole
from backend.accounts.permissions import coordinates, is_admin, is_staff_of
from backend.calendar.models import ClosedDay
from backend.core.choices import WEEKDAY_ORDER
from backend.core.fiscal import fiscal_year_end, fiscal_year_start

YEAR_END_LABEL = _("年末年始")
# 12/29 to 1/3: the year-end closing of every public office (行政機関の休日に関する法律 第1条).
YEAR_END_DAYS = ((12, 29), (12, 30), (12, 31), (1, 1), (1, 2), (1, 3))
WORKDAYS = WEEKDAY_ORDER[:5]  # 月〜金: what a table shows unless a need asks for a weekend day


def _code(place) -> str | None:
    return place if place is None or isinstance(place, str) else place.pk


def _days(fiscal_year: int):
    day, last = fiscal_year_start(fiscal_year), fiscal_year_end(fiscal_year)
    while day <= last:
        yield day
        day += dt.timedelta(days=1)


@lru_cache(maxsize=32)
def _national(fiscal_year: int) -> tuple[tuple[dt.date, str | None], ...]:
    named: dict[dt.date, str | None] = {}
    for day in _days(fiscal_year):
        if (day.month, day.day) in YEAR_END_DAYS:
            named[day] = None  # 年末年始, named in the language of each request
    for day, name in jpholiday.between(fiscal_year_start(fiscal_year), fiscal_year_end(fiscal_year)):
        named[day] = name  # 元日 keeps its own name
    return tuple(sorted(named.items()))


def national_closed_days(fiscal_year: int) -> dict[dt.date, str]:
    """The days every office in Japan is closed in the fiscal year, with their names: 祝日 (振替休日 and
    国民の休日 included) and 年末年始. Weekends are not listed: they are not weekdays anyone is asked for."""
    return {day: name or str(YEAR_END_LABEL) for day, name in _national(fiscal_year)}


def closed_day_rows(fiscal_year: int, *, prefecture=None, municipality=None) -> QuerySet[ClosedDay]:
    """The added closed days that apply: the prefecture's, or the municipality's and its prefecture's."""
    place = Q(pk__in=[])
    if prefecture is not None:
        place |= Q(prefecture_id=_code(prefecture))
    if municipality is not None:
        code = _code(municipality)
        place |= Q(municipality_id=code) | Q(prefecture__municipalities=code)
    return (ClosedDay.objects.filter(place, date__gte=fiscal_year_start(fiscal_year),
                                     date__lte=fiscal_year_end(fiscal_year))
            .select_related("prefecture", "municipality").order_by("date", "id"))


def closed_days_named(fiscal_year: int, prefecture=None, municipality=None) -> dict[dt.date, str]:
    """Every closed day of the fiscal year for that place, with its name, in date order."""
    named = dict(national_closed_days(fiscal_year))
    for row in closed_day_rows(fiscal_year, prefecture=prefecture, municipality=municipality):
        named.setdefault(row.date, row.label)
    return dict(sorted(named.items()))


def closed_days(fiscal_year: int, prefecture=None, municipality=None) -> set[dt.date]:
    """The closed days of the fiscal year (April–March) for the place: national and the place's own."""
    return set(closed_days_named(fiscal_year, prefecture=prefecture, municipality=municipality))


def workable_days_by_weekday(fiscal_year: int, prefecture=None, municipality=None) -> dict[str, int]:
    """How many of each weekday ("mon" … "sun") of the fiscal year are not closed: FY2026 nationally has
    45 Mondays, 46 Tuesdays, 49 Wednesdays, 50 Thursdays and 51 Fridays."""
    closed = closed_days(fiscal_year, prefecture=prefecture, municipality=municipality)
    counts = dict.fromkeys(WEEKDAY_ORDER, 0)
    for day in _days(fiscal_year):
        if day not in closed:
            counts[WEEKDAY_ORDER[day.weekday()]] += 1
    return counts


def weekly_capacity(counts: dict[str, int], *, weekdays, weekly_days: int) -> int:
    """The most dates a post of `weekly_days` days a week on `weekdays` can hold in the year: the workable days
    of its best weekdays (a 週1日 post on Mondays holds at most the year's workable Mondays)."""
    best = sorted((counts.get(day, 0) for day in weekdays), reverse=True)
    return sum(best[:max(weekly_days, 0)])


def closed_day_list(*, user: User) -> QuerySet[ClosedDay]:
    """The added closed days a user reads: a coordinator their prefecture's and its municipalities', staff
    their municipality's and its prefecture's, an expert every one (their engagements may be anywhere)."""
    rows = ClosedDay.objects.select_related("prefecture", "municipality").order_by("date", "id")
    if is_admin(user) or user.role == UserRole.EXPERT:
        return rows
    if user.role == UserRole.COORDINATOR:
        return rows.filter(Q(prefecture_id=user.prefecture_id) | Q(municipality__prefecture_id=user.prefecture_id))
    if user.role == UserRole.MUNICIPAL:
        return rows.filter(Q(municipality_id=user.municipality_id) | Q(prefecture__municipalities=user.municipality_id))
    return rows.none()


def closed_day_can_change(*, user: User, closed_day: ClosedDay) -> bool:
    """Who may remove a closed day: the coordinator of its prefecture, or staff of its municipality."""
    if closed_day.prefecture_id:
        return coordinates(user, closed_day.prefecture_id)
    return is_staff_of(user, closed_day.municipality_id)
