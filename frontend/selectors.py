"""Reads that only the pages need (dashboard figures, charts). Always built on the backend's scoped selectors,
so a page can never show more than the API would."""

from collections import Counter, defaultdict
from dataclasses import dataclass

from django.db.models import Count, Max, QuerySet

from backend.accounts.models import UserRole
from backend.core.fiscal import current_fiscal_year
from backend.experts.models import Expert
from backend.experts.selectors import expert_list
from backend.geo.models import Municipality
from backend.needs.models import NeedStatus
from backend.needs.selectors import need_list
from backend.procurement.models import Vendor
from backend.runs.models import (
    HOLDING_STATUSES,
    Engagement,
    MatchRun,
    Proposal,
    ProposalStatus,
    ReplacementStatus,
)
from backend.runs.selectors import engagement_list, replacement_list, run_list, scope_consent_list


def consents_received(*, user) -> QuerySet:
    """Consents in force that let the coordinator's prefecture include a neighbour in its runs."""
    return scope_consent_list(user=user).filter(grantee_id=user.prefecture_id, revoked_at__isnull=True,
                                                fiscal_year__gte=current_fiscal_year()).order_by("fiscal_year",
                                                                                                   "grantor_id")


def default_fiscal_year(*, user) -> int:
    """The latest 年度 the user's needs (an expert: engagements) are for; the current one when there are none."""
    if user.role == UserRole.EXPERT:
        return engagement_list(user=user).aggregate(fy=Max("fiscal_year"))["fy"] or current_fiscal_year()
    return need_list(user=user).aggregate(fy=Max("fiscal_year"))["fy"] or current_fiscal_year()


def fiscal_year_choices(*, user) -> list[int]:
    years = set(need_list(user=user).values_list("fiscal_year", flat=True).distinct())
    now = current_fiscal_year()
    return sorted(years | {now, now + 1})


def needs_by_status(*, user, fiscal_year: int) -> list[tuple[str, str, int]]:
    counts = dict(need_list(user=user).filter(fiscal_year=fiscal_year).order_by()
                  .values_list("status").annotate(n=Count("id")))
    return [(value, label, counts.get(value, 0)) for value, label in NeedStatus.choices]


@dataclass(frozen=True)
class ExpertLoad:
    expert: Expert
    used_days: int
    engagements: int

    @property
    def share(self) -> float:
        return self.used_days / self.expert.capacity_days if self.expert.capacity_days else 0.0


def expert_loads(*, user, fiscal_year: int) -> list[ExpertLoad]:
    experts = list(expert_list(user=user).filter(active=True))
    used: Counter = Counter()
    held: Counter = Counter()
    for expert_id, days in Engagement.objects.filter(
            expert__in=[e.pk for e in experts], fiscal_year=fiscal_year, status__in=HOLDING_STATUSES
    ).values_list("expert_id", "days_per_year"):
        used[expert_id] += days
        held[expert_id] += 1
    loads = [ExpertLoad(e, used[e.pk], held[e.pk]) for e in experts]
    return sorted(loads, key=lambda load: (-load.share, load.expert.pk))


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
    return [Coverage(m, counts[m.code][NeedStatus.FILLED] + counts[m.code][NeedStatus.OPEN],
                     counts[m.code][NeedStatus.FILLED], counts[m.code][NeedStatus.OPEN])
            for m in municipalities.order_by("code")]


def open_replacements(*, user):
    return replacement_list(user=user).filter(status=ReplacementStatus.OPEN).order_by("created_at")


def latest_run(*, user) -> MatchRun | None:
    return run_list(user=user).first()


def proposals_for_needs(*, needs) -> dict[int, Proposal]:
    """The open proposal (not yet approved or superseded) of each need, for municipal staff to see."""
    rows = Proposal.objects.filter(need__in=[n.pk for n in needs], status=ProposalStatus.PROPOSED).select_related(
        "expert").order_by("run_id")
    return {p.need_id: p for p in rows}


def engagements_by_need(*, needs) -> dict[int, Engagement]:
    rows = Engagement.objects.filter(need__in=[n.pk for n in needs], status__in=HOLDING_STATUSES).select_related(
        "expert")
    return {e.need_id: e for e in rows}


def vendor_names(ids) -> dict[int, str]:
    return dict(Vendor.objects.filter(pk__in=set(ids)).values_list("pk", "name"))


def expert_engagements(*, user, expert: Expert, fiscal_year: int | None = None) -> QuerySet[Engagement]:
    queryset = engagement_list(user=user).filter(expert=expert, status__in=HOLDING_STATUSES)
    if fiscal_year is not None:
        queryset = queryset.filter(fiscal_year=fiscal_year)
    return queryset
