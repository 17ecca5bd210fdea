"""API for the audit log: every state change, with its link in the hash chain."""

from backend.audit import selectors
from backend.audit.filters import AuditLogFilter
from backend.audit.serializers import AuditLogListOutputSerializer, AuditLogOutputSerializer
from backend.core.models import AuditLog
from backend.core.viewsets import ScopedViewSet


class AuditLogViewSet(ScopedViewSet):
    """Every state change: who, when, what, before and after. Coordinators read their prefecture's."""

    queryset = AuditLog.objects.none()
    output_serializer_class = AuditLogOutputSerializer
    list_serializer_class = AuditLogListOutputSerializer
    filterset_class = AuditLogFilter

    def scoped_queryset(self, user):
        return selectors.audit_log_list(user=user)

    def list_rows(self, queryset):
        return selectors.audit_log_list_rows(queryset)
