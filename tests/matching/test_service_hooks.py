"""What the web service relies on: progress reports, cancellation, determinism, the generator."""

import json

from matching import solve, validate_result
from matching.generate import generate


def test_progress_callback_receives_best_bound_and_elapsed():
    doc = generate("prefecture", seed=3, prefecture="19")
    seen = []
    result = solve(doc, on_progress=seen.append, time_limit_s=20)
    assert seen and {"best_primary", "bound", "elapsed", "stage"} <= set(seen[-1])
    assert seen[-1]["best_primary"] <= seen[-1]["bound"]
    assert validate_result(doc, result) == []


def test_should_stop_ends_the_run_with_a_valid_result():
    doc = generate("prefecture", seed=4, prefecture="19")
    result = solve(doc, should_stop=lambda: True)
    assert result["stats"]["cancelled"] is True
    assert result["status"] in ("feasible", "optimal")
    assert validate_result(doc, result) == []


def _without_timing(result: dict) -> str:
    result = json.loads(json.dumps(result))
    result.pop("stats")
    return json.dumps(result, sort_keys=True)


def test_same_instance_same_seed_same_result():
    doc = generate("prefecture", seed=5, prefecture="20")
    assert _without_timing(solve(doc, seed=7)) == _without_timing(solve(doc, seed=7))


def test_generator_is_deterministic_and_valid():
    a = generate("prefecture", seed=11, prefecture="32")
    assert json.dumps(a) == json.dumps(generate("prefecture", seed=11, prefecture="32"))
    assert json.dumps(a) != json.dumps(generate("prefecture", seed=12, prefecture="32"))
    from matching import load_instance
    inst = load_instance(a)
    assert len(inst.needs) > 0 and len(inst.experts) > 0


def test_national_pool_has_experts_serving_the_whole_country():
    doc = generate("national-pool", seed=1)
    nationwide = [e for e in doc["experts"] if len(e["serves_prefectures"]) == 47]
    assert 0.05 < len(nationwide) / len(doc["experts"]) < 0.15
