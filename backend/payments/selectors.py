"""Reads of what is owed (支払額): per engagement and month, the fiscal year so far against the budget, and the rows
of a municipality's payment sheet. Scoped to the user: a coordinator their prefecture's engagements, municipal
staff their municipality's, an expert their own (amounts only: the sheets are the municipality's documents).

Only confirmed months owe anything; a month not yet confirmed shows its status and no amount. The amounts are
computed by backend/payments/amounts.py from the worklog's rows, in a fixed number of queries per read.
"""

import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet, Sum
from django.http import Http404
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import UserRole
from backend.accounts.permissions import coordinates, is_staff_of
from backend.accounts.scoping import scope_by_municipality
from backend.core.choices import EngagementStatus
from backend.core.errors import ForbiddenError, interpolate
from backend.core.fiscal import fiscal_year_of
from backend.engagements.models import Engagement
from backend.engagements.selectors import in_fiscal_year
from backend.engagements.terms import share_of_year
from backend.geo.models import Municipality
from backend.needs.models import Need, NeedStatus
from backend.payments.amounts import Contract, MonthAmount, month_amount, months_of, worked_of, year_forecast
from backend.payments.errors import ErrorCode
from backend.worklog.models import WorkAdjustment, WorkMonth, WorkMonthStatus

# Engagements that serve (or served) and so are paid: an offered one has no months yet, a declined or
# cancelled one never served.
PAID_STATUSES = (EngagementStatus.ACTIVE, EngagementStatus.ENDED)
# The needs whose budgets make a municipality's year (as the cost table counts them).
BUDGETED_STATUSES = (NeedStatus.OPEN, NeedStatus.FILLED)
NOT_STARTED = "not_started"


def contract_of(engagement: Engagement) -> Contract:
    need = engagement.need
    return Contract(
        fiscal_year=engagement.fiscal_year, starts_on=engagement.starts_on, ends_on=engagement.ends_on,
        fee=engagement.fee, days_per_year=engagement.days_per_year, travel_cost=engagement.travel_cost,
        fee_reason=engagement.fee_reason, basis=need.fee_basis, fee_amount=need.fee_amount,
        offered_fee=need.offered_fee, fee_hours_per_day=need.fee_hours_per_day,
        need_onsite_days=need.onsite_days, fee_includes_tax=need.fee_includes_tax)


@dataclass(frozen=True)
class OwedMonth:
    """One calendar month of one engagement: its confirmation (if any) and, once confirmed, what it owes."""

    engagement: Engagement
    year: int
    month: int
    work_month: WorkMonth | None
    amount: MonthAmount | None  # None until the month is confirmed
    adjusted: bool  # corrected after confirmation (確認後に修正あり)

    @property
    def status(self) -> str:
        return self.work_month.status if self.work_month else NOT_STARTED

    @property
    def status_label(self):
        return WorkMonthStatus(self.work_month.status).label if self.work_month else _("記録なし")

    @property
    def confirmed(self) -> bool:
        return self.amount is not None


def payment_engagements(*, user, fiscal_year: int, municipality: str | None = None) -> QuerySet[Engagement]:
    """The engagements paid in a fiscal year that the user may read."""
    queryset = Engagement.objects.filter(in_fiscal_year(fiscal_year), status__in=PAID_STATUSES).select_related(
        "expert", "municipality", "need").order_by("municipality_id", "expert__name", "id")
    if municipality:
        queryset = queryset.filter(municipality_id=municipality)
    return scope_by_municipality(queryset, user, expert_path="expert")


def _months_in(fiscal_year: int) -> Q:
    return Q(year=fiscal_year, month__gte=4) | Q(year=fiscal_year + 1, month__lte=3)


def _work_months(engagements: list[Engagement], fiscal_year: int) -> dict[tuple[int, int, int], WorkMonth]:
    """The worklog's months of these engagements in the fiscal year, with their days, by (engagement, y, m)."""
    rows = WorkMonth.objects.filter(_months_in(fiscal_year), engagement__in=[e.pk for e in engagements]).annotate(
        adjusted=Exists(WorkAdjustment.objects.filter(month=OuterRef("pk")))).select_related(
        "confirmed_by").prefetch_related("days")
    return {(m.engagement_id, m.year, m.month): m for m in rows}


def _owed(engagement: Engagement, contract: Contract, key: tuple[int, int], work_month: WorkMonth | None) -> OwedMonth:
    confirmed = work_month is not None and work_month.status == WorkMonthStatus.CONFIRMED
    amount = month_amount(contract, *key, worked_of(work_month.days.all())) if confirmed else None
    return OwedMonth(engagement=engagement, year=key[0], month=key[1], work_month=work_month, amount=amount,
                     adjusted=bool(work_month is not None and work_month.adjusted))


def _months_by_engagement(engagements: list[Engagement], fiscal_year: int) -> dict[int, list[OwedMonth]]:
    """Each engagement's months in the fiscal year: those of its term and any the worklog holds beyond it."""
    work_months = _work_months(engagements, fiscal_year)
    owed = {}
    for engagement in engagements:
        contract = contract_of(engagement)
        keys = set(months_of(contract, fiscal_year)) | {
            (y, m) for (e, y, m) in work_months if e == engagement.pk}
        owed[engagement.pk] = [_owed(engagement, contract, key, work_months.get((engagement.pk, *key)))
                               for key in sorted(keys)]
    return owed


def owed_by_month(*, user, fiscal_year: int, municipality: str | None = None,
                  month: int | None = None) -> list[OwedMonth]:
    """Per engagement and month of the fiscal year (or only calendar month `month` of it): the month's status
    and, once confirmed, what it owes."""
    engagements = list(payment_engagements(user=user, fiscal_year=fiscal_year, municipality=municipality))
    rows = [row for months in _months_by_engagement(engagements, fiscal_year).values() for row in months]
    return [row for row in rows if month is None or row.month == month]


@dataclass(frozen=True)
class EngagementYear:
    """One engagement's fiscal year: confirmed so far, what the rest will cost, and its need's budget."""

    engagement: Engagement
    months: list[OwedMonth]
    so_far: int
    projected: int
    budget: int
    over_by: int  # how far the need's engagements together would exceed its budget (0: within it)
    exceeded: bool  # already over it with the confirmed months alone

    @property
    def adjusted(self) -> bool:
        return any(m.adjusted for m in self.months)

    @property
    def warning(self):
        return budget_warning(over_by=self.over_by, exceeded=self.exceeded)


@dataclass(frozen=True)
class MunicipalityYear:
    code: str
    name: str
    so_far: int
    projected: int
    budget: int

    @property
    def over_by(self) -> int:
        return max(0, self.projected - self.budget)

    @property
    def warning(self):
        return budget_warning(over_by=self.over_by, exceeded=self.so_far > self.budget)


@dataclass(frozen=True)
class PaymentYear:
    fiscal_year: int
    engagements: list[EngagementYear] = field(default_factory=list)
    municipalities: list[MunicipalityYear] = field(default_factory=list)


def budget_warning(*, over_by: int, exceeded: bool):
    """The warning shown before the budget is exceeded ("" when the contract fits it)."""
    if not over_by:
        return ""
    if exceeded:
        return interpolate(_("予算を超えています。このままでは予算を%(yen)s円超えます。"), yen=f"{over_by:,}")
    return interpolate(_("このままでは予算を%(yen)s円超えます。"), yen=f"{over_by:,}")


def _engagement_years(engagements: list[Engagement], fiscal_year: int) -> list[EngagementYear]:
    months = _months_by_engagement(engagements, fiscal_year)
    forecasts = {e.pk: year_forecast(contract_of(e), fiscal_year, {
        (m.year, m.month): m.amount for m in months[e.pk] if m.confirmed}) for e in engagements}
    # A need's budget pays every engagement on it (an expert and their successor): the warning is the need's.
    by_need = defaultdict(lambda: [0, 0])
    for e in engagements:
        by_need[e.need_id][0] += forecasts[e.pk].so_far
        by_need[e.need_id][1] += forecasts[e.pk].projected
    years = []
    for e in engagements:
        so_far, projected = by_need[e.need_id]
        budget = budget_in_year(e, fiscal_year)
        years.append(EngagementYear(
            engagement=e, months=months[e.pk], so_far=forecasts[e.pk].so_far, projected=forecasts[e.pk].projected,
            budget=budget, over_by=max(0, projected - budget), exceeded=so_far > budget))
    return years


def budget_in_year(engagement: Engagement, fiscal_year: int) -> int:
    """The need's budget as it stands for the engagement in a fiscal year: the need's own year's as entered; a
    later year of a multi-year term by the same share of months as its fee (engagements.terms.share_of_year)."""
    if fiscal_year == engagement.need.fiscal_year:
        return engagement.need.budget
    return round(engagement.need.budget * share_of_year(
        starts_on=engagement.starts_on, ends_on=engagement.ends_on, fiscal_year=engagement.fiscal_year,
        year=fiscal_year))


def _municipality_years(*, user, fiscal_year: int, municipality: str | None,
                        years: list[EngagementYear]) -> list[MunicipalityYear]:
    needs = scope_by_municipality(Need.objects.filter(fiscal_year=fiscal_year, status__in=BUDGETED_STATUSES), user)
    if municipality:
        needs = needs.filter(municipality_id=municipality)
    budgets = dict(needs.order_by().values_list("municipality_id").annotate(total=Sum("budget")))
    sums = defaultdict(lambda: [0, 0])
    for y in years:
        sums[y.engagement.municipality_id][0] += y.so_far
        sums[y.engagement.municipality_id][1] += y.projected
    codes = sorted(set(budgets) | set(sums))
    names = dict(Municipality.objects.filter(code__in=codes).values_list("code", "name"))
    return [MunicipalityYear(code=code, name=names.get(code, code), so_far=sums[code][0], projected=sums[code][1],
                             budget=budgets.get(code, 0)) for code in codes]


def payment_year(*, user, fiscal_year: int, municipality: str | None = None) -> PaymentYear:
    """The fiscal year so far per engagement and per municipality, against the budget, with the warning. An
    expert reads their own engagements only (no municipality's totals)."""
    engagements = list(payment_engagements(user=user, fiscal_year=fiscal_year, municipality=municipality))
    years = _engagement_years(engagements, fiscal_year)
    municipalities = [] if user.role == UserRole.EXPERT else _municipality_years(
        user=user, fiscal_year=fiscal_year, municipality=municipality, years=years)
    return PaymentYear(fiscal_year=fiscal_year, engagements=years, municipalities=municipalities)


def engagement_payment_year(*, engagement: Engagement, fiscal_year: int) -> EngagementYear:
    """One engagement's year (its page's box); the caller has already read it through a scoped selector."""
    others = list(Engagement.objects.filter(in_fiscal_year(fiscal_year), status__in=PAID_STATUSES,
                                            need_id=engagement.need_id).select_related("need"))
    years = _engagement_years(others if engagement.pk in {e.pk for e in others} else [engagement], fiscal_year)
    return next(y for y in years if y.engagement.pk == engagement.pk)


def sheet_municipality(*, user, code: str) -> Municipality:
    """The municipality whose payment sheet the user asks for: 403 for an expert, 404 outside the user's scope."""
    if user.role == UserRole.EXPERT:
        raise ForbiddenError.single("municipality", ErrorCode.NOT_YOURS,
                                    _("支払額の表は市区町村と都道府県の担当者だけが出力できます。"))
    found = Municipality.objects.filter(code=code).first()
    if found is None or not (coordinates(user, found.prefecture_id) or is_staff_of(user, found.code)):
        raise Http404
    return found


def payment_sheet_rows(*, user, municipality: Municipality, year: int, month: int) -> list[OwedMonth]:
    """The confirmed months of a municipality's engagements in one calendar month: its payment sheet's rows."""
    fiscal_year = fiscal_year_of(dt.date(year, month, 1))
    rows = owed_by_month(user=user, fiscal_year=fiscal_year, municipality=municipality.code, month=month)
    return [row for row in rows if row.confirmed]
