"""Reads of the activity log (活動記録) and its monthly confirmation (月次確認), scoped to the user: a coordinator
their prefecture's, municipal staff their municipality's, an expert their own engagements' (out of scope: 404).

Also the working days a deadline is counted in (weekdays the municipality is open, backend.calendar) and the
words a month is named by. Reads only: writes are in backend.worklog.services.
"""

import datetime as dt
import unicodedata
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet, Sum
from django.utils import timezone
from django.utils.functional import lazy
from django.utils.translation import get_language

from backend.accounts.models import UserRole
from backend.accounts.permissions import coordinates, is_admin, is_staff_of
from backend.accounts.scoping import scope_by_municipality
from backend.calendar.selectors import closed_days
from backend.core.fiscal import era_month, fiscal_year_end, fiscal_year_of, fiscal_year_start
from backend.engagements.models import Engagement, EngagementStatus
from backend.engagements.selectors import engagement_list, in_fiscal_year
from backend.worklog.models import DayDispute, WorkDay, WorkMonth, WorkMonthStatus

# Months the municipality has to act on, and those it has acted on.
AWAITING_MUNICIPALITY = (WorkMonthStatus.SUBMITTED, WorkMonthStatus.ANSWERED)
# What the reminder counts as "near": the deadline within this many working days (or past).
REMIND_WITHIN_WORKING_DAYS = 2


# -- words -----------------------------------------------------------------------------------------------

def month_label(year: int, month: int) -> str:
    """令和8年10月 (the era, as a clerk writes it)."""
    return era_month(dt.date(year, month, 1))


def _month_in_language(year: int, month: int) -> str:
    return era_month(dt.date(year, month, 1), english=(get_language() or "ja").startswith("en"))


def month_named(year: int, month: int):
    """A month as a message names it when rendered: 令和8年10月, or October 2026 in English."""
    return lazy(_month_in_language, str)(year, month)


def reference_normalised(text: str) -> str:
    """A reference as a clerk may type it ("km7q3f", "ＫＭ－７Ｑ３Ｆ", "7Q3F") as it is stored ("KM-7Q3F")."""
    code = unicodedata.normalize("NFKC", text or "").upper().replace(" ", "").replace("－", "-").replace("ー", "-")
    code = code.removeprefix("KM").lstrip("-")
    return f"KM-{code}" if code else ""


# -- working days -----------------------------------------------------------------------------------------

class WorkingDays:
    """The working days of one municipality: weekdays that are not closed (祝日, 年末年始, the prefecture's and the
    municipality's own closed days). Each fiscal year's closed days are read once."""

    def __init__(self, municipality_id: str):
        self.municipality_id = municipality_id
        self._closed: dict[int, set[dt.date]] = {}

    def is_working(self, day: dt.date) -> bool:
        year = fiscal_year_of(day)
        if year not in self._closed:
            self._closed[year] = closed_days(year, municipality=self.municipality_id)
        return day.weekday() < 5 and day not in self._closed[year]

    def nth_from(self, start: dt.date, n: int) -> dt.date:
        """The n-th working day on or after `start` (n ≥ 1)."""
        day, found = start, 0
        while True:
            if self.is_working(day):
                found += 1
                if found >= n:
                    return day
            day += dt.timedelta(days=1)

    def between(self, after: dt.date, until: dt.date) -> int:
        """How many working days fall after `after` up to and including `until`."""
        count, day = 0, after + dt.timedelta(days=1)
        while day <= until:
            count += self.is_working(day)
            day += dt.timedelta(days=1)
        return count


def next_month(year: int, month: int) -> tuple[int, int]:
    return (year + 1, 1) if month == 12 else (year, month + 1)


def work_month_deadline(*, year: int, month: int, municipality_id: str, working_day: int) -> dt.date:
    """The day the municipality confirms a month by: the `working_day`-th working day of the next month."""
    first = dt.date(*next_month(year, month), 1)
    return WorkingDays(municipality_id).nth_from(first, working_day)


def work_month_deadline_near(month: WorkMonth, *, today: dt.date, days: WorkingDays | None = None) -> bool:
    """Past, or within REMIND_WITHIN_WORKING_DAYS working days of `today`."""
    if month.deadline <= today:
        return True
    days = days or WorkingDays(month.engagement.municipality_id)
    return days.between(today, month.deadline) <= REMIND_WITHIN_WORKING_DAYS


# -- months and days --------------------------------------------------------------------------------------

def _with_counts(queryset: QuerySet[WorkMonth]) -> QuerySet[WorkMonth]:
    return queryset.annotate(
        day_count=Count("days", distinct=True),
        hour_total=Sum("days__hours"),
        onsite_count=Count("days", filter=Q(days__onsite=True), distinct=True),
        counted_count=Count("days", filter=Q(days__counted=True), distinct=True),
        open_dispute_count=Count("days__disputes", filter=Q(days__disputes__answered_at__isnull=True),
                                 distinct=True),
    )


def _scoped(user) -> QuerySet[WorkMonth]:
    """The months the user may read, without counts (what the home page's to-do list counts)."""
    return scope_by_municipality(WorkMonth.objects.all(), user, path="engagement__municipality",
                                 expert_path="engagement__expert")


def work_month_list(*, user) -> QuerySet[WorkMonth]:
    """The months the user may read, with their counts (days, hours, on-site days, counted days, open disputes)."""
    return _with_counts(_scoped(user).select_related(
        "engagement__expert", "engagement__municipality", "engagement__need", "confirmed_by").order_by(
        "engagement_id", "year", "month"))


def work_month_detail(*, user, pk: int) -> WorkMonth:
    """One month with its days, their disputes and the adjustments made after it was locked (404 out of scope)."""
    return work_month_list(user=user).prefetch_related("days__disputes", "adjustments__made_by").get(pk=pk)


def work_months_of_engagement(*, user, engagement: Engagement) -> QuerySet[WorkMonth]:
    return work_month_list(user=user).filter(engagement=engagement)


def work_month_by_reference(*, user, reference: str) -> WorkMonth | None:
    code = reference_normalised(reference)
    return work_month_list(user=user).filter(reference=code).first() if code else None


def work_day_list(*, user) -> QuerySet[WorkDay]:
    queryset = WorkDay.objects.select_related("month__engagement__municipality", "month__engagement__expert")
    return scope_by_municipality(queryset, user, path="month__engagement__municipality",
                                 expert_path="month__engagement__expert").prefetch_related("disputes")


def open_disputes(month: WorkMonth) -> QuerySet[DayDispute]:
    return DayDispute.objects.filter(day__month=month, answered_at__isnull=True).select_related("day")


def counted_days_in_year(*, engagement: Engagement, fiscal_year: int) -> int:
    """The days counted against the contract in the engagement's term within one fiscal year."""
    return WorkDay.objects.filter(month__engagement=engagement, counted=True,
                                  date__gte=max(engagement.starts_on, fiscal_year_start(fiscal_year)),
                                  date__lte=min(engagement.ends_on, fiscal_year_end(fiscal_year))).count()


# -- what awaits a user (frontend/todo.py) ----------------------------------------------------------------

def work_months_to_submit(*, user, today: dt.date | None = None) -> QuerySet[WorkMonth]:
    """An expert's months of past calendar months still open (not submitted)."""
    today = today or timezone.localdate()
    return _scoped(user).filter(status=WorkMonthStatus.OPEN).filter(
        Q(year__lt=today.year) | Q(year=today.year, month__lt=today.month))


def work_months_to_answer(*, user) -> QuerySet[WorkMonth]:
    return _scoped(user).filter(status=WorkMonthStatus.DISPUTED)


def work_months_to_confirm(*, user) -> QuerySet[WorkMonth]:
    return _scoped(user).filter(status__in=AWAITING_MUNICIPALITY)


def work_months_overdue(*, user, today: dt.date | None = None) -> QuerySet[WorkMonth]:
    """Months past their deadline and not confirmed (a coordinator follows them up)."""
    today = today or timezone.localdate()
    return _scoped(user).filter(deadline__lt=today, status__in=[*AWAITING_MUNICIPALITY, WorkMonthStatus.DISPUTED])


# -- the coordinator's overview ---------------------------------------------------------------------------

@dataclass(frozen=True)
class OverviewCell:
    year: int
    month: int
    in_term: bool
    work_month: WorkMonth | None


@dataclass(frozen=True)
class OverviewRow:
    engagement: Engagement
    cells: list[OverviewCell]


def fiscal_year_months(fiscal_year: int) -> list[tuple[int, int]]:
    return [(fiscal_year + (m < 4), m) for m in (*range(4, 13), 1, 2, 3)]


def work_overview(*, user, fiscal_year: int, municipality: str | None = None) -> list[OverviewRow]:
    """Every active or ended engagement in scope whose term covers some of the fiscal year × its twelve months,
    each cell the month's confirmation (or None: nothing logged yet). Three queries however many rows."""
    engagements = engagement_list(user=user).filter(
        in_fiscal_year(fiscal_year), status__in=[EngagementStatus.ACTIVE, EngagementStatus.ENDED])
    if municipality:
        engagements = engagements.filter(municipality_id=municipality)
    engagements = list(engagements.order_by("municipality_id", "expert__name", "id"))
    first, last = fiscal_year_start(fiscal_year), fiscal_year_end(fiscal_year)
    months = {(m.engagement_id, m.year, m.month): m for m in work_month_list(user=user).filter(
        engagement__in=engagements).filter(
        Q(year=first.year, month__gte=4) | Q(year=last.year, month__lte=3))}
    rows = []
    for engagement in engagements:
        cells = []
        for year, month in fiscal_year_months(fiscal_year):
            start = dt.date(year, month, 1)
            end = dt.date(*next_month(year, month), 1) - dt.timedelta(days=1)
            cells.append(OverviewCell(year=year, month=month,
                                      in_term=engagement.starts_on <= end and engagement.ends_on >= start,
                                      work_month=months.get((engagement.pk, year, month))))
        rows.append(OverviewRow(engagement=engagement, cells=cells))
    return rows


def may_adjust(user, month: WorkMonth) -> bool:
    """Who corrects a locked month: the coordinator of its prefecture or staff of its municipality."""
    municipality = month.engagement.municipality
    return bool(user.is_authenticated) and (coordinates(user, municipality.prefecture_id)
                                            or is_staff_of(user, municipality.pk))


def is_coordinating(user) -> bool:
    return is_admin(user) or user.role == UserRole.COORDINATOR
