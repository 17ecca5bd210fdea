"""The cost table of a fiscal year, in one query: a row per municipality with its sums as scalar subqueries.

Committed (確定・承諾待ち) is the fee and travel of the offered and active engagements holding in the year: those
of the year as stored, and a multi-year term begun in an earlier year by the months it serves in this one (the
stored amounts are its first year's, `backend.engagements.terms.amounts_in_year`); the budget
is the sum of the budgets of the year's open and filled needs (not withdrawn ones, nor renewals the municipality
has not confirmed). The 特別交付税 is an estimate (見込み): the prefecture's rate times the committed cost of
the external CIO補佐官等 (CIO and CISO advisers), rounded down to the yen per municipality.
"""

from collections import defaultdict
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin
from backend.core.choices import Role
from backend.engagements.models import HOLDING_STATUSES, Engagement
from backend.engagements.selectors import engagements_holding_in, holding_in
from backend.engagements.terms import amounts_in_year
from backend.geo.models import Municipality, PrefectureSetting
from backend.needs.models import Need, NeedStatus

GRANT_ROLES = (Role.CIO_ADVISER, Role.CISO_ADVISER)
DEFAULT_GRANT_RATE = PrefectureSetting._meta.get_field("special_grant_rate").default
BUDGETED_STATUSES = (NeedStatus.OPEN, NeedStatus.FILLED)


@dataclass(frozen=True)
class CostRow:
    code: str  # the municipality's code; "" on the total row
    name: str
    budget: int
    fee: int
    travel: int
    grant: int  # 特別交付税（見込み）

    @property
    def committed(self) -> int:
        return self.fee + self.travel

    @property
    def net(self) -> int:
        return self.committed - self.grant

    @property
    def remaining(self) -> int:
        return self.budget - self.committed


@dataclass(frozen=True)
class CostTable:
    fiscal_year: int
    rows: list[CostRow]
    total: CostRow
    rates: dict[str, Decimal]  # the grant rate used, by prefecture code


def _sum(queryset, expression) -> Coalesce:
    """The sum of `expression` over `queryset` (correlated to the municipality row), 0 when there is none."""
    total = queryset.order_by().values("municipality_id").annotate(total=Sum(expression)).values("total")
    return Coalesce(Subquery(total, output_field=IntegerField()), Value(0))


def _grant(base: int, rate: Decimal) -> int:
    return int((Decimal(base) * rate).to_integral_value(rounding=ROUND_DOWN))


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
        | Exists(Engagement.objects.filter(holding_in(fiscal_year), municipality=OuterRef("pk"))))


def _carried_in(fiscal_year: int, codes: list[str]) -> dict[str, dict[str, int]]:
    """By municipality: the fee, travel and grant base that engagements of earlier years whose term runs into
    `fiscal_year` take in it (a few rows: multi-year 任期付短時間職員 only)."""
    carried: dict[str, dict[str, int]] = defaultdict(lambda: {"fee": 0, "travel": 0, "grant_base": 0})
    rows = engagements_holding_in(fiscal_year=fiscal_year).filter(
        fiscal_year__lt=fiscal_year, municipality_id__in=codes).select_related("need").order_by("id")
    for engagement in rows:
        amounts = amounts_in_year(engagement, fiscal_year)
        sums = carried[engagement.municipality_id]
        sums["fee"] += amounts["fee"]
        sums["travel"] += amounts["travel_cost"]
        if engagement.need.role in GRANT_ROLES:
            sums["grant_base"] += amounts["fee"] + amounts["travel_cost"]
    return carried


def cost_table(*, user, fiscal_year: int) -> CostTable:
    committed = Engagement.objects.filter(municipality=OuterRef("pk"), fiscal_year=fiscal_year,
                                          status__in=HOLDING_STATUSES)
    budgets = Need.objects.filter(municipality=OuterRef("pk"), fiscal_year=fiscal_year, status__in=BUDGETED_STATUSES)
    grant_base = Case(When(need__role__in=GRANT_ROLES, then=F("fee") + F("travel_cost")), default=Value(0))
    rows = _municipalities(user=user, fiscal_year=fiscal_year).order_by("code").values(
        "code", "name", "prefecture_id", rate=F("prefecture__setting__special_grant_rate"),
        budget=_sum(budgets, "budget"), fee=_sum(committed, "fee"), travel=_sum(committed, "travel_cost"),
        grant_base=_sum(committed, grant_base))
    rows = list(rows)
    carried = _carried_in(fiscal_year, [row["code"] for row in rows])
    built, rates = [], {}
    for row in rows:
        rate = row["rate"] if row["rate"] is not None else DEFAULT_GRANT_RATE
        rates[row["prefecture_id"]] = rate
        more = carried.get(row["code"], {"fee": 0, "travel": 0, "grant_base": 0})
        built.append(CostRow(code=row["code"], name=row["name"], budget=row["budget"], fee=row["fee"] + more["fee"],
                             travel=row["travel"] + more["travel"],
                             grant=_grant(row["grant_base"] + more["grant_base"], rate)))
    total = CostRow(code="", name="", **{f: sum(getattr(r, f) for r in built)
                                         for f in ("budget", "fee", "travel", "grant")})
    return CostTable(fiscal_year=fiscal_year, rows=built, total=total, rates=rates)


def travel_uncounted_count(*, user, fiscal_year: int) -> int:
    """The offered and active engagements of the year whose travel (費用弁償) cannot be counted: on-site days and an
    expert with no home. The table's travel holds them as 0; the page says how many (issue 21: not 0円, silently)."""
    return Engagement.objects.filter(
        municipality__in=_municipalities(user=user, fiscal_year=fiscal_year), fiscal_year=fiscal_year,
        status__in=HOLDING_STATUSES, need__onsite_days__gt=0, expert__home_municipality__isnull=True).count()
