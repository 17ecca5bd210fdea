"""Hard rules 1-8 (pair rules) and the unmatched reasons, each with a feasible and an infeasible case."""

import pytest

from .conftest import expert, instance, need, pairs, reasons, solved


@pytest.mark.parametrize("rule_case, expert_over, need_over, reason", [
    ("scope", {"serves_prefectures": ["19"]}, {}, "out_of_scope"),
    ("skills", {"skills": {"security": 1}}, {"required_skills": {"security": 2}}, "no_skill"),
    ("form", {"employment_forms": ["contract"]}, {"employment_forms": ["commission"]}, "no_form"),
    ("onsite", {"onsite_prefectures": ["19"]}, {"onsite_required": True}, "no_onsite"),
    ("weekdays", {"weekdays": ["mon"]}, {"weekly_days": 2, "days_per_year": 96}, "no_weekday"),
    ("budget", {"daily_rate": 60_000}, {"budget": 2_400_000}, "over_budget"),
    ("forbids", {}, {}, "forbidden"),
])
def test_each_pair_rule_blocks_with_its_reason(rule_case, expert_over, need_over, reason):
    forbids = [{"expert": "E1", "need": "N1"}] if rule_case == "forbids" else []
    result = solved(instance([expert("E1", **expert_over)], [need("N1", **need_over)], forbids=forbids))
    assert result["assignments"] == []
    assert reasons(result) == {"N1": reason}


def test_each_pair_rule_allows_when_met():
    e = expert("E1", weekdays=["mon", "tue"], onsite_prefectures=["20"], daily_rate=50_000)
    n = need("N1", weekly_days=2, days_per_year=96, onsite_required=True, budget=4_800_000,
             required_skills={"security": 3}, employment_forms=["contract"])
    result = solved(instance([e], [n]))
    assert pairs(result) == {("E1", "N1")}
    assert result["assignments"][0]["weekdays"] == ["mon", "tue"]
    assert result["assignments"][0]["fee"] == 4_800_000


def test_weekday_rule_does_not_apply_to_non_weekly_needs():
    result = solved(instance([expert("E1", weekdays=[])], [need("N1", weekly_days=0, days_per_year=12, weekdays=[])]))
    assert result["assignments"] == [{"need": "N1", "expert": "E1", "weekdays": [], "days_per_year": 12,
                                      "fee": 600_000, "travel_cost": 0, "employment_form": "special_part_time"}]


def test_conflict_uses_active_affiliations_and_ongoing_procurements_only():
    procs = [{"id": "P1", "municipality": "202011", "category": "operations", "status": "ongoing",
              "incumbent_vendor": "V01"},
             {"id": "P2", "municipality": "202011", "category": "audit", "status": "planned",
              "incumbent_vendor": "V02"}]
    blocked = expert("E1", affiliations=[{"vendor": "V01", "relation": "side_job"}])
    result = solved(instance([blocked], [need("N1")], procurements=procs))
    assert reasons(result) == {"N1": "conflict"}
    former = expert("E1", affiliations=[{"vendor": "V01", "relation": "former_employee", "ended_on": "2020-01-01"}])
    assert pairs(solved(instance([former], [need("N1")], procurements=procs))) == {("E1", "N1")}
    planned_only = expert("E1", affiliations=[{"vendor": "V02", "relation": "employee"}])
    assert pairs(solved(instance([planned_only], [need("N1")], procurements=procs))) == {("E1", "N1")}


def test_coi_override_lifts_the_conflict_for_that_municipality_only():
    procs = [{"id": f"P{m}", "municipality": m, "category": "operations", "status": "ongoing",
              "incumbent_vendor": "V01"} for m in ("202011", "202029")]
    e = expert("E1", affiliations=[{"vendor": "V01", "relation": "employee"}])
    doc = instance([e], [need("N1"), need("N2", municipality="202029")], procurements=procs,
                   coi_overrides=[{"expert": "E1", "municipality": "202011", "reason": "approved"}])
    result = solved(doc)
    assert pairs(result) == {("E1", "N1")}
    assert reasons(result) == {"N2": "conflict"}


def test_replacement_requested_excludes_the_current_expert():
    doc = instance([expert("E1")], [need("N1", current_expert="E1", replacement_requested=True)])
    assert reasons(solved(doc)) == {"N1": "forbidden"}
    doc = instance([expert("E1")], [need("N1", current_expert="E1", replacement_requested=False)])
    assert pairs(solved(doc)) == {("E1", "N1")}


def test_reasons_are_cumulative_first_rule_that_empties_the_field():
    # E1 lacks the skill; E2 has it but is too expensive: E2 passes rules 1-5 and fails 6 -> over_budget.
    cheap_unskilled = expert("E1", skills={}, daily_rate=10_000)
    skilled_dear = expert("E2", daily_rate=200_000)
    doc = instance([cheap_unskilled, skilled_dear], [need("N1", required_skills={"security": 2})])
    result = solved(doc)
    assert reasons(result) == {"N1": "over_budget"}
    detail = result["unmatched"][0]["detail"]
    assert "9,600,000" in detail and "5,000,000" in detail


def test_capacity_reason_names_the_needs_that_took_the_candidate():
    doc = instance([expert("E1", max_engagements=1)], [need("N1", priority=5), need("N2", priority=1)])
    result = solved(doc)
    assert pairs(result) == {("E1", "N1")}
    assert reasons(result) == {"N2": "capacity"}
    assert "N1" in result["unmatched"][0]["detail"] and "E1" in result["unmatched"][0]["detail"]


def test_blocking_rules_names_the_first_rule_of_every_pair_like_the_validator():
    from matching import blocking_rules
    from tests.matching.conftest import expert, instance, need

    inst = instance([expert("E1"), expert("E2", serves_prefectures=["19"]),
                     expert("E3", daily_rate=10_000_000)], [need("N1")])
    assert blocking_rules(inst) == {("E1", "N1"): None, ("E2", "N1"): "out_of_scope",
                                    ("E3", "N1"): "over_budget"}
