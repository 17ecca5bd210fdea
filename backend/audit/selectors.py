"""Reads of the audit log: whose rows a reader sees, and a list page in one query."""

from django.db.models import QuerySet

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin
from backend.core.models import AuditLog


def audit_log_list(*, user) -> QuerySet[AuditLog]:
    queryset = AuditLog.objects.select_related("actor").order_by("-at", "-id")
    if is_admin(user):
        return queryset
    if user.role == UserRole.COORDINATOR:
        return queryset.filter(scope__contains=[user.prefecture_id])
    return queryset.none()


def audit_log_list_rows(entries: QuerySet[AuditLog]) -> QuerySet:
    """A list page of audit `entries` in one query: the shown columns and the actor's name as dicts."""
    return entries.values("id", "at", "actor__username", "prefecture_id", "action", "object_type", "object_id",
                          "before", "after", "prev_hash", "hash")


def object_history(*, object_type: str, object_id: int) -> QuerySet[AuditLog]:
    """Every row about one object, oldest first. Unscoped: the caller passes an object the reader may see (a need
    from `need_list`), whose own history is theirs to read (a clerk's page per need, issue 21)."""
    return AuditLog.objects.select_related("actor").filter(
        object_type=object_type, object_id=str(object_id)).order_by("at", "id")
