"""Migration 0010 moves a stored run's chosen stages from params["objectives"] to params["stages"] and back."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from backend.runs.models import MatchRun
from tests.backend.factories import MatchRunFactory

BEFORE, AFTER = ("runs", "0009_proposal_form_and_travel_cost"), ("runs", "0010_params_stages")


def _migrate(target):
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target])


def test_the_chosen_stages_of_stored_runs_move_to_their_new_key_and_back(committed_db):
    chosen, everything = MatchRunFactory(params={"stages": ["fee"], "seed": 3}), MatchRunFactory(params={"seed": 0})
    try:
        _migrate(BEFORE)
        assert MatchRun.objects.get(pk=chosen.pk).params == {"objectives": ["fee"], "seed": 3}
        _migrate(AFTER)
        assert MatchRun.objects.get(pk=chosen.pk).params == {"stages": ["fee"], "seed": 3}
        assert MatchRun.objects.get(pk=everything.pk).params == {"seed": 0}  # no choice stays no choice
    finally:
        _migrate(AFTER)
