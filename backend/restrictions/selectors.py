"""Reads of the stored bid restriction register (入札参加制限), scoped to what the user may see.

Rows are read as recorded, never derived from today's engagements or affiliations. A row's state (in
force, not yet started, ended) is computed against a day in the query, so lists can filter on it.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Case, CharField, F, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from backend.accounts.scoping import scope_by_municipality
from backend.core.choices import AffiliationRelation, ProcurementStatus
from backend.core.errors import interpolate
from backend.core.fiscal import (
    date_named,
    fiscal_year_end,
    fiscal_year_named,
    fiscal_year_of,
    fiscal_year_start,
)
from backend.procurement.models import Procurement
from backend.procurement.selectors import vendor_identity_ids
from backend.restrictions.models import RESTRICTED_CATEGORIES, BidRestriction, RestrictionState

STATE_FILTERS = ("all", *RestrictionState.values)


@dataclass(frozen=True)
class PlannedProcurement:
    id: int
    title: str


@dataclass(frozen=True)
class Restriction:
    """While `expert` serves `municipality` (from starts_on to ends_on), `vendor` may not bid there for the
    restricted categories; `affected_procurements` are the municipality's planned ones of those years."""

    id: int
    vendor_id: int
    vendor_name: str
    municipality_code: str
    municipality_name: str
    prefecture_code: str
    categories: tuple[str, ...]
    starts_on: dt.date
    ends_on: dt.date
    state: str
    expert_id: int
    expert_name: str
    relation: str
    engagement_id: int
    affected_procurements: tuple[PlannedProcurement, ...]


def _with_state(queryset: QuerySet[BidRestriction], *, day: dt.date) -> QuerySet[BidRestriction]:
    """A row that ended before it began (an engagement replaced before the row started) was never in force."""
    return queryset.select_related("vendor", "expert", "municipality").annotate(state=Case(
        When(Q(ends_on__lt=day) | Q(ends_on__lt=F("starts_on")), then=Value(RestrictionState.ENDED.value)),
        When(starts_on__gt=day, then=Value(RestrictionState.NOT_STARTED.value)),
        default=Value(RestrictionState.IN_FORCE.value), output_field=CharField()))


def restriction_list(*, user, vendor: int | None = None, municipality: str | None = None,
                     on: dt.date | None = None, state: str | None = None) -> QuerySet[BidRestriction]:
    """The register as the user may see it, newest first: a coordinator their prefecture's municipalities,
    municipal staff their municipality, an expert their own rows. With `on`, the rows in force that day;
    without, every row, ended ones included. Each row carries its `state` as of today; read the rows for
    display through `restrictions_described`."""
    queryset = scope_by_municipality(BidRestriction.objects.all(), user, expert_path="expert")
    queryset = _with_state(queryset, day=timezone.localdate())
    if vendor:
        queryset = queryset.filter(vendor_id=vendor)
    if municipality:
        queryset = queryset.filter(municipality_id=municipality)
    if on:
        queryset = queryset.filter(starts_on__lte=on, ends_on__gte=on)
    if state and state != "all":
        queryset = queryset.filter(state=state)
    return queryset.order_by("-starts_on", "-id")


def _affected(row: BidRestriction, planned: list[Procurement]) -> tuple[PlannedProcurement, ...]:
    if row.ends_on < row.starts_on:
        return ()
    years = range(fiscal_year_of(row.starts_on), fiscal_year_of(row.ends_on) + 1)
    return tuple(PlannedProcurement(p.pk, p.title) for p in planned if p.fiscal_year in years)


def restrictions_described(rows: Iterable[BidRestriction]) -> list[Restriction]:
    """Rows of `restriction_list` (a page of them) with names, categories and the planned procurements they
    affect: the municipality's planned procurements of the fiscal years the row covers, by title."""
    rows = list(rows)
    planned: dict[str, list[Procurement]] = defaultdict(list)
    for procurement in Procurement.objects.filter(
            status=ProcurementStatus.PLANNED, municipality_id__in={r.municipality_id for r in rows}).only(
            "id", "title", "municipality_id", "fiscal_year").order_by("fiscal_year", "id"):
        planned[procurement.municipality_id].append(procurement)
    return [Restriction(
        id=r.pk, vendor_id=r.vendor_id, vendor_name=r.vendor.name, municipality_code=r.municipality_id,
        municipality_name=r.municipality.name, prefecture_code=r.municipality.prefecture_id,
        categories=RESTRICTED_CATEGORIES, starts_on=r.starts_on, ends_on=r.ends_on, state=r.state,
        expert_id=r.expert_id, expert_name=r.expert.name, relation=r.relation, engagement_id=r.engagement_id,
        affected_procurements=_affected(r, planned[r.municipality_id]),
    ) for r in rows]


@dataclass(frozen=True)
class BidAnswer:
    allowed: bool
    reason: Promise  # lazy: the API renders it in both languages, a page in its own
    restrictions: tuple[Restriction, ...]


def _who(r: Restriction) -> Promise:
    if r.relation == AffiliationRelation.SIDE_JOB:
        return interpolate(_("%(vendor)sで兼業する%(expert)s"), vendor=r.vendor_name, expert=r.expert_name)
    return interpolate(_("%(vendor)sに在籍する%(expert)s"), vendor=r.vendor_name, expert=r.expert_name)


def vendor_may_bid(*, vendor_id: int, procurement: Procurement, on: dt.date | None = None) -> BidAnswer:
    """May this vendor bid on this procurement? No while a row of the register restricts it there: on `on`,
    or without a date at any time of the procurement's fiscal year. The caller scopes the procurement."""
    if procurement.category not in RESTRICTED_CATEGORIES:
        return BidAnswer(True, _("この契約区分は入札参加制限の対象外です。"), ())
    # A merged vendor is one vendor: ask about every entry it was (issue 21: two entries, two answers).
    rows = BidRestriction.objects.filter(vendor_id__in=vendor_identity_ids(vendor_id=vendor_id),
                                         municipality_id=procurement.municipality_id,
                                         starts_on__lte=F("ends_on"))
    year = procurement.fiscal_year
    if on:
        rows = rows.filter(starts_on__lte=on, ends_on__gte=on)
    else:
        rows = rows.filter(starts_on__lte=fiscal_year_end(year), ends_on__gte=fiscal_year_start(year))
    blocking = tuple(restrictions_described(_with_state(rows, day=timezone.localdate()).order_by("starts_on", "id")))
    # Dates in the clerk's words (令和; the may-bid screen showed ISO dates, issue 21), ISO in English.
    when = {"date": date_named(on)} if on else {"year": fiscal_year_named(year)}
    if not blocking:
        message = (_("入札参加制限はありません。%(date)sに%(municipality)sで任用・委託されている専門人材に、"
                     "この事業者の在籍者・兼業者はいません。") if on else
                   _("入札参加制限はありません。この調達の年度（%(year)s）中に%(municipality)sで任用・委託されている"
                     "専門人材に、この事業者の在籍者・兼業者はいません。"))
        return BidAnswer(True, interpolate(message, municipality=procurement.municipality.name, **when), ())
    r = blocking[0]
    # The engagement is named by who serves where and when (no number on a screen, issue 21); API clients find its
    # id in the answer's restrictions.
    message = (_("%(date)sは、%(who)sの%(municipality)sでの任用・委託の期間（%(starts)s〜%(ends)s）に"
                 "あたるため、%(vendor)sは入札に参加できません。") if on else
               _("この調達の年度（%(year)s）は、%(who)sの%(municipality)sでの任用・委託の期間"
                 "（%(starts)s〜%(ends)s）と重なるため、%(vendor)sは入札に参加できません。"))
    return BidAnswer(False, interpolate(message, who=_who(r), municipality=r.municipality_name,
                                        starts=date_named(r.starts_on), ends=date_named(r.ends_on),
                                        vendor=r.vendor_name, **when), blocking)
