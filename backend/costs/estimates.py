"""The autumn budget estimate (予算要求見込み, issue 24 item 4): before any match exists, what each need a
municipality posts or renews for the coming fiscal year will cost, as a range, and what the grant of its planned
scheme takes off.

For each need, the engine judges every expert of the pool on the instance a run would build for the need today
(`backend.placement.candidates.candidates_instance`, the candidates page's; `matching.need_standing`): the fee runs
from the least an eligible expert accepts (`matching`'s accepted fee, daily rate × days) up to the need's offered
fee (its budget when it offers none); the travel (費用弁償) is the engine's round-trip cost × on-site days of the
eligible candidates, cheapest to dearest; the grant is the planned scheme's (`backend.funding.rules.grant`), a
threshold scheme judged on the need's planned on-site days; the net is what remains for the municipality. With no
eligible expert the estimate stands on the offered fee alone and says why nobody qualifies.

The what-if judges a need changed in memory (budget, days, on-site days, offered fee) the same way. This module
only reads: it never stores a run, a need or anything else.
"""

import copy
import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import matching
from backend.accounts.models import UserRole
from backend.accounts.permissions import coordinates, is_admin, is_staff_of
from backend.accounts.scoping import scope_by_municipality
from backend.core.errors import DomainError, FieldProblem, ForbiddenError, interpolate
from backend.core.fiscal import current_fiscal_year, date_named, fiscal_year_end, fiscal_year_named
from backend.costs.errors import ErrorCode
from backend.funding import rules
from backend.funding.models import FundingScheme
from backend.funding.selectors import default_scheme, terms_of, years_financed
from backend.geo.models import Municipality
from backend.needs.models import Need, NeedStatus
from backend.needs.terms import onsite_problems
from backend.placement.candidates import STANDING, candidates_instance
from backend.runs.refs import need_ref

# The needs a municipality puts a number on: those it posts (open) and the renewals of this year's engagements,
# confirmed (open again, `renewed_from` kept) or still awaiting its confirmation.
ESTIMATED_STATUSES = (NeedStatus.OPEN, NeedStatus.RENEWAL)
# Budgets are requested in October; the estimate of the coming fiscal year opens on 1 September.
OPENS_IN_MONTH = 9
MAX_YEN = 1_000_000_000  # the needs' own limit on a budget and an offered fee
HOURS_OF_A_PLANNED_DAY = 8


@dataclass(frozen=True)
class Figures:
    """Yen, each as a range (low, high): what the budget request is made of."""

    fee_low: int
    fee_high: int
    travel_low: int
    travel_high: int
    grant_low: int
    grant_high: int

    @property
    def net_low(self) -> int:
        return self.fee_low + self.travel_low - self.grant_low

    @property
    def net_high(self) -> int:
        return self.fee_high + self.travel_high - self.grant_high

    @property
    def request(self) -> int:
        """The amount to request (歳出): the fee's upper bound and the dearest travel."""
        return self.fee_high + self.travel_high

    def __add__(self, other: "Figures") -> "Figures":
        return Figures(*(getattr(self, f) + getattr(other, f) for f in FIGURE_FIELDS))


FIGURE_FIELDS = ("fee_low", "fee_high", "travel_low", "travel_high", "grant_low", "grant_high")
NOTHING = Figures(0, 0, 0, 0, 0, 0)


@dataclass(frozen=True)
class NeedEstimate:
    need: Need
    figures: Figures
    eligible: int  # experts of the pool the engine finds eligible
    fee_from_pool: bool  # the fee's low end is what an eligible expert accepts (else the offered fee or budget)
    scheme: FundingScheme
    grant_state: str  # backend.funding.rules ELIGIBLE, PENDING or INELIGIBLE
    grant_reasons: tuple = ()  # why the scheme does not finance it (lazy strings)
    cap: int | None = None  # the scheme's cap, when the upper figure reaches it
    blocked: tuple = ()  # with nobody eligible: (why, how many experts) in the order of the rules
    notes: tuple = field(default=())  # what the clerk should know of how a figure was made

    @property
    def grant_eligible(self) -> bool:
        return self.grant_state == rules.ELIGIBLE


@dataclass(frozen=True)
class MunicipalityEstimate:
    municipality: Municipality
    needs: list[NeedEstimate]

    @property
    def total(self) -> Figures:
        return sum((n.figures for n in self.needs), NOTHING)


@dataclass(frozen=True)
class Estimate:
    fiscal_year: int
    opens_on: dt.date  # the day the estimate of this fiscal year is offered from
    municipalities: list[MunicipalityEstimate]

    @property
    def is_open(self) -> bool:
        return timezone.localdate() >= self.opens_on

    @property
    def total(self) -> Figures:
        return sum((m.total for m in self.municipalities), NOTHING)


def default_target_year() -> int:
    """The fiscal year budgets are requested for: the next one."""
    return current_fiscal_year() + 1


def opens_on(fiscal_year: int) -> dt.date:
    """1 September of the fiscal year before the target year."""
    return dt.date(fiscal_year - 1, OPENS_IN_MONTH, 1)


def _check_reader(user) -> None:
    if not (is_admin(user) or user.role in (UserRole.COORDINATOR, UserRole.MUNICIPAL)):
        raise ForbiddenError.single("user", ErrorCode.NOT_STAFF,
                                    _("予算要求見込みは市区町村と都道府県の担当者だけが見られます。"))


def estimate_municipalities(*, user, municipality: str | None = None):
    """The municipalities whose estimate the user reads; one named outside their scope is a 404."""
    _check_reader(user)
    municipalities = _scoped_municipalities(user)
    if municipality:
        municipalities = municipalities.filter(code=municipality)
        if not municipalities.exists():
            raise Http404
    return municipalities


def _scoped_municipalities(user):
    municipalities = Municipality.objects.order_by("code")
    if is_admin(user):
        return municipalities
    if user.role == UserRole.COORDINATOR:
        return municipalities.filter(prefecture_id=user.prefecture_id)
    return municipalities.filter(code=user.municipality_id)


def estimate_needs(*, user):
    """The needs the user may estimate (scoped like the needs list)."""
    _check_reader(user)
    return scope_by_municipality(Need.objects.select_related("municipality", "funding_scheme", "renewed_from")
                                 .prefetch_related("skills"), user).filter(status__in=ESTIMATED_STATUSES)


def budget_estimate(*, user, fiscal_year: int | None = None, municipality: str | None = None) -> Estimate:
    """The estimate of every need of the fiscal year the user's municipalities post or renew (of one of them when
    `municipality` names it: outside the user's scope a 404); nothing before the estimate opens (1 September)."""
    fiscal_year = fiscal_year or default_target_year()
    needs = estimate_needs(user=user).filter(fiscal_year=fiscal_year)
    if municipality:
        estimate_municipalities(user=user, municipality=municipality)
        needs = needs.filter(municipality_id=municipality)
    estimate = Estimate(fiscal_year=fiscal_year, opens_on=opens_on(fiscal_year), municipalities=[])
    if not estimate.is_open:
        return estimate
    needs = list(needs.order_by("municipality_id", "id"))
    by_need = _estimates(needs)
    by_municipality: dict[str, list[NeedEstimate]] = {}
    for need in needs:
        by_municipality.setdefault(need.municipality_id, []).append(by_need[need.pk])
    return Estimate(fiscal_year=fiscal_year, opens_on=estimate.opens_on, municipalities=[
        MunicipalityEstimate(municipality=rows[0].need.municipality, needs=rows) for rows in by_municipality.values()])


# -- the what-if --------------------------------------------------------------------------------------------

WHAT_IF_FIELDS = ("budget", "days_per_year", "onsite_days", "offered_fee")


def need_what_if(*, user, need: Need, changes: dict) -> tuple[NeedEstimate, NeedEstimate]:
    """The need's estimate as it stands and with `changes` (any of WHAT_IF_FIELDS; an offered fee of None: none),
    both answered by the engine. The changed need lives in memory only: nothing is saved, no run is stored."""
    _check_reader(user)
    if not (coordinates(user, need.municipality.prefecture_id) or is_staff_of(user, need.municipality_id)):
        raise ForbiddenError.single("need", ErrorCode.NOT_STAFF,
                                    _("予算要求見込みは市区町村と都道府県の担当者だけが見られます。"))
    changed = _changed(need, {k: v for k, v in changes.items() if k in WHAT_IF_FIELDS})
    return _estimates([need])[need.pk], _estimates([changed])[need.pk]


def _changed(need: Need, changes: dict) -> Need:
    changed = copy.copy(need)  # the row's fields and its prefetched skills; never saved
    for name, value in changes.items():
        setattr(changed, name, value)
    if "onsite_days" in changes:
        changed.onsite_required = bool(changed.onsite_days)
    elif changed.onsite_required and need.onsite_days == need.days_per_year:
        changed.onsite_days = changed.days_per_year  # on site every day stays so when the days change
    problems = []
    if not 1 <= changed.days_per_year <= 366:
        problems.append(FieldProblem("days_per_year", ErrorCode.OUT_OF_RANGE,
                                     _("年間日数は1日から366日の間で入力してください。")))
    elif changed.onsite_required:
        problems += onsite_problems(onsite_required=True, onsite_days=changed.onsite_days,
                                    days_per_year=changed.days_per_year)
    if not 1 <= changed.budget <= MAX_YEN:
        problems.append(FieldProblem("budget", ErrorCode.OUT_OF_RANGE,
                                     _("予算は1円以上10億円以下で入力してください。")))
    elif changed.offered_fee is not None and changed.offered_fee > changed.budget:
        problems.append(FieldProblem("offered_fee", ErrorCode.OVER_BUDGET, interpolate(
            _("提示報酬（年額 %(offered)s円）が年間予算 %(budget)s円 を超えています。"),
            offered=f"{changed.offered_fee:,}", budget=f"{changed.budget:,}")))
    if changed.offered_fee is not None and changed.offered_fee < 1:
        problems.append(FieldProblem("offered_fee", ErrorCode.OUT_OF_RANGE,
                                     _("提示報酬は1円以上で入力してください（提示しないときは空欄）。")))
    if problems:
        raise DomainError(*problems)
    return changed


# -- the figures -------------------------------------------------------------------------------------------

def _estimates(needs: list[Need]) -> dict[int, NeedEstimate]:
    """Each need's estimate, the needs of one prefecture and fiscal year judged on one instance."""
    groups: dict[tuple[str, int], list[Need]] = {}
    for need in needs:
        groups.setdefault((need.municipality.prefecture_id, need.fiscal_year), []).append(need)
    out, defaults = {}, {}
    for group in groups.values():
        try:
            instance = matching.load_instance(candidates_instance(needs=group))
        except matching.InstanceError as exc:  # a stored need always loads; a what-if is checked before
            raise DomainError.single(None, ErrorCode.NOT_ESTIMABLE,
                                     interpolate(_("この条件では見込みを計算できません（%(why)s）。"), why=str(exc))) from exc
        for need in group:
            if need.funding_scheme_id is None:  # the prefecture's default for the role, read once per role
                key = (need.municipality.prefecture_id, need.role)
                if key not in defaults:
                    defaults[key] = default_scheme(*key)
            out[need.pk] = _estimate(instance, need, scheme=need.funding_scheme or defaults[key])
    return out


def _estimate(instance, need: Need, *, scheme: FundingScheme) -> NeedEstimate:
    ref = need_ref(need.pk)
    r = instance.need_index[ref]
    standing = matching.need_standing(instance, ref)
    eligible = [e for e, expert in enumerate(instance.experts) if standing[expert.id] is None]
    ceiling = need.offered_fee if need.offered_fee is not None else need.budget
    notes = []
    if eligible:
        fee_low = min(instance.accepted_fee(e, r) for e in eligible)
        travels = [instance.travel_cost(e, r) for e in eligible]
        travel_low, travel_high = min(travels), max(travels)
        if need.offered_fee is None:
            # The engine pays what the expert asks, and fee and travel fit the budget (rule 6): with the dearest
            # travel, no more than the rest of the budget.
            ceiling = need.budget - travel_high
            notes.append(_("提示報酬がないため、報酬の上限は予算から費用弁償の上限を引いた額です（報酬と費用弁償の計は予算以内）。"))
        cheapest = min(eligible, key=lambda e: (instance.accepted_fee(e, r), instance.travel_cost(e, r)))
        form = instance.employment_form(cheapest, r) or ""
        if need.onsite_days:
            notes.append(interpolate(_("費用弁償は適格な人材%(count)s人の往復旅費×現地勤務%(days)s日の最小〜最大です。"),
                                     count=len(eligible), days=need.onsite_days))
    else:
        fee_low, travel_low, travel_high = ceiling, 0, 0
        form = need.employment_forms[0] if need.employment_forms else ""
        notes.append(_("適格な人材がいないため、提示報酬（提示がなければ予算）で見積もり、費用弁償は含めていません。"))
    blocked = () if eligible else _blocked(standing.values())
    terms = terms_of(scheme)
    result = rules.standing(terms, _facts(need, scheme, form), _planned_days(need))
    if terms.has_threshold:
        notes.append(interpolate(_("交付税の要件は、予定の現地勤務%(days)s日（1回の訪問として）で判定しています。"),
                                 days=need.onsite_days))
    low = rules.grant(terms, fee=min(fee_low, ceiling), travel=travel_low, eligible=result.eligible)
    high = rules.grant(terms, fee=ceiling, travel=travel_high, eligible=result.eligible)
    figures = Figures(fee_low=min(fee_low, ceiling), fee_high=ceiling, travel_low=travel_low, travel_high=travel_high,
                      grant_low=low.grant, grant_high=high.grant)
    return NeedEstimate(need=need, figures=figures, eligible=len(eligible), fee_from_pool=bool(eligible),
                        scheme=scheme, grant_state=result.state, grant_reasons=result.reasons, cap=high.cap,
                        blocked=blocked, notes=tuple(notes))


def _blocked(reasons) -> tuple:
    """Why nobody of the pool qualifies: each reason in words with how many experts it keeps out."""
    counts = Counter(reasons)
    return tuple((STANDING[reason], counts[reason]) for reason in matching.UNMATCHED_REASONS if counts[reason])


def _facts(need: Need, scheme: FundingScheme, form: str) -> rules.EngagementFacts:
    """The need as an engagement of its whole fiscal year; a renewal counts the years its expert was already
    financed here by the scheme."""
    years = 1
    if need.renewed_from_id is not None:
        years = years_financed(need.renewed_from, scheme, need.fiscal_year)
    return rules.EngagementFacts(role=need.role, employment_form=form, population=need.municipality.population,
                                 months=12.0, years_financed=years)


def _planned_days(need: Need) -> list[rules.LoggedDay]:
    """The planned on-site days as one stay from the first of April: as many days, one visit (the cautious
    reading, since the visits are not planned yet)."""
    start = dt.date(need.fiscal_year, 4, 1)
    last = fiscal_year_end(need.fiscal_year)
    days = [start + dt.timedelta(days=i) for i in range(need.onsite_days)]
    return [rules.LoggedDay(date=day, onsite=True, hours=HOURS_OF_A_PLANNED_DAY) for day in days if day <= last]


def opens_text(fiscal_year: int):
    """「令和9年度の予算要求見込みは令和8年9月1日から表示します。」"""
    return interpolate(_("%(year)sの予算要求見込みは%(date)sから表示します。"),
                       year=fiscal_year_named(fiscal_year), date=date_named(opens_on(fiscal_year)))
