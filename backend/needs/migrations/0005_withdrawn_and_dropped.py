"""`closed` meant two things: a need the municipality withdrew (取下げ) and a renewal it chose not to continue
(継続取りやめ). They become `withdrawn` and `dropped`; a closed need whose last status change in the audit log
was a renewal drop becomes `dropped`, every other one `withdrawn`. Reversible."""

from django.db import migrations, models


def split_closed(apps, schema_editor):
    Need = apps.get_model("needs", "Need")
    AuditLog = apps.get_model("core", "AuditLog")
    closed = list(Need.objects.filter(status="closed").values_list("pk", flat=True))
    dropped = set()
    for pk in closed:
        last = AuditLog.objects.filter(object_type="Need", object_id=str(pk),
                                       action__in=["need.withdraw", "need.reopen", "need.renewal_drop"]).order_by(
            "-at", "-id").values_list("action", flat=True).first()
        if last == "need.renewal_drop":
            dropped.add(pk)
    Need.objects.filter(pk__in=dropped).update(status="dropped")
    Need.objects.filter(status="closed").update(status="withdrawn")


def join_closed(apps, schema_editor):
    Need = apps.get_model("needs", "Need")
    Need.objects.filter(status__in=["withdrawn", "dropped"]).update(status="closed")


class Migration(migrations.Migration):

    dependencies = [
        ("core", "0002_auditlog_scope"),
        ("needs", "0004_renewal_current_expert"),
    ]

    operations = [
        migrations.AlterField(
            model_name="need",
            name="status",
            field=models.CharField(choices=[("open", "募集中"), ("filled", "充足"), ("withdrawn", "取下げ"),
                                            ("renewal", "継続の確認待ち"), ("dropped", "継続取りやめ")],
                                   default="open", max_length=16, verbose_name="状況"),
        ),
        migrations.RunPython(split_closed, join_closed),
    ]
