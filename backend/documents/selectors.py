"""Which documents a user may open, and the rows they are made of (reads only, scoped to the user).

An engagement's documents are read through `engagement_list` (out of scope: 404). Inside the scope, the
municipality's staff and its prefecture's coordinator open every document; the expert only their own pledge and
activity reports (anything else: 403). The bid-restriction notice of a municipality and fiscal year is for its
staff and its prefecture's coordinator.
"""

import datetime as dt

from django.db.models import F, Q, QuerySet

from backend.accounts.models import UserRole
from backend.accounts.permissions import coordinates, is_admin, is_expert_self, is_staff_of
from backend.core.choices import EmploymentForm, EngagementStatus
from backend.core.fiscal import fiscal_year_end, fiscal_year_start
from backend.engagements.models import CoiOverride, Engagement
from backend.engagements.selectors import engagement_list
from backend.geo.models import Municipality
from backend.payments.amounts import day_counts
from backend.restrictions.models import BidRestriction
from backend.worklog.models import WorkDay, WorkMonth, WorkMonthStatus

APPOINTMENT, CONTRACT, PLEDGE, RESTRICTIONS = "appointment", "contract", "pledge", "restrictions"
KINDS = (APPOINTMENT, CONTRACT, PLEDGE, RESTRICTIONS)
REPORT = "report"  # the monthly and yearly activity reports
# What the expert may open of their own engagement (the letters and the notice are the municipality's papers).
EXPERT_KINDS = (PLEDGE,)
# The letter or contract of an engagement that serves, served or is offered (a declined or cancelled one never did).
SERVING = (EngagementStatus.OFFERED, EngagementStatus.ACTIVE, EngagementStatus.ENDED)
APPOINTED_FORMS = (EmploymentForm.COMMISSION, EmploymentForm.SPECIAL_PART_TIME)  # 委嘱状
NOTIFIED_FORMS = (EmploymentForm.FIXED_TERM_SHORT, EmploymentForm.FISCAL_YEAR)  # 任用通知書


def document_engagements(*, user) -> QuerySet[Engagement]:
    """The engagements whose documents the user may ask for (404 outside them)."""
    return engagement_list(user=user).select_related("municipality__prefecture", "need", "expert", "coi_override")


def is_party_staff(user, engagement: Engagement) -> bool:
    """The municipality's staff or its prefecture's coordinator (an administrator too)."""
    municipality = engagement.municipality
    return is_admin(user) or coordinates(user, municipality.prefecture_id) or is_staff_of(user, municipality.pk)


def may_open(user, engagement: Engagement, kind: str) -> bool:
    """May the user open this document of an engagement in their scope? (No: 403.) Reports are REPORT."""
    if is_party_staff(user, engagement):
        return True
    return is_expert_self(user, engagement.expert_id) and kind in (*EXPERT_KINDS, REPORT)


def kind_applies(engagement: Engagement, kind: str) -> bool:
    """Whether the document exists for the engagement's form: the 委嘱状・任用通知 for an appointment, the contract
    for 業務委託 (a document that does not apply is a 404, like an unknown one)."""
    if kind == APPOINTMENT:
        return engagement.employment_form != EmploymentForm.CONTRACT
    if kind == CONTRACT:
        return engagement.employment_form == EmploymentForm.CONTRACT
    return kind in KINDS


def documents_for(user, engagement: Engagement) -> list[str]:
    """The documents the engagement page offers the user: those that apply, that the user may open and that can be
    made now (a letter for an engagement that serves, the pledge once signed, the notice once restrictions exist)."""
    kinds = []
    for kind in KINDS:
        if not (kind_applies(engagement, kind) and may_open(user, engagement, kind)):
            continue
        if kind in (APPOINTMENT, CONTRACT) and engagement.status not in SERVING:
            continue
        if kind == PLEDGE and not engagement.pledge_signed_at:
            continue
        if kind == RESTRICTIONS and not engagement.bid_restrictions.exists():
            continue
        kinds.append(kind)
    return kinds


def notice_municipality(*, user, code: str) -> Municipality:
    """The municipality whose restriction notice the user asks for: its staff's, its prefecture coordinator's
    (Municipality.DoesNotExist outside; the caller makes it a 404). Experts are refused before (403)."""
    queryset = Municipality.objects.select_related("prefecture")
    if is_admin(user):
        return queryset.get(pk=code)
    if user.role == UserRole.COORDINATOR:
        return queryset.get(pk=code, prefecture_id=user.prefecture_id)
    if user.role == UserRole.MUNICIPAL and code == user.municipality_id:
        return queryset.get(pk=code)
    raise Municipality.DoesNotExist


def restrictions_of_year(*, municipality: Municipality, fiscal_year: int) -> list[BidRestriction]:
    """The register's rows of a municipality in force at some time of a fiscal year (a row that ended before it
    began was never in force), by vendor and start."""
    return list(BidRestriction.objects.filter(
        municipality=municipality, starts_on__lte=fiscal_year_end(fiscal_year),
        ends_on__gte=fiscal_year_start(fiscal_year)).filter(starts_on__lte=F("ends_on")).select_related(
        "vendor", "expert", "engagement__coi_override").order_by("vendor__name", "starts_on", "id"))


def exceptions_of_year(*, municipality: Municipality, fiscal_year: int) -> list[CoiOverride]:
    """Every exception (利益相反の例外) recorded for the municipality and fiscal year, whatever its state now."""
    return list(CoiOverride.objects.filter(municipality=municipality, fiscal_year=fiscal_year).select_related(
        "expert").order_by("created_at", "id"))


def months_in_term(engagement: Engagement, fiscal_year: int) -> list[tuple[int, int]]:
    """(year, month) of each calendar month of the fiscal year the engagement's term covers, in order."""
    first = max(engagement.starts_on, fiscal_year_start(fiscal_year))
    last = min(engagement.ends_on, fiscal_year_end(fiscal_year))
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append((day.year, day.month))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def work_months_of(engagement: Engagement, months: list[tuple[int, int]]) -> dict[tuple[int, int], WorkMonth]:
    if not months:
        return {}
    wanted = Q()
    for year, month in months:
        wanted |= Q(year=year, month=month)
    return {(m.year, m.month): m for m in WorkMonth.objects.filter(wanted, engagement=engagement).select_related(
        "confirmed_by")}


def counted_days(work_month: WorkMonth) -> list[WorkDay]:
    """The days of a month that count (left counted by the municipality; beyond the contract only when agreed)."""
    return [d for d in WorkDay.objects.filter(month=work_month).order_by("date", "id")
            if day_counts(counted=d.counted, beyond_contract=d.beyond_contract, agreed_at=d.agreed_at)]


def counted_days_by_month(months: list[WorkMonth]) -> dict[int, list[WorkDay]]:
    """The counted days of confirmed months, by month id, in one query."""
    found: dict[int, list[WorkDay]] = {m.pk: [] for m in months}
    for day in WorkDay.objects.filter(month__in=[m.pk for m in months]).order_by("date", "id"):
        if day_counts(counted=day.counted, beyond_contract=day.beyond_contract, agreed_at=day.agreed_at):
            found[day.month_id].append(day)
    return found


def is_confirmed(work_month: WorkMonth | None) -> bool:
    return work_month is not None and work_month.status == WorkMonthStatus.CONFIRMED
