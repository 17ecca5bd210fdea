"""Migration 0010 moves a stored run's chosen stages from params["objectives"] to params["stages"] and back."""

from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from backend.runs.models import MatchRun
from tests.backend.factories import MatchRunFactory

BEFORE, AFTER = ("runs", "0009_proposal_form_and_travel_cost"), ("runs", "0010_params_stages")


def _migrate(target=None):
    """To `target`, or back to the latest migrations of every app (the state the other tests expect)."""
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate([target] if target else executor.loader.graph.leaf_nodes())


def _params(run) -> dict:
    # Only the params column: the model's later fields do not exist at the migrated state.
    return MatchRun.objects.values_list("params", flat=True).get(pk=run.pk)


def test_the_chosen_stages_of_stored_runs_move_to_their_new_key_and_back(committed_db):
    chosen, everything = MatchRunFactory(params={"stages": ["fee"], "seed": 3}), MatchRunFactory(params={"seed": 0})
    try:
        _migrate(BEFORE)
        assert _params(chosen) == {"objectives": ["fee"], "seed": 3}
        _migrate(AFTER)
        assert _params(chosen) == {"stages": ["fee"], "seed": 3}
        assert _params(everything) == {"seed": 0}  # no choice stays no choice
    finally:
        _migrate()
