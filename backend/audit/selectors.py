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
