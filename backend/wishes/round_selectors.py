"""Reads of second rounds (二次調整): scoped to the user (a coordinator: their prefecture's rounds; an
administrator: all; anyone else: none, so a round is 404 to them)."""

from django.db.models import Count, QuerySet
from django.utils import timezone

from backend.accounts.permissions import is_admin, is_coordinator
from backend.core.choices import WishSide
from backend.wishes.models import Round, Wish


def round_list(*, user) -> QuerySet[Round]:
    rounds = Round.objects.select_related("prefecture", "published_by").prefetch_related("needs__municipality")
    if is_admin(user):
        return rounds
    if is_coordinator(user):
        return rounds.filter(prefecture_id=user.prefecture_id)
    return rounds.none()


def round_open(*, user, fiscal_year: int | None = None) -> Round | None:
    rounds = round_list(user=user).filter(closed_at__isnull=True)
    if fiscal_year is not None:
        rounds = rounds.filter(fiscal_year=fiscal_year)
    return rounds.order_by("-published_at").first()


def round_interest_counts(r: Round) -> dict[int, int]:
    """How many experts stated interest in each of the round's needs (their own wishes, any level)."""
    rows = (Wish.objects.filter(need__in=r.needs.all(), side=WishSide.EXPERT).values("need_id")
            .annotate(n=Count("expert_id", distinct=True)))
    return {row["need_id"]: row["n"] for row in rows}


def rounds_awaiting_run(*, user) -> QuerySet[Round]:
    """The user's rounds whose deadline for interest has passed and that have no second-round run yet."""
    return round_list(user=user).filter(deadline__lt=timezone.localdate()).filter(runs__isnull=True)
