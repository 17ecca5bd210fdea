"""The cost table of a fiscal year, in one query: a row per municipality with its sums as scalar subqueries.

Committed (確定・承諾待ち) is the fee and travel of the offered and active engagements of the year; the budget
is the sum of the budgets of the year's open and filled needs (not withdrawn ones, nor renewals the municipality
has not confirmed). The 特別交付税 is an estimate (見込み): the prefecture's rate times the committed cost of
the external CIO補佐官等 (CIO and CISO advisers), rounded down to the yen per municipality.
"""

from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from django.db.models import Case, Exists, F, IntegerField, OuterRef, Subquery, Sum, Value, When
from django.db.models.functions import Coalesce

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin
from backend.core.choices import Role
from backend.engagements.models import HOLDING_STATUSES, Engagement
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
        | Exists(Engagement.objects.filter(municipality=OuterRef("pk"), fiscal_year=fiscal_year,
                                           status__in=HOLDING_STATUSES)))


def cost_table(*, user, fiscal_year: int) -> CostTable:
    committed = Engagement.objects.filter(municipality=OuterRef("pk"), fiscal_year=fiscal_year,
                                          status__in=HOLDING_STATUSES)
    budgets = Need.objects.filter(municipality=OuterRef("pk"), fiscal_year=fiscal_year, status__in=BUDGETED_STATUSES)
    grant_base = Case(When(need__role__in=GRANT_ROLES, then=F("fee") + F("travel_cost")), default=Value(0))
    rows = _municipalities(user=user, fiscal_year=fiscal_year).order_by("code").values(
        "code", "name", "prefecture_id", rate=F("prefecture__setting__special_grant_rate"),
        budget=_sum(budgets, "budget"), fee=_sum(committed, "fee"), travel=_sum(committed, "travel_cost"),
        grant_base=_sum(committed, grant_base))
    built, rates = [], {}
    for row in rows:
        rate = row["rate"] if row["rate"] is not None else DEFAULT_GRANT_RATE
        rates[row["prefecture_id"]] = rate
        built.append(CostRow(code=row["code"], name=row["name"], budget=row["budget"], fee=row["fee"],
                             travel=row["travel"], grant=_grant(row["grant_base"], rate)))
    total = CostRow(code="", name="", **{f: sum(getattr(r, f) for r in built)
                                         for f in ("budget", "fee", "travel", "grant")})
    return CostTable(fiscal_year=fiscal_year, rows=built, total=total, rates=rates)


def travel_uncounted_count(*, user, fiscal_year: int) -> int:
    """The offered and active engagements of the year whose travel (費用弁償) cannot be counted: on-site days and an
    expert with no home. The table's travel holds them as 0; the page says how many (issue 21: not 0円, silently)."""
    return Engagement.objects.filter(
        municipality__in=_municipalities(user=user, fiscal_year=fiscal_year), fiscal_year=fiscal_year,
        status__in=HOLDING_STATUSES, need__onsite_days__gt=0, expert__home_municipality__isnull=True).count()
