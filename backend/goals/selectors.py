"""Reads of goals and evaluations, scoped to the user: a coordinator their prefecture's, municipal staff their
municipality's, an expert their own engagements'.

The two sides are kept apart: a municipality's staff and an expert see the other side's evaluation of a period only
once their own side's for that period is in (neither writes looking at the other's); the coordinator sees all.
`last_evaluation` and `last_evaluations` are unscoped reads for the pages that already scoped the engagement's
expert and municipality (renewals, candidates).
"""

from collections.abc import Iterable

from django.db.models import Case, Exists, IntegerField, OuterRef, Q, QuerySet, Value, When

from backend.accounts.models import UserRole
from backend.accounts.scoping import scope_by_municipality
from backend.goals.models import Evaluation, EvaluationPeriod, EvaluationSide, Goal

# The later period of a fiscal year first.
_PERIOD_ORDER = Case(When(period=EvaluationPeriod.MARCH, then=Value(2)), default=Value(1), output_field=IntegerField())


def _own_side(user) -> str | None:
    return {UserRole.MUNICIPAL: EvaluationSide.MUNICIPALITY, UserRole.EXPERT: EvaluationSide.EXPERT}.get(user.role)


def evaluation_list(*, user) -> QuerySet[Evaluation]:
    queryset = Evaluation.objects.select_related("engagement__municipality", "engagement__expert", "by")
    queryset = scope_by_municipality(queryset, user, path="engagement__municipality",
                                     expert_path="engagement__expert")
    side = _own_side(user)
    if side is not None:
        own = Evaluation.objects.filter(engagement=OuterRef("engagement"), fiscal_year=OuterRef("fiscal_year"),
                                        period=OuterRef("period"), side=side)
        queryset = queryset.filter(Q(side=side) | Exists(own))
    return queryset.annotate(period_order=_PERIOD_ORDER).order_by(
        "-fiscal_year", "-period_order", "engagement__municipality_id", "engagement_id", "side")


def goal_list(*, user) -> QuerySet[Goal]:
    return scope_by_municipality(Goal.objects.select_related("engagement"), user, path="engagement__municipality",
                                 expert_path="engagement__expert").order_by("engagement_id", "position")


def _latest_first(queryset: QuerySet[Evaluation]) -> QuerySet[Evaluation]:
    return queryset.filter(side=EvaluationSide.MUNICIPALITY).annotate(period_order=_PERIOD_ORDER).order_by(
        "-fiscal_year", "-period_order", "-at", "-id")


def last_evaluation(*, expert_id: int, municipality_id: str) -> Evaluation | None:
    """The latest evaluation the municipality gave of this expert at that municipality (any engagement)."""
    return _latest_first(Evaluation.objects.filter(engagement__expert_id=expert_id,
                                                   engagement__municipality_id=municipality_id)).first()


def last_evaluations(*, municipality_id: str, expert_ids: Iterable[int]) -> dict[int, Evaluation]:
    """`last_evaluation` of each of these experts at one municipality, in one query."""
    found: dict[int, Evaluation] = {}
    for evaluation in _latest_first(Evaluation.objects.filter(
            engagement__municipality_id=municipality_id, engagement__expert_id__in=list(expert_ids)).select_related(
            "engagement")):
        found.setdefault(evaluation.engagement.expert_id, evaluation)
    return found
