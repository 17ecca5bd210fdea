"""Every backend the command line offers solves a real instance to the same lexicographic values."""

import pytest

from matching import solve, validate_result
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
