"""What the anonymous yearly page of a prefecture shows for a fiscal year, read from the domain rows.

Counts per municipality under `SMALL` are withheld (shown as 「5未満」) so that a small municipality's few
engagements do not point at a person; the exceptions (利益相反の例外) and the bid restrictions in force are
listed in full, because accountability for them is the point of the page. No e-mail, telephone or staff user
appears anywhere; an expert's name only where the prefecture chose to publish names for that year, and then
only in the lists of exceptions and engagements. A fixed number of queries, whatever the prefecture's size.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, F, Q
from django.utils import timezone

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin
from backend.core.choices import EngagementStatus, Role
from backend.core.fiscal import fiscal_year_end, fiscal_year_start
from backend.engagements.models import CoiOverride, Engagement, ExceptionState
from backend.needs.models import Need, NeedStatus
from backend.public.models import PublishedYear
from backend.restrictions.models import BidRestriction
from backend.worklog.models import WorkDay, WorkMonthStatus

SMALL = 5  # a count below this is shown as 「5未満」

# Needs the municipality posted (withdrawn ones too: they were posted); a renewal not yet confirmed or one
# dropped was never posted.
POSTED = (NeedStatus.OPEN, NeedStatus.FILLED, NeedStatus.WITHDRAWN)
# An engagement that served: active or ended (an offer never accepted, or one cancelled before it began, did not).
SERVED = (EngagementStatus.ACTIVE, EngagementStatus.ENDED)
# The days that count, as backend.payments.amounts.day_counts decides for one day.
COUNTED_DAY = Q(counted=True) & (Q(beyond_contract=False) | Q(agreed_at__isnull=False))


def published_year(*, code: str, fiscal_year: int) -> PublishedYear | None:
    """The prefecture's year if it is published now, with its prefecture; None otherwise (the page is a 404)."""
    return (PublishedYear.objects.select_related("prefecture")
            .filter(prefecture_id=code, fiscal_year=fiscal_year, unpublished_at__isnull=True).first())


def published_years_of(prefecture_id: str) -> dict[int, PublishedYear]:
    """Every row of the prefecture's years (published or taken down), by fiscal year."""
    return {row.fiscal_year: row for row in PublishedYear.objects.filter(prefecture_id=prefecture_id)}


def years_with_records(prefecture_id: str) -> set[int]:
    """The fiscal years the prefecture has needs or engagements in."""
    needs = Need.objects.filter(municipality__prefecture_id=prefecture_id).values_list("fiscal_year", flat=True)
    engagements = Engagement.objects.filter(municipality__prefecture_id=prefecture_id).values_list(
        "fiscal_year", flat=True)
    return set(needs.distinct()) | set(engagements.distinct())


@dataclass
class MunicipalityRow:
    code: str
    name: str
    needs_posted: int = 0
    needs_filled: int = 0
    experts: int = 0
    days: int = 0


@dataclass(frozen=True)
class RestrictionRow:
    vendor: str
    municipality: str
    municipality_code: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass(frozen=True)
class ExceptionRow:
    municipality: str
    municipality_code: str
    reason: str
    state: str  # ExceptionState: in force or lapsed (a revoked one is not an exception any more)
    recorded_on: dt.date
    expert: str  # "" unless the year publishes names


@dataclass(frozen=True)
class EngagementRow:
    municipality: str
    municipality_code: str
    role: str
    expert: str
    starts_on: dt.date
    ends_on: dt.date


@dataclass
class YearReport:
    year: PublishedYear
    needs_posted: int = 0
    needs_filled: int = 0
    municipalities_served: int = 0
    experts_engaged: int = 0
    days_confirmed: int = 0
    municipalities: list[MunicipalityRow] = field(default_factory=list)
    restrictions: list[RestrictionRow] = field(default_factory=list)
    exceptions: list[ExceptionRow] = field(default_factory=list)
    engagements: list[EngagementRow] = field(default_factory=list)  # only when the year publishes names


def year_report(year: PublishedYear) -> YearReport:
    """The page's content for a published year (six queries)."""
    code, fy = year.prefecture_id, year.fiscal_year
    start, end = fiscal_year_start(fy), fiscal_year_end(fy)
    rows: dict[str, MunicipalityRow] = {}

    def row(municipality_code: str, name: str) -> MunicipalityRow:
        return rows.setdefault(municipality_code, MunicipalityRow(code=municipality_code, name=name))

    needs = (Need.objects.filter(municipality__prefecture_id=code, fiscal_year=fy, status__in=POSTED)
             .values("municipality_id", "municipality__name")
             .annotate(posted=Count("id"), filled=Count("id", filter=Q(status=NeedStatus.FILLED))))
    for n in needs:
        target = row(n["municipality_id"], n["municipality__name"])
        target.needs_posted, target.needs_filled = n["posted"], n["filled"]

    served = list(Engagement.objects.filter(
        municipality__prefecture_id=code, status__in=SERVED, starts_on__lte=end, ends_on__gte=start,
    ).values("municipality_id", "municipality__name", "expert_id", "expert__name", "need__role", "starts_on",
             "ends_on").order_by("municipality_id", "starts_on", "id"))
    experts_by_municipality = defaultdict(set)
    for e in served:
        row(e["municipality_id"], e["municipality__name"])
        experts_by_municipality[e["municipality_id"]].add(e["expert_id"])
    for municipality_code, experts in experts_by_municipality.items():
        rows[municipality_code].experts = len(experts)

    days = (WorkDay.objects.filter(COUNTED_DAY, month__status=WorkMonthStatus.CONFIRMED, date__range=(start, end),
                                   month__engagement__municipality__prefecture_id=code)
            .values("month__engagement__municipality_id", "month__engagement__municipality__name")
            .annotate(days=Count("id")))
    for d in days:
        row(d["month__engagement__municipality_id"], d["month__engagement__municipality__name"]).days = d["days"]

    report = YearReport(year=year, municipalities=sorted(rows.values(), key=lambda r: r.code))
    report.needs_posted = sum(r.needs_posted for r in rows.values())
    report.needs_filled = sum(r.needs_filled for r in rows.values())
    report.municipalities_served = len(experts_by_municipality)
    report.experts_engaged = len({e["expert_id"] for e in served})
    report.days_confirmed = sum(r.days for r in rows.values())
    report.restrictions = _restrictions(code, start, end)
    report.exceptions = _exceptions(code, fy, names=year.show_expert_names)
    if year.show_expert_names:
        roles = dict(Role.choices)
        report.engagements = [
            EngagementRow(municipality=e["municipality__name"], municipality_code=e["municipality_id"],
                          role=str(roles.get(e["need__role"], e["need__role"])), expert=e["expert__name"],
                          starts_on=e["starts_on"], ends_on=e["ends_on"]) for e in served]
    return report


def _restrictions(code: str, start: dt.date, end: dt.date) -> list[RestrictionRow]:
    """The rows of the register in force on some day of the year (a row that never began is left out)."""
    rows = (BidRestriction.objects.filter(municipality__prefecture_id=code, starts_on__lte=end, ends_on__gte=start)
            .filter(ends_on__gte=F("starts_on"))
            .values("vendor__name", "municipality_id", "municipality__name", "starts_on", "ends_on")
            .order_by("municipality_id", "vendor__name", "starts_on"))
    return [RestrictionRow(vendor=r["vendor__name"], municipality=r["municipality__name"],
                           municipality_code=r["municipality_id"], starts_on=r["starts_on"], ends_on=r["ends_on"])
            for r in rows]


def _exceptions(code: str, fiscal_year: int, *, names: bool) -> list[ExceptionRow]:
    """Every exception of the year that was not revoked, in force or lapsed, with its reason in full."""
    overrides = (CoiOverride.objects.filter(municipality__prefecture_id=code, fiscal_year=fiscal_year,
                                            revoked_at__isnull=True)
                 .values("municipality_id", "municipality__name", "reason", "lapsed_at", "created_at", "expert__name")
                 .order_by("municipality_id", "created_at", "id"))
    return [ExceptionRow(municipality=o["municipality__name"], municipality_code=o["municipality_id"],
                         reason=o["reason"], state=ExceptionState.LAPSED if o["lapsed_at"] else ExceptionState.IN_FORCE,
                         recorded_on=timezone.localdate(o["created_at"]), expert=o["expert__name"] if names else "")
            for o in overrides]


def withheld(count: int) -> bool:
    """A per-municipality count too small to show as a number."""
    return count < SMALL


MUNICIPALITY_COUNTS = ("needs_posted", "needs_filled", "experts", "days")


def published_year_list(*, user):
    """The years a user may see the publishing choice of: a coordinator their prefecture's, an administrator all;
    nobody else any (the public page itself needs no login)."""
    if is_admin(user):
        return PublishedYear.objects.all()
    if user.role == UserRole.COORDINATOR and user.prefecture_id:
        return PublishedYear.objects.filter(prefecture_id=user.prefecture_id)
    return PublishedYear.objects.none()
