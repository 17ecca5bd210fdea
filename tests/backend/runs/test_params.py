"""A run's parameters are one typed value (issue 22, item 7): built once from the input serializer (the API's and
the start form's), stored on the run as JSON and read back from it, whatever the run's age; one scope key and one
lookup of the previous run of a scope."""

import pytest

from backend.runs.models import MatchRun
from backend.runs.params import CHOSEN_STAGES, RunParams
from backend.runs.scope import run_previous, scope_key
from backend.runs.serializers import RunInputSerializer
from matching import DEFAULT_LEAD, DEFAULT_TIME_LIMIT_S, LATER_STAGES
from tests.backend.factories import MatchRunFactory


def test_params_are_stored_as_json_and_read_back_equal():
    params = RunParams(time_limit_s=45, seed=7, workers=3, stages=("fee",), lead=("coverage", "priority"))
    stored = params.as_stored()
    assert stored == {"time_limit_s": 45, "seed": 7, "workers": 3, "stages": ["fee"],
                      "lead": ["coverage", "priority"], "wishes": None}
    assert RunParams.from_stored(stored) == params
    assert RunParams.from_stored(RunParams().as_stored()) == RunParams()


def test_params_stored_by_older_runs_read_back_with_the_defaults():
    assert RunParams.from_stored({}) == RunParams.from_stored(None) == RunParams(
        time_limit_s=DEFAULT_TIME_LIMIT_S, seed=0, workers=2, stages=None, lead=DEFAULT_LEAD, wishes=None)
    # Before the lead could be chosen, and before the stages could: all stages, the engine's lead.
    old = RunParams.from_stored({"time_limit_s": 30, "seed": 0, "workers": 2})
    assert (old.time_limit_s, old.stages, old.lead) == (30, None, DEFAULT_LEAD)
    assert RunParams.from_stored({"lead": ["nonsense"]}).lead == DEFAULT_LEAD


def test_params_keep_the_engines_order_of_stages_and_its_limits():
    chosen = RunParams(stages=tuple(reversed(LATER_STAGES)))
    assert chosen.stages == CHOSEN_STAGES  # the preference stage is the `wishes` option's, not a chosen stage
    assert RunParams(stages=[]).stages == ()  # none chosen is not "all"
    assert RunParams(time_limit_s=10_000, workers=99).as_stored()["time_limit_s"] == 600
    assert RunParams(workers=0).workers == 1
    with pytest.raises(AttributeError):
        chosen.seed = 3  # frozen


def test_the_input_serializer_builds_the_params_once():
    absent = RunInputSerializer(data={"fiscal_year": 2027})
    assert absent.is_valid(), absent.errors
    assert absent.validated_data == {"fiscal_year": 2027, "scope": None, "params": RunParams()}
    form = RunInputSerializer(data={"fiscal_year": 2027, "scope": ["20"], "time_limit_s": 30, "stages": [],
                                    "lead": ["coverage", "priority"], "seed": 4})
    assert form.is_valid(), form.errors
    assert form.validated_data["params"] == RunParams(time_limit_s=30, seed=4, stages=(),
                                                      lead=("coverage", "priority"))


def test_one_scope_key_names_a_scope_whatever_the_order_of_its_prefectures():
    assert scope_key(["20", "19"], 2027) == scope_key(["19", "20"], 2027) == "19+20/2027"
    assert scope_key(["20"], 2027, 4) == "20/2027/replacement-4"


@pytest.mark.django_db
def test_the_previous_run_of_a_scope_is_its_last_success_before_the_run():
    first = MatchRunFactory(scope_key="20/2027")
    MatchRunFactory(scope_key="20/2027", status="failed")
    MatchRunFactory(scope_key="19+20/2027")
    second = MatchRunFactory(scope_key="20/2027")
    assert run_previous(scope_key="20/2027", before=second.created_at) == first
    assert run_previous(scope_key="20/2027") == second
    assert run_previous(scope_key="20/2027", before=first.created_at) is None
    assert MatchRun.objects.count() == 4
