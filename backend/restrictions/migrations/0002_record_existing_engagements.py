"""Record the register for engagements that were already active or ended before it was stored.

Until now the register was derived on read from active engagements and the experts' current affiliations,
so the best record of the past is that: one row per current employee or side-job affiliation, for the
engagement's period (an ended engagement's shortened ends_on included). Rows already recorded are kept.
"""

from django.db import migrations

RELATION_ORDER = ("employee", "side_job")  # one row per vendor: an employee outranks a side job


def record_existing_engagements(apps, schema_editor):
    Engagement = apps.get_model("runs", "Engagement")
    Affiliation = apps.get_model("experts", "Affiliation")
    BidRestriction = apps.get_model("restrictions", "BidRestriction")
    engagements = list(Engagement.objects.filter(status__in=["active", "ended"]).order_by("id"))
    relations: dict[int, dict[int, str]] = {}
    for affiliation in Affiliation.objects.filter(
            expert_id__in={e.expert_id for e in engagements}, relation__in=RELATION_ORDER).order_by("id"):
        vendors = relations.setdefault(affiliation.expert_id, {})
        current = vendors.get(affiliation.vendor_id)
        if current is None or RELATION_ORDER.index(affiliation.relation) < RELATION_ORDER.index(current):
            vendors[affiliation.vendor_id] = affiliation.relation
    recorded = set(BidRestriction.objects.values_list("engagement_id", "vendor_id"))
    BidRestriction.objects.bulk_create([
        BidRestriction(vendor_id=vendor_id, expert_id=e.expert_id, municipality_id=e.municipality_id,
                       engagement_id=e.pk, relation=relation, starts_on=e.starts_on, ends_on=e.ends_on)
        for e in engagements
        for vendor_id, relation in sorted(relations.get(e.expert_id, {}).items())
        if (e.pk, vendor_id) not in recorded
    ], batch_size=1000)


class Migration(migrations.Migration):

    dependencies = [
        ("restrictions", "0001_initial"),
        ("experts", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(record_existing_engagements, migrations.RunPython.noop),
    ]
