"""Fill every vendor's folded name and list today's likely duplicates (issue 21) for a coordinator to merge."""

from django.db import migrations

from backend.procurement.names import duplicate_pairs, vendor_name_key


def forwards(apps, schema_editor):
    Vendor = apps.get_model("procurement", "Vendor")
    VendorDuplicate = apps.get_model("procurement", "VendorDuplicate")
    rows = []
    for vendor in Vendor.objects.only("pk", "name", "corporate_number"):
        vendor.name_key = vendor_name_key(vendor.name)
        vendor.save(update_fields=["name_key"])
        rows.append((vendor.pk, vendor.name_key, vendor.corporate_number))
    VendorDuplicate.objects.bulk_create(
        [VendorDuplicate(first_id=a, second_id=b, reason=reason) for (a, b), reason in duplicate_pairs(rows).items()],
        ignore_conflicts=True)


class Migration(migrations.Migration):

    dependencies = [
        ("procurement", "0003_vendor_identity_merge_retire"),
    ]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
