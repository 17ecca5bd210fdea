"""The service's side of the engine: heartbeat with progress while solving, and cancellation."""

from backend.placement.engine import solve_with_heartbeat
from matching.generate import generate


def test_heartbeat_reports_progress_and_the_result_is_the_engines():
    instance = generate("prefecture", seed=3, prefecture="20")
    beats = []
    result = solve_with_heartbeat(instance, time_limit_s=20, seed=0, workers=2,
                                  beat=lambda p: beats.append(p) or False, interval_s=0.01)
    assert result["format"] == "kenmu.result/2" and result["status"] == "optimal"
    assert beats, "no heartbeat while solving"
    assert set(beats[-1]) >= {"best_primary", "bound", "elapsed_s", "stage"}
    assert beats[-1]["elapsed_s"] > 0


def test_a_cancel_request_stops_the_solve_with_the_best_found_so_far():
    instance = generate("national", seed=1)
    result = solve_with_heartbeat(instance, time_limit_s=60, seed=0, workers=2,
                                  beat=lambda p: True, interval_s=0.01)
    assert result["status"] == "feasible"  # the national primary needs a solve; it was never run
    assert result["stats"]["stages"][0]["status"] == "not_run"
    assert result["assignments"], "the greedy start is returned rather than nothing"


def test_a_run_applies_only_the_stages_it_was_given():
    instance = generate("prefecture", seed=3, prefecture="20")
    result = solve_with_heartbeat(instance, time_limit_s=20, seed=0, workers=2, beat=lambda p: False,
                                  interval_s=0.05, stages=["fee"])
    status = {s["name"]: s["status"] for s in result["stats"]["stages"]}
    assert status["primary"] == status["fee"] == "optimal"
    assert status["skill_fit"] == status["travel"] == "not_run"
