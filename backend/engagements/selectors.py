"""Reads of engagements, the exceptions (利益相反の例外) and replacement requests.

Scoped reads take the user; the unscoped ones (`*_for_instance`) are what a match run's instance is built from,
and the only reads of this app that backend/runs makes. Nothing here imports backend/runs.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet, Subquery

from backend.accounts.scoping import scope_by_municipality
from backend.core.fiscal import fiscal_year_end, fiscal_year_start
from backend.engagements.models import (
    HOLDING_STATUSES,
    CoiOverride,
    Engagement,
    EngagementConflict,
    ReplacementRequest,
)
from backend.experts.models import Expert
from backend.geo.models import Municipality
from backend.needs.models import Need


def coi_override_list(*, user) -> QuerySet[CoiOverride]:
    """Exceptions (利益相反の例外) as the user may read them: a coordinator their prefecture's, municipal staff
    their municipality's (the procurement side sees every exception), an expert their own."""
    queryset = CoiOverride.objects.select_related("expert", "municipality", "created_by", "revoked_by").prefetch_related(
        "engagements").order_by("-created_at", "-id")
    return scope_by_municipality(queryset, user, expert_path="expert")


def coi_overrides_in_force_for_instance(*, fiscal_year: int, prefecture_codes: Iterable[str] | None = None,
                                        municipality_code: str | None = None) -> QuerySet[CoiOverride]:
    """The exceptions in force for a fiscal year, of these prefectures or of one municipality."""
    queryset = CoiOverride.objects.in_force().filter(fiscal_year=fiscal_year)
    if prefecture_codes is not None:
        queryset = queryset.filter(municipality__prefecture_id__in=list(prefecture_codes))
    if municipality_code is not None:
        queryset = queryset.filter(municipality_id=municipality_code)
    return queryset


def in_fiscal_year(fiscal_year: int, *, path: str = "") -> Q:
    """Engagements whose term covers some of a fiscal year: those of the year, and those of earlier years whose
    term runs into it (a 3-year 任期付短時間職員 from April 2027 is in 2027, 2028 and 2029). `path` reaches the
    engagement from another model ("engagements" from an expert)."""
    at = f"{path}__" if path else ""
    return Q(**{f"{at}fiscal_year": fiscal_year}) | Q(**{f"{at}starts_on__lte": fiscal_year_end(fiscal_year),
                                                        f"{at}ends_on__gte": fiscal_year_start(fiscal_year)})


def holding_in(fiscal_year: int, *, path: str = "") -> Q:
    """The one definition of "engagements holding in fiscal year Y": offered or active, with a term that covers
    some of Y. The instance, approval, renewals, costs and the pages all ask it."""
    at = f"{path}__" if path else ""
    return Q(**{f"{at}status__in": HOLDING_STATUSES}) & in_fiscal_year(fiscal_year, path=path)


def engagements_holding_in(*, fiscal_year: int) -> QuerySet[Engagement]:
    return Engagement.objects.filter(holding_in(fiscal_year))


def engagement_holdings_for_instance(*, expert_ids: Iterable[int], fiscal_year: int) -> QuerySet[Engagement]:
    """The engagements these experts already hold (offered or active) in a fiscal year, those of earlier
    years whose term runs into it included."""
    return engagements_holding_in(fiscal_year=fiscal_year).filter(expert_id__in=list(expert_ids)).order_by("id")


def engagement_list(*, user) -> QuerySet[Engagement]:
    queryset = Engagement.objects.select_related("expert", "municipality", "need", "coi_override").order_by(
        "fiscal_year", "municipality_id", "id")
    return scope_by_municipality(queryset, user, expert_path="expert")


def engagement_list_rows(engagements: QuerySet[Engagement]) -> QuerySet:
    """A list page of `engagements` in one query: the shown columns as dicts and four names. The names are
    subqueries, which PostgreSQL evaluates for the page's rows only (after the sort and the limit); joins
    were made for every engagement in scope, in the count too."""
    def name(model, field: str, key: str):
        return Subquery(model.objects.filter(pk=OuterRef(key)).values(field))

    return engagements.values(
        "id", "expert_id", "municipality_id", "need_id", "fiscal_year", "starts_on", "ends_on", "weekdays",
        "days_per_year", "fee", "travel_cost", "fee_reason", "employment_form", "status",
        "municipality_accepted_at", "expert_accepted_at",
        "pledge_signed_at", "pledge_version", "declined_by", "replaces_id", "end_reason", "ended_by_side", "created_at",
        "answer_by", "decline_code", "decline_reason",
        expert_name=name(Expert, "name", "expert_id"), municipality_name=name(Municipality, "name", "municipality_id"),
        need_title=name(Need, "title", "need_id"), override_reason=name(CoiOverride, "reason", "coi_override_id"),
        travel_uncounted=Exists(Need.objects.filter(pk=OuterRef("need_id"), onsite_days__gt=0))
        & Exists(Expert.objects.filter(pk=OuterRef("expert_id"), home_municipality__isnull=True)))


def replacement_list(*, user) -> QuerySet[ReplacementRequest]:
    queryset = ReplacementRequest.objects.select_related("engagement__municipality", "engagement__expert")
    return scope_by_municipality(queryset, user, path="engagement__municipality")


def engagement_conflict_list(*, user) -> QuerySet[EngagementConflict]:
    """Conflicts found after the offer (任用後に生じた利益相反), newest first: a coordinator their prefecture's,
    municipal staff their municipality's, an expert those of their own engagements."""
    queryset = EngagementConflict.objects.select_related(
        "engagement__expert", "engagement__municipality", "engagement__need", "vendor", "found_by", "resolved_by",
        "coi_override").order_by("-found_at", "-id")
    return scope_by_municipality(queryset, user, path="engagement__municipality", expert_path="engagement__expert")


def engagement_conflicts_to_resolve(*, user) -> QuerySet[EngagementConflict]:
    """The open conflicts of engagements that still hold (offered or active): what waits for the coordinator. A
    conflict of an engagement declined or ended since needs no decision and is not shown as one."""
    return engagement_conflict_list(user=user).filter(resolved_at__isnull=True,
                                                      engagement__status__in=HOLDING_STATUSES)
