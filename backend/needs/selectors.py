from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import OuterRef, QuerySet
from django.db.models.functions import JSONObject

from backend.accounts.permissions import coordinates, is_staff_of
from backend.accounts.scoping import scope_by_municipality
from backend.needs.models import Need, NeedSkill

# The columns the needs list shows (NeedListOutputSerializer); the municipality's name and prefecture come with them.
LIST_COLUMNS = ("id", "municipality_id", "municipality__name", "municipality__prefecture_id", "fiscal_year", "role",
                "title", "description", "pattern", "pattern_days", "days_per_year", "weekly_days", "weekdays",
                "onsite_required", "onsite_days", "budget", "fee_basis", "fee_amount", "fee_hours_per_day",
                "fee_includes_tax", "offered_fee", "employment_forms", "priority", "adjusted_priority",
                "priority_reason", "funding_scheme_id", "status", "created_at", "updated_at")


def need_list(*, user) -> QuerySet[Need]:
    queryset = Need.objects.select_related("municipality").prefetch_related("skills").order_by(
        "municipality_id", "id"
    )
    return scope_by_municipality(queryset, user)


def need_list_rows(needs: QuerySet[Need]) -> QuerySet:
    """A list page of `needs` in one query: the shown columns as dicts, each need's skills as one array
    (required first, by skill) instead of a prefetch that builds a model and a queryset per skill."""
    skills = NeedSkill.objects.filter(need=OuterRef("pk")).order_by("-required", "skill").values(
        row=JSONObject(skill="skill", level="level", required="required"))
    return needs.prefetch_related(None).values(*LIST_COLUMNS, skill_rows=ArraySubquery(skills))


def need_can_change(*, user, need: Need) -> bool:
    return coordinates(user, need.municipality.prefecture_id) or is_staff_of(user, need.municipality_id)
