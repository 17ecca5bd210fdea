"""A run's chosen later stages are stored under params["stages"] (glossary: stage), not params["objectives"].

Rewrites the key in the stored runs so a re-run of an older run keeps what its coordinator chose."""

from django.db import migrations

FORWARD = """UPDATE runs_matchrun SET params = (params - 'objectives') || jsonb_build_object('stages', params->'objectives')
             WHERE params ? 'objectives'"""
BACKWARD = """UPDATE runs_matchrun SET params = (params - 'stages') || jsonb_build_object('objectives', params->'stages')
              WHERE params ? 'stages'"""


class Migration(migrations.Migration):
    dependencies = [("runs", "0009_proposal_form_and_travel_cost")]

    operations = [migrations.RunSQL(FORWARD, BACKWARD)]
