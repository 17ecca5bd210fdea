"""Reads of applications to a prefecture's pool, scoped to that prefecture's coordinators."""

from django.db.models import Count, QuerySet

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin
from backend.experts.models import ApplicationStatus, ExpertApplication


def expert_application_list(*, user) -> QuerySet[ExpertApplication]:
    """Applications to the coordinator's prefecture (nobody else's, and nobody else sees them)."""
    queryset = ExpertApplication.objects.select_related("decided_by", "expert").order_by("-submitted_at", "-id")
    if is_admin(user):
        return queryset
    if user.role == UserRole.COORDINATOR:
        return queryset.filter(prefecture_id=user.prefecture_id)
    return queryset.none()


def expert_application_counts(*, user) -> dict[str, int]:
    counts = dict(expert_application_list(user=user).order_by().values_list("status").annotate(n=Count("id")))
    return {status: counts.get(status, 0) for status in ApplicationStatus.values}
