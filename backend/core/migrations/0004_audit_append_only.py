"""The audit log becomes evidence (issue 22), step 2: hashes required and unique, the database refuses UPDATE
and DELETE on the table, and a user or prefecture that a row names can no longer be deleted (SET_NULL was an
UPDATE). Apart from 0003 because PostgreSQL will not alter a table with the row updates of the same transaction
pending.

TRUNCATE is left to the table's owner (the test runner empties tables with it); a deployment that wants that
closed too runs the service as a role that does not own the table (docs/operations.md)."""

import django.db.models.deletion
import django.utils.timezone
from django.conf import settings
from django.db import migrations, models

REFUSE = """
CREATE OR REPLACE FUNCTION kenmu_audit_append_only() RETURNS trigger AS $$
BEGIN
    RAISE EXCEPTION 'the audit log is append-only: % of core_auditlog row % refused', TG_OP, OLD.id
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
CREATE TRIGGER core_auditlog_append_only BEFORE UPDATE OR DELETE ON core_auditlog
    FOR EACH ROW EXECUTE FUNCTION kenmu_audit_append_only();
"""
ALLOW = """
DROP TRIGGER IF EXISTS core_auditlog_append_only ON core_auditlog;
DROP FUNCTION IF EXISTS kenmu_audit_append_only();
"""


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0003_audit_chain"),
        ("geo", "0002_prefecture_setting"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AlterField(model_name="auditlog", name="prev_hash",
                              field=models.CharField(editable=False, max_length=64, verbose_name="前の行のハッシュ")),
        migrations.AlterField(model_name="auditlog", name="hash",
                              field=models.CharField(editable=False, max_length=64, unique=True,
                                                     verbose_name="ハッシュ")),
        migrations.AlterField(model_name="auditlog", name="at",
                              field=models.DateTimeField(db_index=True, default=django.utils.timezone.now,
                                                         editable=False, verbose_name="日時")),
        migrations.AlterField(model_name="auditlog", name="actor",
                              field=models.ForeignKey(blank=True, null=True,
                                                      on_delete=django.db.models.deletion.PROTECT,
                                                      to=settings.AUTH_USER_MODEL, verbose_name="操作者")),
        migrations.AlterField(model_name="auditlog", name="prefecture",
                              field=models.ForeignKey(blank=True, null=True,
                                                      on_delete=django.db.models.deletion.PROTECT,
                                                      to="geo.prefecture", verbose_name="都道府県")),
        migrations.AddConstraint(
            model_name="auditlog",
            constraint=models.CheckConstraint(condition=models.Q(("hash__regex", "^[0-9a-f]{64}$"),
                                                                 ("prev_hash__regex", "^[0-9a-f]{64}$")),
                                              name="audit_row_is_chained"),
        ),
        migrations.RunSQL(REFUSE, ALLOW),
    ]
