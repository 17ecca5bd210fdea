"""An application asks where the applicant travels from, as the expert forms do: without it every on-site
proposal's travel reimbursement (費用弁償) could not be counted (issue 21). Optional: earlier applications have none."""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ("experts", "0007_pool_pledge_signed_on"),
        ("geo", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="expertapplication",
            name="home_municipality",
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT,
                                    related_name="+", to="geo.municipality", verbose_name="自宅・拠点の市区町村"),
        ),
    ]
