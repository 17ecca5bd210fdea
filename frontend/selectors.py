"""Reads that only the pages need (dashboard figures, charts). Always built on the backend's scoped selectors,
so a page can never show more than the API would."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import (
    Case,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Cast, Coalesce, JSONObject

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin
from backend.core import fiscal
from backend.core.choices import ACTIVE_RELATIONS, Skill
from backend.core.fiscal import current_fiscal_year
from backend.engagements.models import HOLDING_STATUSES, Engagement, ReplacementStatus
from backend.engagements.selectors import engagement_list, holding_in, replacement_list
from backend.experts.models import Affiliation, Expert, ExpertSkill
from backend.experts.selectors import expert_list
from backend.geo.models import Municipality, PrefectureSetting
from backend.needs.models import NeedStatus
from backend.needs.selectors import need_list
from backend.procurement.models import Vendor
from backend.runs.models import MatchRun, Proposal, ProposalStatus
from backend.runs.selectors import run_list, scope_consent_list


def consents_received(*, user) -> QuerySet:
    """Consents in force that let the coordinator's prefecture include a neighbour in its runs."""
    return scope_consent_list(user=user).filter(grantee_id=user.prefecture_id, revoked_at__isnull=True,
                                                fiscal_year__gte=current_fiscal_year()).order_by("fiscal_year",
                                                                                                   "grantor_id")


def _home_prefecture(user) -> str | None:
    """The prefecture whose matching season the user's pages follow: a coordinator's, a municipality's, an
    expert's registering prefecture; none for an administrator."""
    if user.role == UserRole.COORDINATOR:
        return user.prefecture_id
    if user.role == UserRole.MUNICIPAL and user.municipality_id:
        return Municipality.objects.filter(pk=user.municipality_id).values_list("prefecture_id", flat=True).first()
    if user.role == UserRole.EXPERT and user.expert_id:
        return Expert.objects.filter(pk=user.expert_id).values_list("registering_prefecture_id", flat=True).first()
    return None


def default_fiscal_year(*, user) -> int:
    """The year every page and form of the user starts on (the dashboard, needs, procurements, runs, consents,
    renewals, costs): their prefecture's matching season when its settings page sets one, otherwise the coming
    fiscal year from October and the current one before (backend.core.fiscal.default_fiscal_year). Never the
    data's largest year: a need typed for 2099 moved every page there (issue 21)."""
    code = _home_prefecture(user)
    season = PrefectureSetting.objects.filter(pk=code).values_list("matching_season", flat=True).first() \
        if code else None
    return fiscal.default_fiscal_year(season=season)


def fiscal_year_choices(*, user, keep: int | None = None) -> list[int]:
    """The years a form offers: those that may be written (the current one −1 … +3), the user's default, and
    `keep` (the year of the record being edited, which may be older)."""
    years = {*fiscal.writable_fiscal_years(), default_fiscal_year(user=user)}
    return sorted(years | ({keep} if keep else set()))


def needs_by_status(*, user, fiscal_year: int) -> list[tuple[str, str, int]]:
    counts = dict(need_list(user=user).filter(fiscal_year=fiscal_year).order_by()
                  .values_list("status").annotate(n=Count("id")))
    return [(value, label, counts.get(value, 0)) for value, label in NeedStatus.choices]


@dataclass(frozen=True)
class ExpertLoad:
    expert: Expert  # id, name and capacity_days only
    used_days: int
    engagements: int

    @property
    def share(self) -> float:
        return self.used_days / self.expert.capacity_days if self.expert.capacity_days else 0.0


def expert_loads(*, user, fiscal_year: int, limit: int | None = None) -> list[ExpertLoad]:
    """The user's active experts by load, highest share of capacity first (then by id), the first `limit`:
    days of their offered and active engagements of the year, wherever they serve, summed in SQL."""
    holding = holding_in(fiscal_year, path="engagements")  # multi-year terms of earlier years too
    experts = (expert_list(user=user).filter(listed=True).prefetch_related(None).only("id", "name", "capacity_days")
               .annotate(used=Coalesce(Sum("engagements__days_per_year", filter=holding), 0),
                         held=Count("engagements", filter=holding))
               .annotate(share=Case(When(capacity_days=0, then=Value(0.0)),
                                    default=ExpressionWrapper(Cast("used", FloatField()) / F("capacity_days"),
                                                              output_field=FloatField())))
               .order_by("-share", "id"))
    return [ExpertLoad(e, e.used, e.held) for e in (experts[:limit] if limit else experts)]


def active_expert_count(*, user) -> int:
    return expert_list(user=user).filter(listed=True).count()


@dataclass(frozen=True)
class ExpertQuery:
    """The experts page's filters: name, a skill (at a level or above), a prefecture served, whether days
    are left in the year, the pledge, a current vendor, listed or not."""

    name: str = ""
    skill: str = ""
    level: int = 1
    serves: str = ""
    availability: str = ""  # "free": days left in the year; "full": none left
    pledge: str = ""  # "signed" / "unsigned"
    vendor: str = ""
    listed: str = ""  # "yes" / "no" / "" (both)

    @classmethod
    def from_params(cls, params) -> "ExpertQuery":
        def one_of(key: str, allowed, default: str = "") -> str:
            value = params.get(key, default)
            return value if value in allowed else default

        return cls(name=params.get("q", "").strip(), skill=one_of("skill", Skill.values),
                   level=int(one_of("level", ("1", "2", "3"), "1")), serves=params.get("serves", "").strip(),
                   availability=one_of("availability", ("free", "full")),
                   pledge=one_of("pledge", ("signed", "unsigned")), vendor=params.get("vendor", "").strip(),
                   listed=one_of("listed", ("yes", "no")))


def expert_filter(rows: QuerySet[Expert], query: ExpertQuery) -> QuerySet[Expert]:
    """The rows of `expert_index_rows` narrowed by the page's filters (EXISTS subqueries: no duplicate rows)."""
    if query.name:
        rows = rows.filter(Q(name__icontains=query.name) | Q(name_kana__icontains=query.name))
    if query.skill:
        rows = rows.filter(Exists(ExpertSkill.objects.filter(expert=OuterRef("pk"), skill=query.skill,
                                                             level__gte=query.level)))
    if query.serves:
        rows = rows.filter(Exists(Expert.serves_prefectures.through.objects.filter(
            expert_id=OuterRef("pk"), prefecture_id=query.serves)))
    if query.availability == "free":
        rows = rows.filter(listed=True, used_days__lt=F("capacity_days"))
    elif query.availability == "full":
        rows = rows.filter(used_days__gte=F("capacity_days"))
    if query.pledge:
        rows = rows.filter(pool_pledge_signed_on__isnull=query.pledge == "unsigned")
    if query.vendor:
        rows = rows.filter(Exists(Affiliation.objects.filter(
            expert=OuterRef("pk"), vendor__name__icontains=query.vendor, relation__in=ACTIVE_RELATIONS,
            ended_on__isnull=True)))
    if query.listed:
        rows = rows.filter(listed=query.listed == "yes")
    return rows


def expert_index_rows(experts: QuerySet[Expert], *, fiscal_year: int) -> QuerySet[Expert]:
    """The experts page's rows in one query: the shown columns, the skills as one array and the days booked in
    the year (counted, as on the dashboard, for active experts only)."""
    booked = (Engagement.objects.filter(holding_in(fiscal_year), expert=OuterRef("pk"))
              .order_by().values("expert").annotate(days=Sum("days_per_year")).values("days"))
    skills = ExpertSkill.objects.filter(expert=OuterRef("pk")).order_by("skill").values(
        row=JSONObject(skill="skill", level="level"))
    return experts.prefetch_related(None).only(
        "id", "name", "listed", "registering_prefecture_id", "weekdays", "capacity_days", "daily_rate", "pool_pledge_signed_on",
    ).annotate(used_days=Case(When(listed=True, then=Coalesce(Subquery(booked), 0)), default=Value(0)),
               skill_rows=ArraySubquery(skills))


@dataclass(frozen=True)
class Coverage:
    municipality: Municipality
    needs: int
    filled: int
    open: int

    @property
    def state(self) -> str:
        if not self.needs:
            return "none"
        if not self.open:
            return "covered"
        return "partial" if self.filled else "open"


def coverage_by_municipality(*, user, fiscal_year: int) -> list[Coverage]:
    """Every municipality of the coordinator's prefecture with its needs of the year, filled or open."""
    counts: dict[str, Counter] = defaultdict(Counter)
    for code, status, n in (need_list(user=user).filter(fiscal_year=fiscal_year).order_by()
                            .values_list("municipality_id", "status").annotate(n=Count("id"))):
        counts[code][status] += n
    if user.role == UserRole.COORDINATOR:
        municipalities = Municipality.objects.filter(prefecture_id=user.prefecture_id)
    else:
        municipalities = Municipality.objects.filter(code__in=list(counts))
    municipalities = municipalities.only("code", "name", "lat", "lon")
    return [Coverage(m, counts[m.code][NeedStatus.FILLED] + counts[m.code][NeedStatus.OPEN],
                     counts[m.code][NeedStatus.FILLED], counts[m.code][NeedStatus.OPEN])
            for m in municipalities.order_by("code")]


def open_replacements(*, user) -> QuerySet:
    """Open 要員交代 requests as rows: where, who, why and when (not the whole engagement, expert and town)."""
    return replacement_list(user=user).filter(status=ReplacementStatus.OPEN).order_by("created_at").values(
        "reason", "created_at", municipality_name=F("engagement__municipality__name"),
        expert_name=F("engagement__expert__name"))


def latest_run(*, user) -> MatchRun | None:
    return run_list(user=user).select_related(None).only("id", "status").first()


def dashboard_scope(*, user) -> str:
    """What the dashboard's figures depend on besides the year: everyone with the same key sees the same
    figures, so they may share a cached copy (an administrator sees every prefecture)."""
    return "all" if is_admin(user) else f"{user.role}:{user.prefecture_id}"


def need_index_rows(needs: QuerySet) -> QuerySet:
    """The needs page's rows in one query: the shown columns, the municipality's name, and the need's offered
    or active engagement (expert's name, status) or else its open proposal (expert's name, fee) of the
    latest run. The skills are not shown."""
    holding = (Engagement.objects.filter(need=OuterRef("pk"), status__in=HOLDING_STATUSES)
               .order_by("-pk"))
    proposed = (Proposal.objects.filter(need=OuterRef("pk"), status=ProposalStatus.PROPOSED)
                .order_by("-run_id"))
    return needs.prefetch_related(None).only(
        "id", "municipality__name", "fiscal_year", "role", "title", "pattern", "pattern_days", "onsite_required",
        "weekdays", "budget", "offered_fee", "priority", "adjusted_priority", "status",
    ).annotate(
        engaged_expert=Subquery(holding.values("expert__name")[:1]),
        engagement_status=Subquery(holding.values("status")[:1]),
        proposed_expert=Subquery(proposed.values("expert__name")[:1]),
        proposed_fee=Subquery(proposed.values("fee")[:1]),
    )


def engagement_index_rows(engagements: QuerySet[Engagement]) -> QuerySet[Engagement]:
    """The engagements page's rows: the shown columns with the municipality's, need's and expert's names only
    (whether an exception applies is read from its id; whether travel is counted from the need's on-site days
    and the expert's home)."""
    return engagements.select_related(None).select_related("expert", "municipality", "need").only(
        "id", "municipality__name", "need__title", "expert__name", "fiscal_year", "starts_on", "ends_on", "weekdays",
        "days_per_year", "fee", "employment_form", "status", "municipality_accepted_at", "expert_accepted_at",
        "pledge_signed_at", "answer_by", "coi_override_id", "travel_cost", "need__onsite_days", "expert__home_municipality_id",
        "municipality__prefecture_id", "expert__email", "expert__phone")


def vendor_names(ids) -> dict[int, str]:
    return dict(Vendor.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


def expert_engagements(*, user, expert: Expert, fiscal_year: int | None = None) -> QuerySet[Engagement]:
    queryset = engagement_list(user=user).filter(expert=expert, status__in=HOLDING_STATUSES)
    if fiscal_year is not None:
        queryset = queryset.filter(holding_in(fiscal_year))
    return queryset
