from rest_framework import serializers

from backend.core.models import AuditLog
from backend.core.viewsets import iso_datetime


class AuditLogOutputSerializer(serializers.ModelSerializer):
    """A row of the audit log with its link in the hash chain (backend/core/audit.py): `prev_hash` is the previous
    row's `hash`, and `manage.py verify_audit` recomputes both."""

    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = AuditLog
        fields = ["id", "at", "actor", "prefecture", "action", "object_type", "object_id", "before", "after",
                  "prev_hash", "hash"]


class AuditLogListOutputSerializer(AuditLogOutputSerializer):
    """A row of the audit log list (`audit_log_list_rows`) with AuditLogOutputSerializer's fields, built in plain
    Python. tests/backend/api/test_query_counts.py holds every row equal to AuditLogOutputSerializer's."""

    def to_representation(self, row: dict) -> dict:
        return {"id": row["id"], "at": iso_datetime(row["at"]), "actor": row["actor__username"],
                "prefecture": row["prefecture_id"], "action": row["action"], "object_type": row["object_type"],
                "object_id": row["object_id"], "before": row["before"], "after": row["after"],
                "prev_hash": row["prev_hash"], "hash": row["hash"]}
