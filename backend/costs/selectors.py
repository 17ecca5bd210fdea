"""What the shared experts cost in a fiscal year, by each engagement's funding scheme (issue 24): the cost table
(a row per municipality, a line per engagement under it) and the claim pack (年度末の交付税算定資料) of one
municipality and scheme. Reads only, in a fixed number of queries however many engagements there are. The amounts
owed are backend.payments' (never recomputed here); eligibility, caps and the grant are backend.funding.rules'.

A line's columns:

- 支払済み (paid): what the engagement's confirmed months of the year owe (payments.selectors.owed_by_month).
- 年度末までの支出見込み (committed): the fee and travel of an offered or active engagement holding in the year (a
  multi-year term begun earlier by the months it serves in this one, engagements.terms.amounts_in_year); an
  engagement that has ended commits what its confirmed months paid — nothing more is to come.
- 募集経費 (recruitment): the municipality's recruitment costs of the year (funding.RecruitmentCost). A cost for a
  need goes to the line of that need's engagement (the first of the year); a cost for a need with no engagement in
  the year stands on a line of its own under the need's planned scheme, and a cost for a round (a run, no need)
  on a line of its own under the prefecture's 特別交付税（CIO補佐官等）, the scheme that counts them.
- 対象経費 and 交付税見込み: funding.rules.grant on the committed fee and travel (and the recruitment costs where the
  scheme counts them), capped per engagement and year, times the scheme's rate — by the engagement's standing:
  - 対象 (eligible on the confirmed activity log): estimated in full;
  - 対象外 (the scheme does not finance it: role, form, term, population, years, 一般財源): 0;
  - 要件未達 (a threshold — 地域力創造アドバイザー: 10 days or 5 visits — not met yet by the confirmed days) is
    estimated by its plan (PLAN RULE): the confirmed, counted on-site days together with the on-site dates the visit
    plan still holds in the year's months not yet confirmed, each planned date taken as a full day and counted in
    days and visits as the rules count them; an engagement with no such planned date is judged by days alone, the
    confirmed on-site days plus the need's on-site days of the year (prorated by the months its term serves in
    it) not yet confirmed. When the plan reaches the threshold the grant is estimated in full, otherwise 0.
- 実質負担 (net) = committed + recruitment − grant; per municipality 予算残 (remaining) = budget − committed.

The claim pack counts only what is confirmed: the fee and travel of the confirmed months, the recruitment costs, and
the standing on the confirmed days — an engagement still short of its threshold claims 0, and its line says why.
"""

import datetime as dt
import math
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Exists, IntegerField, OuterRef, Subquery, Sum, Value
from django.db.models.functions import Coalesce
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import UserRole
from backend.accounts.permissions import coordinates, is_admin, is_staff_of
from backend.core.errors import ForbiddenError, interpolate
from backend.core.fiscal import (
    date_named,
    fiscal_year_end,
    fiscal_year_start,
    months_served,
)
from backend.costs.errors import ErrorCode
from backend.engagements.models import HOLDING_STATUSES, Engagement
from backend.engagements.selectors import engagements_holding_in, holding_in, in_fiscal_year
from backend.engagements.terms import amounts_in_year
from backend.funding import rules
from backend.funding.models import FundingScheme, RecruitmentCost, SchemeKind
from backend.funding.seeds import SEEDS
from backend.funding.selectors import default_kind, schemes_of, terms_of, years_financed_many
from backend.geo.models import Municipality
from backend.needs.models import Need, NeedStatus
from backend.payments.amounts import day_counts
from backend.payments.selectors import PAID_STATUSES, OwedMonth, owed_by_month
from backend.visits.models import PlannedVisit, VisitStatus

BUDGETED_STATUSES = (NeedStatus.OPEN, NeedStatus.FILLED)
# The hours a planned on-site date is taken for (a full day: a day trip of it counts toward a threshold).
PLANNED_DAY_HOURS = 8


# What a line's standing comes to on the cost table.
ELIGIBLE, PLAN_MEETS, PLAN_SHORT, INELIGIBLE, RECRUITMENT = (
    "eligible", "plan_meets", "plan_short", "ineligible", "recruitment")
STATE_LABELS = {
    ELIGIBLE: _("対象"), PLAN_MEETS: _("要件未達（計画では達する見込み）"), PLAN_SHORT: _("要件未達（計画でも不足）"),
    INELIGIBLE: _("対象外"), RECRUITMENT: _("募集経費のみ"),
}


@dataclass(frozen=True)
class CostLine:
    """One engagement's year under its scheme, or the recruitment costs of a scheme with no engagement of the
    year (`engagement` None)."""

    municipality_id: str
    scheme: FundingScheme
    engagement: Engagement | None
    state: str  # ELIGIBLE, PLAN_MEETS, PLAN_SHORT, INELIGIBLE or RECRUITMENT
    standing: rules.Standing | None  # on the confirmed days; None for a recruitment line
    tracker: str  # 「10日中7日・5回中3回。…までにあと3日」, "" without a threshold
    paid_fee: int
    paid_travel: int
    committed_fee: int
    committed_travel: int
    recruitment: int
    days: int  # confirmed days that count (payments' worked days)
    estimate: rules.Grant  # on the committed amounts, by the plan rule (the cost table)
    claim: rules.Grant  # on the paid amounts and the confirmed standing only (the claim pack)
    what: str = ""  # a recruitment line: what the costs were for

    @property
    def paid(self) -> int:
        return self.paid_fee + self.paid_travel

    @property
    def committed(self) -> int:
        return self.committed_fee + self.committed_travel

    @property
    def eligible(self) -> int:
        return self.estimate.eligible_amount

    @property
    def grant(self) -> int:
        return self.estimate.grant

    @property
    def net(self) -> int:
        return self.committed + self.recruitment - self.grant

    @property
    def visits(self) -> int:
        return self.standing.activity.visits if self.standing and self.standing.activity else 0

    @property
    def label(self) -> str:
        """The expert and the need (「信州 一郎（窓口DX）」), or what recruitment costs of their own were for."""
        if self.engagement is None:
            return interpolate(_("募集経費（%(what)s）"), what=self.what)
        return f"{self.engagement.expert.name}（{self.engagement.need}）"

    @property
    def state_label(self):
        return STATE_LABELS[self.state]

    @property
    def reasons(self) -> tuple:
        return self.standing.reasons if self.standing else ()

    @property
    def notes(self) -> tuple:
        return self.standing.notes if self.standing else ()


@dataclass(frozen=True)
class CostRow:
    code: str  # the municipality's code; "" on the total row
    name: str
    budget: int
    lines: list[CostLine] = field(default_factory=list)
    paid: int = 0
    committed: int = 0
    recruitment: int = 0
    eligible: int = 0
    grant: int = 0

    @property
    def net(self) -> int:
        return self.committed + self.recruitment - self.grant

    @property
    def remaining(self) -> int:
        return self.budget - self.committed

    @property
    def claim_schemes(self) -> list[FundingScheme]:
        """The schemes a claim pack may be made for: those of its lines that can bring a grant."""
        seen = {}
        for line in self.lines:
            if line.scheme.kind != SchemeKind.GENERAL and line.scheme.rate > 0:
                seen.setdefault(line.scheme.pk, line.scheme)
        return [seen[pk] for pk in sorted(seen)]


SUMMED = ("paid", "committed", "recruitment", "eligible", "grant")


def _row(*, code: str, name: str, budget: int, lines: list[CostLine]) -> CostRow:
    return CostRow(code=code, name=name, budget=budget, lines=lines,
                   **{f: sum(getattr(line, f) for line in lines) for f in SUMMED})


@dataclass(frozen=True)
class CostTable:
    fiscal_year: int
    rows: list[CostRow]
    total: CostRow
    schemes: list[FundingScheme]  # the schemes the lines use, as the page names them


def _sum(queryset, expression) -> Coalesce:
    """The sum of `expression` over `queryset` (correlated to the municipality row), 0 when there is none."""
    total = queryset.order_by().values("municipality_id").annotate(total=Sum(expression)).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def _municipalities(*, user, fiscal_year: int):
    municipalities = Municipality.objects.all()
    if is_admin(user):
        pass
    elif user.role == UserRole.COORDINATOR:
        municipalities = municipalities.filter(prefecture_id=user.prefecture_id)
    elif user.role == UserRole.MUNICIPAL:
        return municipalities.filter(code=user.municipality_id)  # their own row, even with nothing in it
    else:
        return municipalities.none()
    return municipalities.filter(
        Exists(Need.objects.filter(municipality=OuterRef("pk"), fiscal_year=fiscal_year, status__in=BUDGETED_STATUSES))
        | Exists(Engagement.objects.filter(holding_in(fiscal_year), municipality=OuterRef("pk")))
        | Exists(Engagement.objects.filter(in_fiscal_year(fiscal_year), status__in=PAID_STATUSES,
                                           municipality=OuterRef("pk")))
        | Exists(RecruitmentCost.objects.filter(municipality=OuterRef("pk"), fiscal_year=fiscal_year)))


# ---- the batch reads a year's lines are built from ------------------------------------------------------------

def _schemes(prefecture_ids: set[str]) -> tuple[dict[int, FundingScheme], dict[tuple[str, str], FundingScheme]]:
    """The prefectures' schemes by id and by (prefecture, kind); a prefecture whose register was never read is
    seeded first (funding.selectors.schemes_of)."""
    seeded = set(FundingScheme.objects.filter(prefecture_id__in=prefecture_ids,
                                              kind__in=[seed["kind"] for seed in SEEDS])
                 .values_list("prefecture_id", flat=True).distinct())
    for prefecture_id in sorted(prefecture_ids - seeded):
        schemes_of(prefecture_id)
    rows = list(FundingScheme.objects.filter(prefecture_id__in=prefecture_ids).order_by("id"))
    by_kind = {}
    for scheme in rows:
        by_kind.setdefault((scheme.prefecture_id, scheme.kind), scheme)
    return {scheme.pk: scheme for scheme in rows}, by_kind


@dataclass
class _Schemes:
    by_id: dict[int, FundingScheme]
    by_kind: dict[tuple[str, str], FundingScheme]

    def named(self, *, scheme_id: int | None, prefecture_id: str, role: str) -> FundingScheme:
        if scheme_id is not None:
            if scheme_id not in self.by_id:  # another prefecture's (the services refuse one; old rows may hold it)
                self.by_id[scheme_id] = FundingScheme.objects.get(pk=scheme_id)
            return self.by_id[scheme_id]
        return self.by_kind[(prefecture_id, default_kind(role))]


def _years_financed(engagements: list[Engagement], schemes: _Schemes, fiscal_year: int) -> dict[int, int]:
    """funding.selectors.years_financed for many engagements in one query."""
    asks = [(e.pk, e.municipality_id, schemes.named(scheme_id=e.funding_scheme_id,
                                                    prefecture_id=e.municipality.prefecture_id, role=e.need.role))
            for e in engagements]
    return years_financed_many(asks, fiscal_year, scheme_named=schemes.named) if asks else {}


def _planned_onsite(engagement_ids: list[int], fiscal_year: int) -> dict[int, list[dt.date]]:
    """The on-site dates the visit plan holds for these engagements in the fiscal year."""
    planned = defaultdict(list)
    if engagement_ids:
        rows = PlannedVisit.objects.filter(
            engagement_id__in=engagement_ids, status=VisitStatus.PLANNED, onsite=True,
            date__range=(fiscal_year_start(fiscal_year), fiscal_year_end(fiscal_year))).values_list(
            "engagement_id", "date")
        for engagement_id, date in rows:
            planned[engagement_id].append(date)
    return planned


def plan_meets(terms: rules.SchemeTerms, *, confirmed: list[rules.LoggedDay], planned: list[dt.date],
               onsite_planned_in_year: float) -> bool:
    """The plan rule (module docstring): whether an engagement short of its threshold would reach it as planned.
    `planned` holds the plan's on-site dates in months not yet confirmed; `onsite_planned_in_year` the need's
    on-site days of the year, used when there is no such date."""
    if planned:
        days = [*confirmed, *(rules.LoggedDay(date=d, onsite=True, hours=max(
            terms.day_trip_min_hours or 0, PLANNED_DAY_HOURS)) for d in planned)]
        done = rules.activity(days, terms)
        return ((terms.min_days is not None and done.days >= terms.min_days)
                or (terms.min_visits is not None and done.visits >= terms.min_visits))
    if terms.min_days is None:
        return False
    done = rules.activity(confirmed, terms)
    onsite_confirmed = len({d.date for d in confirmed if d.onsite})
    more = max(0, math.floor(onsite_planned_in_year + 1e-9) - onsite_confirmed)
    return done.days + more >= terms.min_days


def _onsite_in_year(engagement: Engagement, fiscal_year: int) -> float:
    """The need's on-site days the engagement's term takes in the fiscal year (by the months it serves in it)."""
    served = months_served(max(engagement.starts_on, fiscal_year_start(fiscal_year)),
                           min(engagement.ends_on, fiscal_year_end(fiscal_year)))
    return engagement.need.onsite_days * served / 12


@dataclass
class _Paid:
    fee: int = 0
    travel: int = 0
    days: int = 0
    logged: list = field(default_factory=list)  # LoggedDay of the confirmed, counted days
    confirmed_months: set = field(default_factory=set)


def _paid(owed: list[OwedMonth]) -> dict[int, _Paid]:
    paid = defaultdict(_Paid)
    for month in owed:
        if not month.confirmed:
            continue
        sums = paid[month.engagement.pk]
        sums.fee += month.amount.fee
        sums.travel += month.amount.travel
        sums.days += month.amount.worked.days
        sums.confirmed_months.add((month.year, month.month))
        sums.logged.extend(rules.LoggedDay(date=d.date, onsite=d.onsite, hours=d.hours)
                           for d in month.work_month.days.all()
                           if day_counts(counted=d.counted, beyond_contract=d.beyond_contract, agreed_at=d.agreed_at))
    return paid


def _recruitment(*, codes: list[str], fiscal_year: int, engagements: list[Engagement], schemes: _Schemes,
                 municipalities: dict[str, str]) -> tuple[dict[int, int], dict[tuple[str, int], tuple[int, list]]]:
    """The year's recruitment costs: by engagement (a need's costs go to its first engagement of the year), and
    those left alone by (municipality, scheme) with what they were for (module docstring)."""
    first_of_need = {}
    for e in engagements:
        first_of_need.setdefault(e.need_id, e.pk)
    of_engagement, alone = defaultdict(int), {}
    for cost in RecruitmentCost.objects.filter(municipality_id__in=codes, fiscal_year=fiscal_year).select_related(
            "need").order_by("id"):
        if cost.need_id in first_of_need:
            of_engagement[first_of_need[cost.need_id]] += cost.amount
            continue
        prefecture_id = municipalities[cost.municipality_id]
        if cost.need_id is not None:
            scheme = schemes.named(scheme_id=cost.need.funding_scheme_id, prefecture_id=prefecture_id,
                                   role=cost.need.role)
            what = str(cost.need)
        else:
            scheme = schemes.by_kind[(prefecture_id, SchemeKind.CIO_GRANT)]
            what = str(_("募集回"))
        key = (cost.municipality_id, scheme.pk)
        amount, whats = alone.get(key, (0, []))
        alone[key] = (amount + cost.amount, whats if what in whats else [*whats, what])
    return of_engagement, alone


def _engagements(*, user, fiscal_year: int, codes: list[str], holding: bool) -> tuple[list[OwedMonth], list, set]:
    """(the owed months, the engagements in line order, the pks of those holding in the year)."""
    only = codes[0] if len(codes) == 1 else None
    owed = [m for m in owed_by_month(user=user, fiscal_year=fiscal_year, municipality=only)
            if m.engagement.municipality_id in codes]
    engagements = {m.engagement.pk: m.engagement for m in owed}
    if holding:
        for e in engagements_holding_in(fiscal_year=fiscal_year).filter(municipality_id__in=codes).select_related(
                "expert", "municipality", "need"):
            engagements.setdefault(e.pk, e)
    holding_ids = {pk for pk, e in engagements.items() if e.status in HOLDING_STATUSES}
    ordered = sorted(engagements.values(), key=lambda e: (e.municipality_id, e.expert.name, e.pk))
    return owed, ordered, holding_ids


def _standing(e: Engagement, *, schemes: _Schemes, years: int, logged: list) -> tuple:
    scheme = schemes.named(scheme_id=e.funding_scheme_id, prefecture_id=e.municipality.prefecture_id,
                           role=e.need.role)
    terms = terms_of(scheme)
    facts = rules.EngagementFacts(
        role=e.need.role, employment_form=e.employment_form, population=e.municipality.population,
        months=months_served(e.starts_on, e.ends_on), years_financed=years, public_staff=e.funding_public_staff)
    return scheme, terms, rules.standing(terms, facts, logged)


def _engagement_line(e: Engagement, *, fiscal_year: int, holds: bool, standing: tuple, sums: _Paid,
                     recruitment: int, planned: list[dt.date]) -> CostLine:
    scheme, terms, result = standing
    if holds:
        amounts = amounts_in_year(e, fiscal_year)
        committed_fee, committed_travel = amounts["fee"], amounts["travel_cost"]
    else:  # ended: what its confirmed months paid
        committed_fee, committed_travel = sums.fee, sums.travel
    if result.state == rules.ELIGIBLE:
        state = ELIGIBLE
    elif result.state == rules.INELIGIBLE:
        state = INELIGIBLE
    else:
        dates = [d for d in planned if (d.year, d.month) not in sums.confirmed_months]
        state = PLAN_MEETS if plan_meets(terms, confirmed=sums.logged, planned=dates,
                                         onsite_planned_in_year=_onsite_in_year(e, fiscal_year)) else PLAN_SHORT
    estimate = rules.grant(terms, fee=committed_fee, travel=committed_travel, recruitment=recruitment,
                           public_staff=e.funding_public_staff, eligible=state in (ELIGIBLE, PLAN_MEETS))
    claim = rules.grant(terms, fee=sums.fee, travel=sums.travel, recruitment=recruitment,
                        public_staff=e.funding_public_staff, eligible=result.eligible)
    return CostLine(
        municipality_id=e.municipality_id, scheme=scheme, engagement=e, state=state, standing=result,
        tracker=str(rules.tracker_text(terms, result, by=date_named(fiscal_year_end(fiscal_year)))),
        paid_fee=sums.fee, paid_travel=sums.travel, committed_fee=committed_fee, committed_travel=committed_travel,
        recruitment=recruitment, days=sums.days, estimate=estimate, claim=claim)


def _recruitment_line(code: str, scheme: FundingScheme, amount: int, whats: list[str]) -> CostLine:
    terms = terms_of(scheme)
    counts = terms.counts_recruitment and terms.rate > 0 and terms.kind != rules.GENERAL
    grant = rules.grant(terms, fee=0, travel=0, recruitment=amount, eligible=counts)
    return CostLine(municipality_id=code, scheme=scheme, engagement=None, state=RECRUITMENT, standing=None,
                    tracker="", paid_fee=0, paid_travel=0, committed_fee=0, committed_travel=0, recruitment=amount,
                    days=0, estimate=grant, claim=grant, what="、".join(whats))


def year_lines(*, user, fiscal_year: int, municipalities: dict[str, str], holding: bool = True) -> list[CostLine]:
    """The lines of the fiscal year for these municipalities ({code: prefecture}): the engagements the user may
    read that were paid in the year (active or ended) and, with `holding`, the offered ones too, and the
    recruitment-only lines. A fixed number of queries: every read below is one batch."""
    codes = list(municipalities)
    if not codes:
        return []
    owed, ordered, holding_ids = _engagements(user=user, fiscal_year=fiscal_year, codes=codes, holding=holding)
    schemes = _Schemes(*_schemes(set(municipalities.values())))
    paid = _paid(owed)
    years = _years_financed(ordered, schemes, fiscal_year)
    of_engagement, alone = _recruitment(codes=codes, fiscal_year=fiscal_year, engagements=ordered, schemes=schemes,
                                        municipalities=municipalities)
    standings = {e.pk: _standing(e, schemes=schemes, years=years[e.pk], logged=paid[e.pk].logged) for e in ordered}
    planned = _planned_onsite([pk for pk, (*_s, result) in standings.items() if result.state == rules.PENDING],
                              fiscal_year)
    lines = [_engagement_line(e, fiscal_year=fiscal_year, holds=e.pk in holding_ids, standing=standings[e.pk],
                              sums=paid[e.pk], recruitment=of_engagement[e.pk], planned=planned[e.pk])
             for e in ordered
             if e.pk in holding_ids or paid[e.pk].fee or paid[e.pk].travel or of_engagement[e.pk]]
    lines += [_recruitment_line(code, schemes.by_id[pk], amount, whats)
              for (code, pk), (amount, whats) in sorted(alone.items())]
    return lines


# ---- the cost table ------------------------------------------------------------------------------------------

def cost_table(*, user, fiscal_year: int) -> CostTable:
    budgets = Need.objects.filter(municipality=OuterRef("pk"), fiscal_year=fiscal_year, status__in=BUDGETED_STATUSES)
    rows = list(_municipalities(user=user, fiscal_year=fiscal_year).order_by("code").values(
        "code", "name", "prefecture_id", budget=_sum(budgets, "budget")))
    lines = year_lines(user=user, fiscal_year=fiscal_year,
                       municipalities={row["code"]: row["prefecture_id"] for row in rows})
    by_code = defaultdict(list)
    for line in lines:
        by_code[line.municipality_id].append(line)
    built = [_row(code=row["code"], name=row["name"], budget=row["budget"], lines=by_code[row["code"]])
             for row in rows]
    total = CostRow(code="", name="", budget=sum(r.budget for r in built),
                    **{f: sum(getattr(r, f) for r in built) for f in SUMMED})
    schemes = sorted({line.scheme.pk: line.scheme for line in lines}.values(), key=lambda s: s.pk)
    return CostTable(fiscal_year=fiscal_year, rows=built, total=total, schemes=schemes)


def travel_uncounted_count(*, user, fiscal_year: int) -> int:
    """The offered and active engagements of the year whose travel (費用弁償) cannot be counted: on-site days and an
    expert with no home. The table's travel holds them as 0; the page says how many (issue 21: not 0円, silently)."""
    return Engagement.objects.filter(
        municipality__in=_municipalities(user=user, fiscal_year=fiscal_year), fiscal_year=fiscal_year,
        status__in=HOLDING_STATUSES, need__onsite_days__gt=0, expert__home_municipality__isnull=True).count()


# ---- the claim pack ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class ClaimPack:
    """年度末の交付税算定資料 of a municipality, a scheme and a fiscal year: a line per engagement paid in the year
    under the scheme (and its recruitment costs), confirmed months only."""

    municipality: Municipality
    scheme: FundingScheme
    fiscal_year: int
    lines: list[CostLine]
    made_at: dt.datetime

    def _total(self, name: str) -> int:
        return sum(getattr(line, name) for line in self.lines)

    @property
    def days(self) -> int:
        return self._total("days")

    @property
    def visits(self) -> int:
        return self._total("visits")

    @property
    def fee(self) -> int:
        return self._total("paid_fee")

    @property
    def travel(self) -> int:
        return self._total("paid_travel")

    @property
    def recruitment(self) -> int:
        return self._total("recruitment")

    @property
    def eligible(self) -> int:
        return sum(line.claim.eligible_amount for line in self.lines)

    @property
    def grant(self) -> int:
        return sum(line.claim.grant for line in self.lines)


def claim_municipality(*, user, code: str) -> Municipality:
    """The municipality whose claim pack the user asks for: 403 for an expert, 404 outside the user's scope."""
    if user.role == UserRole.EXPERT:
        raise ForbiddenError.single("municipality", ErrorCode.NOT_YOURS,
                                    _("交付税算定資料は市区町村と都道府県の担当者だけが出力できます。"))
    found = Municipality.objects.select_related("prefecture").filter(code=code).first()
    if found is None or not (coordinates(user, found.prefecture_id) or is_staff_of(user, found.code)):
        raise Http404
    return found


def claim_scheme(*, municipality: Municipality, scheme_id: int) -> FundingScheme:
    """A scheme of the municipality's prefecture (404 for another prefecture's or none)."""
    scheme = FundingScheme.objects.filter(pk=scheme_id, prefecture_id=municipality.prefecture_id).first()
    if scheme is None:
        raise Http404
    return scheme


def _pack_lines(lines: list[CostLine]) -> list[CostLine]:
    """The lines a claim counts: engagements that served in the year (not an offer) and recruitment costs."""
    return [line for line in lines if line.engagement is None or line.engagement.status in PAID_STATUSES]


def claim_pack(*, user, municipality: Municipality, scheme: FundingScheme, fiscal_year: int) -> ClaimPack:
    lines = year_lines(user=user, fiscal_year=fiscal_year, holding=False,
                       municipalities={municipality.code: municipality.prefecture_id})
    return ClaimPack(municipality=municipality, scheme=scheme, fiscal_year=fiscal_year, made_at=timezone.now(),
                     lines=[line for line in _pack_lines(lines) if line.scheme.pk == scheme.pk])


def claim_packs(*, user, fiscal_year: int) -> list[ClaimPack]:
    """The packs of the year the user may make: per municipality and grant-bearing scheme with a line in it."""
    table = cost_table(user=user, fiscal_year=fiscal_year)
    packs = []
    now = timezone.now()
    for row in table.rows:
        municipality = Municipality(code=row.code, name=row.name)  # named only: the list shows code and name
        lines = _pack_lines(row.lines)
        for scheme in row.claim_schemes:
            mine = [line for line in lines if line.scheme.pk == scheme.pk]
            if mine:
                packs.append(ClaimPack(municipality=municipality, scheme=scheme, fiscal_year=fiscal_year,
                                       lines=mine, made_at=now))
    return packs
