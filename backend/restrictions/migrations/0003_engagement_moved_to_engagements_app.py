"""The register's engagement is engagements.Engagement now (the model moved out of the runs app).

State only: the foreign key and its constraint stay as they are in the database, on runs_engagement, the
table the moved model keeps. Must run before runs.0008 drops runs.Engagement from the state, and after
restrictions.0002, whose data migration reads runs.Engagement.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('engagements', '0001_initial'),
        ('restrictions', '0002_record_existing_engagements'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='bidrestriction',
                    name='engagement',
                    field=models.ForeignKey(on_delete=django.db.models.deletion.PROTECT, related_name='bid_restrictions', to='engagements.engagement', verbose_name='任用・委託'),
                ),
            ],
        ),
    ]
