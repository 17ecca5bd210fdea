"""Every backend the command line offers solves a real instance to the same lexicographic values."""

import pytest

from matching import solve, validate_result
from matching.backends import NO_SOLUTION, MipBackend, StageOutcome
from matching.generate import generate
from matching.solver import SolveOptions


@pytest.fixture(scope="module")
def nagano():
    return generate("prefecture", seed=2, prefecture="20")


@pytest.fixture(scope="module")
def reference(nagano):
    return solve(nagano, options=SolveOptions(time_limit_s=60, max_block_scale=1))


@pytest.mark.parametrize("backend", ["scip", "highs", "cbc", "cpsat"])
def test_backend_reaches_the_stage_by_stage_optimum(nagano, reference, backend):
    result = solve(nagano, options=SolveOptions(time_limit_s=60, backend=backend))
    assert validate_result(nagano, result) == []
    assert result["status"] == "optimal"
    assert result["objective"]["stages"] == reference["objective"]["stages"]


def test_workers_or_seed_beside_options_is_refused_not_ignored(nagano):
    with pytest.raises(TypeError, match="inside options"):
        solve(nagano, workers=8, options=SolveOptions(time_limit_s=5))


def test_a_block_that_finds_nothing_in_time_keeps_the_solution_and_counts_its_seconds(nagano, monkeypatch):
    """A later block cut off before any solution (SCIP starts a block kept by rows cold) keeps the solution
    before it, and the time it took still counts: on ×10 two such blocks of about 95 s each read 0.0 s."""
    lead_only = solve(nagano, options=SolveOptions(time_limit_s=60, stages=()))
    solved_once, later_calls = set(), []
    real_solve = MipBackend.solve

    def nothing_after_the_lead(self, terms, sense, time_limit_s, hint=None, should_stop=None):
        if id(self) not in solved_once:
            solved_once.add(id(self))
            return real_solve(self, terms, sense, time_limit_s, hint, should_stop)
        later_calls.append(1.25)
        return StageOutcome(NO_SOLUTION, None, None, None, 1.25)

    monkeypatch.setattr(MipBackend, "solve", nothing_after_the_lead)
    result = solve(nagano, options=SolveOptions(time_limit_s=60))
    assert validate_result(nagano, result) == []
    assert result["assignments"] == lead_only["assignments"]
    later = [s for s in result["stats"]["stages"] if s["name"] not in ("primary", "filled")]
    assert later_calls and {s["status"] for s in later} == {"feasible"}
    assert sum(s["seconds"] for s in later) == pytest.approx(sum(later_calls))
