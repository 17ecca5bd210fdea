"""The audit-log API shows each row's link in the SHA-256 chain (backend/core/audit.py): `prev_hash`, the hash of
the row before it, and `hash`, its own, as stored and as `manage.py verify_audit` recomputes them."""

from drf_spectacular.generators import SchemaGenerator

from backend.core.audit import AuditAction, audit_hash, audit_record
from backend.core.models import AuditLog
from tests.backend.conftest import client_for
from tests.backend.factories import NeedFactory


def _three_rows(actor) -> list[AuditLog]:
    need = NeedFactory(municipality_id="202011")
    return [audit_record(actor=actor, action=AuditAction.NEED_UPDATE, obj=need, prefecture="20",
                         before={"priority": n}, after={"priority": n + 1}) for n in range(3)]


def test_each_listed_row_carries_its_link_in_the_hash_chain(coordinator):
    written = _three_rows(coordinator)
    rows = client_for(coordinator).get("/api/v1/audit-log/?object_type=Need").json()["results"]
    assert [row["id"] for row in rows] == [entry.pk for entry in reversed(written)]  # newest first
    assert [(row["prev_hash"], row["hash"]) for row in rows] == [(e.prev_hash, e.hash) for e in reversed(written)]
    assert rows[0]["prev_hash"] == rows[1]["hash"] and rows[1]["prev_hash"] == rows[2]["hash"]
    assert all(row["hash"] == audit_hash(AuditLog.objects.get(pk=row["id"])) for row in rows)


def test_a_row_read_alone_carries_the_same_link(coordinator):
    newest = _three_rows(coordinator)[-1]
    detail = client_for(coordinator).get(f"/api/v1/audit-log/{newest.pk}/").json()
    assert (detail["prev_hash"], detail["hash"]) == (newest.prev_hash, newest.hash)
    assert len(detail["hash"]) == 64 and detail["hash"] != detail["prev_hash"]


def test_the_schema_documents_the_link(db):
    schema = SchemaGenerator().get_schema(request=None, public=True)
    fields = schema["components"]["schemas"]["AuditLogOutput"]["properties"]
    assert {"prev_hash", "hash"} <= set(fields)
