"""kenmu matching engine: assigns shared digital experts to municipal needs (kenmu.instance/1 → kenmu.result/1).

Public API:
    solve(instance, *, time_limit_s=None, workers=2, seed=0, on_progress=None, should_stop=None) -> dict
    load_instance(dict | path | Instance) -> Instance         (raises InstanceError)
    validate_result(instance, result) -> list[str]           (empty list: valid)
    SolveOptions, InstanceError, greedy_solve

Pure Python + OR-Tools; never imports Django.
"""

from .loading import InstanceError, load_instance
from .solver import SolveOptions, solve
from .validate import validate_result


def greedy_solve(instance) -> dict:
    """The greedy baseline as a kenmu.result/1 dict (status "feasible", bound = trivial upper bound)."""
    from .baseline import greedy_result

    return greedy_result(load_instance(instance))


__all__ = ["InstanceError", "SolveOptions", "greedy_solve", "load_instance", "solve", "validate_result"]
