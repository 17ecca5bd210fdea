"""The audit log becomes evidence (issue 22), step 1: every row gets the SHA-256 of its canonical content
chained to the previous row's, existing rows chained in id order. Step 2 (0004) makes the hashes required and
has the database refuse UPDATE and DELETE on the table."""

import datetime as dt
import hashlib
import json

from django.conf import settings
from django.db import migrations, models

GENESIS = "0" * 64


def _canonical(row, prev_hash):
    # The same bytes as backend.core.audit.audit_canonical, frozen here as migrations must be.
    content = {"at": row.at.astimezone(dt.UTC).isoformat(timespec="microseconds"), "actor": row.actor_id,
               "prefecture": row.prefecture_id, "scope": list(row.scope), "action": row.action,
               "object_type": row.object_type, "object_id": row.object_id, "before": row.before,
               "after": row.after, "prev_hash": prev_hash}
    return json.dumps(content, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode()


def chain_existing(apps, schema_editor):
    AuditLog = apps.get_model("core", "AuditLog")
    previous = GENESIS
    for row in AuditLog.objects.order_by("id").iterator(chunk_size=2000):
        row.prev_hash = previous
        row.hash = hashlib.sha256(_canonical(row, previous)).hexdigest()
        row.save(update_fields=["prev_hash", "hash"])
        previous = row.hash


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_auditlog_scope"),
        ("geo", "0002_prefecture_setting"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(model_name="auditlog", name="prev_hash",
                            field=models.CharField(editable=False, max_length=64, null=True,
                                                   verbose_name="前の行のハッシュ")),
        migrations.AddField(model_name="auditlog", name="hash",
                            field=models.CharField(editable=False, max_length=64, null=True, verbose_name="ハッシュ")),
        migrations.RunPython(chain_existing, migrations.RunPython.noop),
    ]
