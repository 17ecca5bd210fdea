"""Reads of the visit plan: the visits a user may see, an engagement's and an expert's dates, the inputs of the
planner for one engagement, the words of a shortfall, and the iCal feed of a user. Reads only."""

import datetime as dt

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.scoping import scope_by_municipality
from backend.calendar.selectors import closed_days
from backend.core.choices import Weekday
from backend.core.errors import interpolate, joined
from backend.core.fiscal import fiscal_year_end, fiscal_year_of, fiscal_year_start
from backend.engagements.models import HOLDING_STATUSES, Engagement
from backend.visits.filters import PlannedVisitFilter
from backend.visits.models import CalendarFeed, PlannedVisit, VisitStatus
from backend.visits.planning import CLOSED, TAKEN, PlanInput, Shortfall, plan_visits


def visit_list(*, user, filters: dict | None = None) -> QuerySet[PlannedVisit]:
    """The visits a user may read (a coordinator their prefecture's, staff their municipality's, an expert their
    own), filtered."""
    queryset = PlannedVisit.objects.select_related("engagement__municipality", "expert").order_by("date", "id")
    return PlannedVisitFilter(filters or {}, scope_by_municipality(
        queryset, user, path="engagement__municipality", expert_path="expert")).qs


def engagement_visits(engagement: Engagement) -> QuerySet[PlannedVisit]:
    """The planned dates of one engagement, in order (the caller has scoped the engagement)."""
    return PlannedVisit.objects.filter(engagement=engagement, status=VisitStatus.PLANNED).order_by("date", "id")


def expert_visits(*, expert_id: int, first: dt.date, last: dt.date) -> QuerySet[PlannedVisit]:
    """An expert's planned dates across their engagements between two days (a month, a year)."""
    return (PlannedVisit.objects.filter(expert_id=expert_id, status=VisitStatus.PLANNED, date__gte=first,
                                        date__lte=last)
            .select_related("engagement__municipality", "engagement__need").order_by("date", "id"))


def visits_concerning(*, user) -> QuerySet[PlannedVisit]:
    """The planned dates that concern a user, for their iCal feed: from a year ago on."""
    since = fiscal_year_start(fiscal_year_of(timezone.localdate()) - 1)
    return scope_by_municipality(
        PlannedVisit.objects.filter(status=VisitStatus.PLANNED, date__gte=since).select_related(
            "engagement__municipality", "expert"), user, path="engagement__municipality", expert_path="expert"
    ).order_by("date", "id")


def calendar_feed_of(*, user) -> CalendarFeed | None:
    return CalendarFeed.objects.filter(user=user).first()


def calendar_feed_by_token(token: str) -> CalendarFeed | None:
    return CalendarFeed.objects.select_related("user").filter(token=token, user__is_active=True).first()


def agreed_weekdays(engagement: Engagement) -> list[str]:
    """The engagement's weekdays; when it has none, those the expert and the need have in common."""
    if engagement.weekdays:
        return list(engagement.weekdays)
    return [day for day in engagement.expert.weekdays if day in set(engagement.need.weekdays)]


def plan_window(engagement: Engagement, since: dt.date) -> tuple[dt.date, dt.date]:
    """The part of the term that is planned: its fiscal year of `since` (the first year before the term)."""
    year = max(engagement.fiscal_year, fiscal_year_of(max(since, engagement.starts_on)))
    return max(engagement.starts_on, fiscal_year_start(year)), min(engagement.ends_on, fiscal_year_end(year))


def visit_plan_input(engagement: Engagement, *, since: dt.date) -> PlanInput:
    """What the planner needs for one engagement: its term, pattern, weekdays and days, the municipality's closed
    days, the dates the expert holds in other offered or active engagements, and the dates kept from an earlier
    plan (before `since`, or moved by hand)."""
    first, last = plan_window(engagement, since)
    mine = list(engagement_visits(engagement).filter(date__gte=first, date__lte=last).values_list(
        "date", "onsite", "moved_from"))
    kept = [(day, onsite) for day, onsite, moved_from in mine if day < since or moved_from]
    taken = PlannedVisit.objects.filter(
        expert_id=engagement.expert_id, status=VisitStatus.PLANNED, date__gte=first, date__lte=last,
        engagement__status__in=HOLDING_STATUSES).exclude(engagement=engagement).values_list("date", flat=True)
    closed = set()
    for year in {fiscal_year_of(first), fiscal_year_of(last)}:
        closed |= closed_days(year, municipality=engagement.municipality_id)
    need = engagement.need
    return PlanInput(
        starts_on=first, ends_on=last, pattern=need.pattern, weekdays=tuple(agreed_weekdays(engagement)),
        days=engagement.days_per_year, weekly_days=need.weekly_days, onsite_days=need.onsite_days,
        closed=frozenset(closed), taken=frozenset(taken), since=since, kept=tuple(sorted(kept)),
        served=frozenset(moved_from for _day, _onsite, moved_from in mine if moved_from))


CAUSES = {CLOSED: _("祝日・閉庁日"), TAKEN: _("他の任用")}


def shortfall_text(shortfall: Shortfall, *, weekdays) -> str:
    """A month that falls short, in words: 「4月：祝日・閉庁日と重なり、空いている月曜日が1日足りません。」"""
    if not weekdays:
        return str(interpolate(_("%(month)s月：勤務する曜日が決まっていないため、%(missing)s日を予定できません。"),
                               month=shortfall.month, missing=shortfall.missing))
    days = joined(Weekday(day).label for day in weekdays)
    causes = [CAUSES[c] for c in shortfall.causes if c in CAUSES]
    if not causes:
        return str(interpolate(_("%(month)s月：任期中の%(weekdays)s曜日が%(missing)s日足りません。"),
                               month=shortfall.month, weekdays=days, missing=shortfall.missing))
    return str(interpolate(_("%(month)s月：%(causes)sと重なり、空いている%(weekdays)s曜日が%(missing)s日足りません。"),
                           month=shortfall.month, causes=joined(causes), weekdays=days, missing=shortfall.missing))


def visit_plan_report(engagement: Engagement, *, today: dt.date | None = None) -> dict:
    """The plan of an engagement as its page and the API show it: the planned dates against the contract's days,
    and the months that fall short with why (the planner run again from today on, as a re-plan would)."""
    visits = list(engagement_visits(engagement))
    report = {"engagement": engagement.pk, "days_per_year": engagement.days_per_year, "planned": len(visits),
              "onsite": sum(1 for v in visits if v.onsite), "weekdays": agreed_weekdays(engagement),
              "missing": 0, "shortfalls": [], "visits": visits}
    if engagement.status in HOLDING_STATUSES:
        plan = plan_visits(visit_plan_input(engagement, since=today or timezone.localdate()))
        report["missing"] = plan.missing
        report["shortfalls"] = [{"year": s.year, "month": s.month, "missing": s.missing, "causes": list(s.causes),
                                 "text": shortfall_text(s, weekdays=report["weekdays"])} for s in plan.shortfalls]
    return report
