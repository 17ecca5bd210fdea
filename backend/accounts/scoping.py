"""Role scoping shared by every selector: which prefectures and municipalities a user may see."""

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin


def scope_by_municipality(queryset, user, *, path: str = "municipality", expert_path: str | None = None):
    """Rows whose municipality (reached through `path`) the user may see: all for an administrator, the
    prefecture's for a coordinator, its own for municipal staff; an expert sees the rows reached through
    `expert_path` when given, else none."""
    if is_admin(user):
        return queryset
    if user.role == UserRole.COORDINATOR:
        return queryset.filter(**{f"{path}__prefecture_id": user.prefecture_id})
    if user.role == UserRole.MUNICIPAL:
        return queryset.filter(**{f"{path}_id": user.municipality_id})
    if user.role == UserRole.EXPERT and expert_path:
        return queryset.filter(**{f"{expert_path}_id": user.expert_id})
    return queryset.none()
