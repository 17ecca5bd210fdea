"""Offers made before answer deadlines existed (issue 25) get one: the full period of their prefecture's
`offer_answer_days` from the day of the upgrade, so that no offer waits for ever and none lapses unannounced
(the reminder comes two days before, as for a new offer)."""

import datetime as dt

from django.db import migrations
from django.utils import timezone


def backfill(apps, schema_editor):
    Engagement = apps.get_model("engagements", "Engagement")
    PrefectureSetting = apps.get_model("geo", "PrefectureSetting")
    days = dict(PrefectureSetting.objects.values_list("prefecture_id", "offer_answer_days"))
    today = timezone.localdate()
    for engagement in Engagement.objects.filter(status="offered", answer_by__isnull=True).select_related(
            "municipality"):
        engagement.answer_by = today + dt.timedelta(days=days.get(engagement.municipality.prefecture_id, 14))
        engagement.save(update_fields=["answer_by"])


class Migration(migrations.Migration):

    dependencies = [
        ("engagements", "0009_engagement_answer_by_engagement_deadline_reminded_at_and_more"),
        ("geo", "0006_prefecturesetting_offer_answer_days_and_more"),
    ]

    operations = [migrations.RunPython(backfill, migrations.RunPython.noop)]
