"""The audit log is evidence: the database refuses to change or delete a row, every row is chained to the one
before it by SHA-256, `manage.py verify_audit` finds the first row that was tampered with, and neither the
admin nor a deleted user can rewrite it."""

import csv
import io
import threading
import time

import pytest
from django.contrib import admin
from django.core.management import CommandError, call_command
from django.db import DatabaseError, IntegrityError, connection, transaction
from django.db.models import ProtectedError

from backend.core.admin import ReadOnlyAdmin
from backend.core.audit import GENESIS_HASH, AuditAction, audit_hash, audit_record
from backend.core.models import AuditLog
from tests.backend.concurrency import race
from tests.backend.factories import CoordinatorFactory, ExpertFactory, NeedFactory

# Tampering as a database superuser can: with triggers off for the session, inside the test's own transaction
# (rolled back after). This is why the rows are also chained: the trigger alone does not stop a superuser.
LIFT = "SET LOCAL session_replication_role = replica"
RESTORE = "SET LOCAL session_replication_role = DEFAULT"


@pytest.fixture
def three_rows(db):
    clerk = CoordinatorFactory(prefecture_id="20")
    need = NeedFactory(municipality_id="202011", title="窓口DX")
    return [audit_record(actor=clerk, action=AuditAction.NEED_UPDATE, obj=need, prefecture="20",
                         before={"priority": n}, after={"priority": n + 1}) for n in range(3)]


def _verify() -> str:
    out = io.StringIO()
    call_command("verify_audit", stdout=out)
    return out.getvalue()


def _tamper(sql: str, params: list) -> None:
    with connection.cursor() as cursor:
        cursor.execute(LIFT)
        cursor.execute(sql, params)
        cursor.execute(RESTORE)


def test_the_database_refuses_to_update_an_audit_row(three_rows):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=three_rows[0].pk).update(after={"priority": 99})
    assert AuditLog.objects.get(pk=three_rows[0].pk).after == {"priority": 1}


def test_the_database_refuses_to_delete_an_audit_row(three_rows):
    with pytest.raises(DatabaseError, match="append-only"), transaction.atomic():
        AuditLog.objects.filter(pk=three_rows[1].pk).delete()
    assert AuditLog.objects.count() == 3


def test_each_row_is_chained_to_the_one_before_it(three_rows):
    first, second, third = three_rows
    assert first.prev_hash == GENESIS_HASH
    assert (second.prev_hash, third.prev_hash) == (first.hash, second.hash)
    stored = AuditLog.objects.get(pk=second.pk)
    assert audit_hash(stored) == stored.hash  # what the database gives back hashes as it was written


def test_verify_audit_vouches_for_an_untouched_chain(three_rows):
    assert "audit log verified: 3 rows" in _verify()


def test_verify_audit_names_the_first_row_whose_content_was_changed(three_rows):
    _tamper("UPDATE core_auditlog SET after = %s WHERE id = %s", ['{"priority": 99}', three_rows[1].pk])
    with pytest.raises(CommandError, match=f"audit row {three_rows[1].pk} does not match: its content"):
        _verify()


def test_verify_audit_names_the_row_after_a_removed_one(three_rows):
    _tamper("DELETE FROM core_auditlog WHERE id = %s", [three_rows[1].pk])
    with pytest.raises(CommandError, match=f"audit row {three_rows[2].pk} does not match: it does not follow"):
        _verify()


def test_verify_audit_finds_a_rewritten_row_even_with_its_hash_recomputed(three_rows):
    """Rewriting a row and its own hash still breaks the next row's link."""
    changed = AuditLog.objects.get(pk=three_rows[0].pk)
    changed.after = {"priority": 99}
    _tamper("UPDATE core_auditlog SET after = %s, hash = %s WHERE id = %s",
            ['{"priority": 99}', audit_hash(changed), changed.pk])
    with pytest.raises(CommandError, match=f"audit row {three_rows[1].pk} does not match: it does not follow"):
        _verify()


def test_an_audit_action_must_be_a_member_not_a_string(db):
    with pytest.raises(TypeError):
        audit_record(actor=None, action="engagement.decline", obj=NeedFactory(municipality_id="202011"))


def test_a_row_written_past_audit_record_is_refused(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        AuditLog.objects.create(action=AuditAction.NEED_UPDATE, object_type="Need", object_id="1")


def test_a_user_named_by_an_audit_row_cannot_be_deleted(three_rows):
    with pytest.raises(ProtectedError):
        three_rows[0].actor.delete()


def test_writers_at_the_same_moment_keep_one_chain(committed_db):
    """Two transactions writing rows at once: the second waits for the first's chain lock, so neither links
    to a row the other has not committed, and the chain verifies."""
    need = NeedFactory(municipality_id="202011")

    def write(n):
        def call():
            with transaction.atomic():
                for i in range(3):
                    audit_record(actor=None, action=AuditAction.NEED_UPDATE, obj=need, after={"writer": n, "i": i})
                    time.sleep(0.05)
            return threading.get_ident()
        return call

    race([write(n) for n in range(4)])
    assert AuditLog.objects.count() == 12
    assert "audit log verified: 12 rows" in _verify()


def test_the_admin_cannot_add_change_or_delete_audit_rows_or_domain_rows(admin_client, three_rows):
    row = three_rows[0]
    assert admin_client.get("/admin/core/auditlog/add/").status_code == 403
    assert admin_client.post(f"/admin/core/auditlog/{row.pk}/delete/", {"post": "yes"}).status_code == 403
    assert AuditLog.objects.filter(pk=row.pk).exists()
    expert = ExpertFactory()
    page = admin_client.get(f"/admin/experts/expert/{expert.pk}/change/")
    assert page.status_code == 200 and b'name="_save"' not in page.content  # a view, not a form
    assert admin_client.get("/admin/experts/expert/add/").status_code == 403
    writable = [model._meta.label for model, model_admin in admin.site._registry.items()
                if model._meta.app_label not in {"auth", "accounts", "django_tasks_database", "axes", "knox"}
                and not isinstance(model_admin, ReadOnlyAdmin)]
    assert writable == []


def test_the_audit_csv_carries_every_change_and_the_chain(client, db):
    clerk = CoordinatorFactory(prefecture_id="20")
    need = NeedFactory(municipality_id="202011")
    before = {f"field_{n}": n for n in range(12)}
    row = audit_record(actor=clerk, action=AuditAction.NEED_UPDATE, obj=need, prefecture="20", before=before,
                       after={key: value + 1 for key, value in before.items()})
    client.force_login(clerk)
    lines = list(csv.reader(io.StringIO(client.get("/audit/export.csv").content.decode("utf-8-sig"))))
    header, first = lines[0], lines[1]
    assert header[-2:] == ["ハッシュ", "前の行のハッシュ"]
    assert first[0] == str(row.pk) and first[-2:] == [row.hash, row.prev_hash]
    assert all(f"field_{n}: {n} → {n + 1}" in first[header.index("変更内容")] for n in range(12))
