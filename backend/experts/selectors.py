"""Reads of experts, always scoped to what the user's role may see."""

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import JSONObject

from backend.accounts.models import UserRole
from backend.accounts.permissions import coordinates, is_admin, is_expert_self
from backend.experts.models import (
    Affiliation,
    AffiliationChange,
    Expert,
    ExpertSkill,
)

# The columns the experts list shows (ExpertListOutputSerializer), besides what `expert_list_rows` aggregates.
LIST_COLUMNS = ("id", "name", "name_kana", "email", "phone", "registering_prefecture_id", "home_municipality_id",
                "capacity_days", "weekdays", "max_engagements", "daily_rate", "employment_forms", "pool_pledge_signed_on",
                "listed", "created_at", "updated_at")


def expert_list(*, user) -> QuerySet[Expert]:
    """Coordinators see experts registered in or serving their prefecture; an expert sees themself."""
    queryset = Expert.objects.prefetch_related(
        "skills", "affiliations__vendor", "serves_prefectures", "onsite_prefectures"
    ).order_by("id")
    if is_admin(user):
        return queryset
    if user.role == UserRole.COORDINATOR:
        pref = user.prefecture_id
        # EXISTS rather than a join: no duplicate rows, so no SELECT DISTINCT over every column.
        serves = Expert.serves_prefectures.through.objects.filter(expert_id=OuterRef("pk"), prefecture_id=pref)
        return queryset.filter(Q(registering_prefecture_id=pref) | Exists(serves))
    if user.role == UserRole.EXPERT and user.expert_id:
        return queryset.filter(pk=user.expert_id)
    return queryset.none()


def expert_list_rows(experts: QuerySet[Expert]) -> QuerySet:
    """A list page of `experts` in one query: the shown columns as dicts; skills, prefectures and affiliations
    (with the vendor's name) as one array each, instead of five prefetches that build a model per related row."""
    skills = ExpertSkill.objects.filter(expert=OuterRef("pk")).order_by("skill").values(
        row=JSONObject(skill="skill", level="level"))
    serves = Expert.serves_prefectures.through.objects.filter(expert_id=OuterRef("pk")).order_by(
        "prefecture_id").values("prefecture_id")
    onsite = Expert.onsite_prefectures.through.objects.filter(expert_id=OuterRef("pk")).order_by(
        "prefecture_id").values("prefecture_id")
    affiliations = Affiliation.objects.filter(expert=OuterRef("pk")).order_by("id").values(
        row=JSONObject(id="id", vendor="vendor_id", vendor_name="vendor__name", relation="relation",
                       ended_on="ended_on"))
    return experts.prefetch_related(None).values(
        *LIST_COLUMNS, skill_rows=ArraySubquery(skills), serves_codes=ArraySubquery(serves),
        onsite_codes=ArraySubquery(onsite), affiliation_rows=ArraySubquery(affiliations))


def expert_can_change(*, user, expert: Expert) -> bool:
    return coordinates(user, expert.registering_prefecture_id) or is_expert_self(user, expert.pk)


def affiliation_change_list(*, user) -> QuerySet[AffiliationChange]:
    """Affiliation change requests: a coordinator sees those of experts registered in their prefecture, an
    expert their own."""
    queryset = AffiliationChange.objects.select_related("expert", "vendor", "decided_by").order_by("-requested_at",
                                                                                                   "-id")
    if is_admin(user):
        return queryset
    if user.role == UserRole.COORDINATOR:
        return queryset.filter(expert__registering_prefecture_id=user.prefecture_id)
    if user.role == UserRole.EXPERT and user.expert_id:
        return queryset.filter(expert_id=user.expert_id)
    return queryset.none()

