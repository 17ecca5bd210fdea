"""Rule 12: pins and fixed engagements hold, or the result is infeasible and names the pins at fault."""

from matching import solve, validate_result

from .conftest import expert, instance, need, pairs, solved


def _infeasible(doc):
    result = solve(doc)
    assert validate_result(doc, result) == []
    assert result["status"] == "infeasible" and result["assignments"] == []
    # Nothing is assigned, so every need is listed once as unmatched (the validator checks the reasons).
    assert sorted(u["need"] for u in result["unmatched"]) == sorted(n["id"] for n in doc["needs"])
    # A need with allowed experts gets `capacity`, explained by the pins rather than by other needs.
    assert all("pins" in u["detail"] and "固定指定" in u["detail_ja"]
               for u in result["unmatched"] if u["reason"] == "capacity")
    return {(c["expert"], c["need"], c["reason"].split(":")[0]) for c in result["conflicting_pins"]}


def test_pin_is_kept_even_when_it_costs_priority():
    doc = instance([expert("E1", max_engagements=1)], [need("N1", priority=5), need("N2", priority=1)],
                   pins=[{"expert": "E1", "need": "N2"}])
    result = solved(doc)
    assert pairs(result) == {("E1", "N2")}
    assert result["objective"]["primary"] == 1 and result["status"] == "optimal"


def test_pin_breaking_a_pair_rule_is_infeasible_and_named():
    doc = instance([expert("E1", daily_rate=900_000)], [need("N1")], pins=[{"expert": "E1", "need": "N1"}])
    assert _infeasible(doc) == {("E1", "N1", "rule 6 budget")}
    assert [(u["need"], u["reason"]) for u in solve(doc)["unmatched"]] == [("N1", "over_budget")]


def test_pin_on_a_forbidden_pair_breaks_rule_8():
    doc = instance([expert("E1")], [need("N1")], pins=[{"expert": "E1", "need": "N1"}],
                   forbids=[{"expert": "E1", "need": "N1"}])
    assert _infeasible(doc) == {("E1", "N1", "rule 8 forbids and replacement")}


def test_two_pins_on_one_need_break_rule_9():
    doc = instance([expert("E1"), expert("E2")], [need("N1")],
                   pins=[{"expert": "E1", "need": "N1"}, {"expert": "E2", "need": "N1"}])
    assert {c[2] for c in _infeasible(doc)} == {"rule 9 one expert per need, max_engagements"}


def test_pins_beyond_max_engagements_break_rule_9():
    doc = instance([expert("E1", max_engagements=1)], [need("N1"), need("N2")],
                   pins=[{"expert": "E1", "need": "N1"}, {"expert": "E1", "need": "N2"}])
    assert len(_infeasible(doc)) == 2


def test_pins_beyond_capacity_break_rule_10():
    doc = instance([expert("E1", capacity_days=90)], [need("N1"), need("N2")],
                   pins=[{"expert": "E1", "need": "N1"}, {"expert": "E1", "need": "N2"}])
    assert {c[2] for c in _infeasible(doc)} == {"rule 10 capacity"}


def test_pins_without_distinct_weekdays_break_rule_11():
    doc = instance([expert("E1", weekdays=["mon", "tue"])], [need("N1", weekdays=["mon"]), need("N2", weekdays=["mon"])],
                   pins=[{"expert": "E1", "need": "N1"}, {"expert": "E1", "need": "N2"}])
    assert {c[2] for c in _infeasible(doc)} == {"rule 11 weekday schedule"}


def test_fixed_assignment_keeps_its_weekdays_and_others_work_around_it():
    e = expert("E1", weekdays=["mon", "tue"])
    doc = instance([e], [need("N1"), need("N2", weekdays=["tue", "wed"])],
                   fixed_assignments=[{"expert": "E1", "need": "N2", "weekdays": ["tue"]}])
    result = solved(doc)
    assert {a["need"]: a["weekdays"] for a in result["assignments"]} == {"N2": ["tue"], "N1": ["mon"]}


def test_fixed_assignment_with_unavailable_weekday_breaks_rule_11():
    doc = instance([expert("E1", weekdays=["mon"])], [need("N1")],
                   fixed_assignments=[{"expert": "E1", "need": "N1", "weekdays": ["fri"]}])
    assert {c[2] for c in _infeasible(doc)} == {"rule 11 weekday schedule"}


def test_validator_rejects_a_wrong_infeasibility_claim():
    doc = instance([expert("E1")], [need("N1")], pins=[{"expert": "E1", "need": "N1"}])
    fake = {"format": "kenmu.result/2", "status": "infeasible", "assignments": [], "unmatched": [], "flags": [],
            "conflicting_pins": [{"expert": "E1", "need": "N1", "reason": "rule 10 capacity: no"}],
            "objective": {"primary": None, "primary_bound": None, "lead": []}, "stats": {"wall_time_s": 0.0}}
    assert any("does not break rule 10" in p for p in validate_result(doc, fake))
