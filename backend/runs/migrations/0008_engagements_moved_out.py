"""Engagements, exceptions and replacement requests are the engagements app's now: drop them from this app's state.

State only: the tables (runs_engagement, runs_coioverride, runs_replacementrequest) and their rows stay, and
engagements.0001 has made the same models, on the same tables, in the engagements app. A run's replacement
points there. The register's foreign key was moved by restrictions.0003, which must come first, so that no
model in the state still points at the models deleted here.
"""

import django.db.models.deletion
from django.db import migrations, models


class Migration(migrations.Migration):

    dependencies = [
        ('engagements', '0001_initial'),
        ('restrictions', '0003_engagement_moved_to_engagements_app'),
        ('runs', '0007_pledge_per_engagement'),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            database_operations=[],
            state_operations=[
                migrations.AlterField(
                    model_name='matchrun',
                    name='replacement',
                    field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='runs', to='engagements.replacementrequest'),
                ),
                # In this order: each model is deleted once nothing left in the state points at it.
                migrations.DeleteModel(name='ReplacementRequest'),
                migrations.DeleteModel(name='Engagement'),
                migrations.DeleteModel(name='CoiOverride'),
            ],
        ),
    ]
