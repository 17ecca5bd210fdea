"""Reads of experts, always scoped to what the user's role may see."""

from django.db.models import Q, QuerySet

from backend.accounts.models import UserRole
from backend.accounts.scoping import is_admin
from backend.experts.models import AffiliationChange, Expert


def expert_list(*, user) -> QuerySet[Expert]:
    """Coordinators see experts registered in or serving their prefecture; an expert sees themself."""
    queryset = Expert.objects.prefetch_related(
        "skills", "affiliations__vendor", "serves_prefectures", "onsite_prefectures"
    ).order_by("id")
    if is_admin(user):
        return queryset
    if user.role == UserRole.COORDINATOR:
        pref = user.prefecture_id
        return queryset.filter(Q(home_prefecture_id=pref) | Q(serves_prefectures=pref)).distinct()
    if user.role == UserRole.EXPERT and user.expert_id:
        return queryset.filter(pk=user.expert_id)
    return queryset.none()


def expert_can_change(*, user, expert: Expert) -> bool:
    if is_admin(user):
        return True
    if user.role == UserRole.COORDINATOR:
        return expert.home_prefecture_id == user.prefecture_id
    return user.role == UserRole.EXPERT and user.expert_id == expert.pk


def affiliation_change_list(*, user) -> QuerySet[AffiliationChange]:
    """Affiliation change requests: a coordinator sees those of experts registered in their prefecture, an
    expert their own."""
    queryset = AffiliationChange.objects.select_related("expert", "vendor", "decided_by").order_by("-requested_at",
                                                                                                   "-id")
    if is_admin(user):
        return queryset
    if user.role == UserRole.COORDINATOR:
        return queryset.filter(expert__home_prefecture_id=user.prefecture_id)
    if user.role == UserRole.EXPERT and user.expert_id:
        return queryset.filter(expert_id=user.expert_id)
    return queryset.none()
