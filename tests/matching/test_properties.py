"""Random small instances: every result passes the validator; on tiny ones the primary equals brute force."""

import copy
import itertools
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import load_instance, solve, validate_result
from matching.solver import SolveOptions
from matching.validate import Rules, _weekdays_fit

from .conftest import expert, instance, need

DAYS = ["mon", "tue", "wed", "thu", "fri"]
MUNIS = ["202011", "202029", "192015"]


@st.composite
def experts(draw, i):
    return expert(
        f"E{i}", serves_prefectures=draw(st.sampled_from([["20"], ["19", "20"], ["19"]])),
        onsite_prefectures=draw(st.sampled_from([["20"], ["19"], []])),
        capacity_days=draw(st.sampled_from([12, 48, 60, 96, 144])),
        weekdays=draw(st.lists(st.sampled_from(DAYS), min_size=0, max_size=4, unique=True)),
        max_engagements=draw(st.integers(0, 3)), daily_rate=draw(st.sampled_from([20_000, 50_000, 90_000])),
        skills=draw(st.sampled_from([{}, {"security": 2}, {"security": 3, "data": 1}])),
        employment_forms=draw(st.sampled_from([["contract"], ["special_part_time", "contract"]])),
        affiliations=draw(st.sampled_from([[], [{"vendor": "V01", "relation": "employee"}],
                                           [{"vendor": "V02", "relation": "former_employee",
                                             "ended_on": "2026-01-01"}]])),
        confidentiality_pledge=draw(st.booleans()))


@st.composite
def needs(draw, i, n_experts):
    m = draw(st.sampled_from(MUNIS))
    weekly = draw(st.integers(0, 2))
    return need(
        f"N{i}", municipality=m, prefecture=m[:2], weekly_days=weekly,
        days_per_year=48 * weekly if weekly else draw(st.sampled_from([4, 12])),
        weekdays=draw(st.lists(st.sampled_from(DAYS), min_size=max(1, weekly), max_size=5, unique=True))
        if weekly else [],
        onsite_required=draw(st.booleans()), budget=draw(st.sampled_from([500_000, 2_400_000, 9_000_000])),
        required_skills=draw(st.sampled_from([{}, {"security": 2}])),
        desired_skills=draw(st.sampled_from([{}, {"data": 1}])),
        employment_forms=draw(st.sampled_from([["contract"], ["special_part_time"]])),
        priority=draw(st.integers(1, 5)),
        current_expert=draw(st.sampled_from([None] + [f"E{k}" for k in range(n_experts)])),
        replacement_requested=draw(st.booleans()))


@st.composite
def instances(draw, max_experts=4, max_needs=5):
    n_e = draw(st.integers(1, max_experts))
    n_r = draw(st.integers(1, max_needs))
    es = [draw(experts(i)) for i in range(n_e)]
    rs = [draw(needs(i, n_e)) for i in range(n_r)]
    pair = st.tuples(st.integers(0, n_e - 1), st.integers(0, n_r - 1))
    procs = [{"id": "P1", "municipality": "202011", "category": "audit", "status": "ongoing", "incumbent_vendor": "V01"},
             {"id": "P2", "municipality": "202029", "category": "operations", "status": "planned",
              "incumbent_vendor": None}]
    return instance(
        es, rs, procurements=procs,
        pins=[{"expert": f"E{e}", "need": f"N{r}"} for e, r in draw(st.lists(pair, max_size=1))],
        forbids=[{"expert": f"E{e}", "need": f"N{r}"} for e, r in draw(st.lists(pair, max_size=2))],
        coi_overrides=[{"expert": f"E{e}", "municipality": "202011", "reason": "x"}
                       for e in draw(st.lists(st.integers(0, n_e - 1), max_size=1))])


def feasible_assignments(inst):
    """Every assignment of at most one expert per need that keeps rules 1-12 and the pins (brute force: the
    validator's rule checks, none of the solver's code)."""
    rules = Rules(inst)
    options = [[None] + [e for e in inst.experts if not rules.broken(e, r)] for r in inst.needs]
    pins = {(p.expert, p.need) for p in inst.pins}
    for choice in itertools.product(*options):
        chosen = [(e, r) for e, r in zip(choice, inst.needs, strict=True) if e is not None]
        if not pins <= {(e.id, r.id) for e, r in chosen}:
            continue
        load = defaultdict(list)
        for e, r in chosen:
            load[e.id].append((e, r))
        if all(len(v) <= v[0][0].max_engagements and sum(r.days_per_year for _, r in v) <= v[0][0].capacity_days
               and _weekdays_fit([(e.weekdays & r.weekdays, r.weekly_days) for e, r in v if r.weekly_days])
               for v in load.values()):
            yield chosen


def brute_force_primary(doc, key=lambda chosen: sum(r.priority for _, r in chosen)):
    """Best sum of priorities (or `key`) over every assignment that keeps rules 1-12; None if the pins
    cannot hold."""
    return max((key(chosen) for chosen in feasible_assignments(load_instance(doc))), default=None)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_random_results_pass_the_validator(doc):
    result = solve(doc, time_limit_s=10)
    assert validate_result(doc, result) == []
    # ... and the same validator still sees a defect planted in that very result (one that accepted
    # everything would pass the line above).
    broken = copy.deepcopy(result)
    if broken["assignments"]:
        broken["assignments"][0]["fee"] += 1
    else:
        broken["unmatched"].append({"need": "N-unknown", "reason": "capacity"})
    assert validate_result(doc, broken) != []


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_experts=3, max_needs=4))
def test_primary_equals_brute_force_on_tiny_instances(doc):
    result = solve(doc, time_limit_s=10)
    best = brute_force_primary(doc)
    if best is None:
        assert result["status"] == "infeasible"
    else:
        assert result["status"] == "optimal"
        assert result["objective"]["primary"] == result["objective"]["primary_bound"] == best


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_weighted_stage_blocks_reach_the_same_lexicographic_values_as_stage_by_stage(doc):
    blocks = solve(doc, time_limit_s=10)
    one_by_one = solve(doc, options=SolveOptions(time_limit_s=10, max_block_scale=1))
    if blocks["status"] != "infeasible":
        assert blocks["objective"]["stages"] == one_by_one["objective"]["stages"]


@st.composite
def version2_instances(draw):
    """The random instances above with version 2 fields: offers, on-site days, homes, travel, the lead."""
    doc = draw(instances())
    doc["format"] = "kenmu.instance/2"
    doc["travel_yen_per_km"] = draw(st.sampled_from([0, 37, 500]))
    doc["lead"] = draw(st.sampled_from([["priority"], ["coverage", "priority"]]))
    places = [{"lat": 36.65, "lon": 138.18}, {"lat": 36.24, "lon": 137.97}, None]
    for e in doc["experts"]:
        e["home"] = draw(st.sampled_from(places))
    for n in doc["needs"]:
        n["location"] = draw(st.sampled_from(places))
        n["offered_fee"] = draw(st.sampled_from([None, 400_000, n["budget"]]))
        if n["offered_fee"] is not None:
            n["offered_fee"] = min(n["offered_fee"], n["budget"])
        if n["onsite_required"]:
            n["onsite_days"] = draw(st.integers(1, n["days_per_year"]))
        n["role"] = draw(st.sampled_from(["dx_supporter", "cio_adviser"]))
    return doc


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(version2_instances())
def test_random_version_2_results_pass_the_validator(doc):
    result = solve(doc, time_limit_s=10)
    assert validate_result(doc, result) == []
    if result["status"] != "infeasible":
        assert [x["name"] for x in result["objective"]["lead"]] == doc["lead"]


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(version2_instances())
def test_coverage_then_priority_equals_brute_force_on_tiny_instances(doc):
    doc["lead"] = ["coverage", "priority"]
    doc["needs"], doc["experts"] = doc["needs"][:4], doc["experts"][:3]
    names = {e["id"] for e in doc["experts"]}
    for key in ("pins", "forbids", "coi_overrides"):
        doc[key] = [p for p in doc[key] if p["expert"] in names and p.get("need", "N0") in {n["id"] for n in doc["needs"]}]
    for n in doc["needs"]:
        if n["current_expert"] not in names:
            n["current_expert"] = None
    result = solve(doc, time_limit_s=10)
    best = brute_force_primary(doc, key=lambda chosen: (len({r.municipality for _, r in chosen}),
                                                        sum(r.priority for _, r in chosen)))
    if best is None:
        assert result["status"] == "infeasible"
    else:
        assert result["status"] == "optimal"
        assert tuple(x["value"] for x in result["objective"]["lead"]) == best


def lexicographic_vector(inst, chosen) -> tuple:
    """Every stage of a complete assignment, in lexicographic order and each as a maximisation: the lead
    criteria, filled needs, then skill_fit ... travel (minimised stages negated). Coefficients per pair come
    from formulation.pair_scores and the bid weight from flags.bid_weight; the optimisation is brute force."""
    from matching.flags import ProcurementIndex, bid_weight
    from matching.formulation import pair_scores

    index = ProcurementIndex(inst)
    idx = [(inst.expert_index[e.id], inst.need_index[r.id]) for e, r in chosen]
    total = defaultdict(int)
    for e, r in idx:
        for name, coef in pair_scores(inst, e, r).items():
            total[name] += coef
    served = {(e, inst.needs[r].municipality) for e, r in idx}
    bid = sum(bid_weight(inst, e, m, index) for e, m in served)
    lead = {"priority": total["primary"], "coverage": len({r.municipality for _, r in chosen})}
    return (tuple(lead[name] for name in inst.lead) + (len(chosen), total["skill_fit"], -bid,
            total["keep_current"], total["keep_previous"], -total["fee"], -total["travel"]))


def result_vector(inst, result) -> tuple:
    stages = result["objective"]["stages"]
    values = {"priority": stages["primary"], "coverage": stages.get("coverage")}
    return (tuple(values[name] for name in inst.lead) + (stages["filled"], stages["skill_fit"],
            -stages["bid_restrictions"], stages["keep_current"], stages["keep_previous"], -stages["fee"],
            -stages["travel"]))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(version2_instances(), st.lists(st.tuples(st.integers(0, 2), st.integers(0, 3)), max_size=3))
def test_every_stage_equals_brute_force_on_tiny_version_2_instances(doc, previous):
    """The whole lexicographic vector (lead, filled needs, skill ... travel), not only the lead, against
    enumeration of every assignment; with either lead, several needs per municipality and kept pairs."""
    doc["needs"], doc["experts"] = doc["needs"][:4], doc["experts"][:3]
    names, need_ids = {e["id"] for e in doc["experts"]}, {n["id"] for n in doc["needs"]}
    for key in ("pins", "forbids", "coi_overrides"):
        doc[key] = [p for p in doc[key] if p["expert"] in names and p.get("need", "N0") in need_ids]
    for n in doc["needs"]:
        if n["current_expert"] not in names:
            n["current_expert"] = None
    doc["previous_assignments"] = [{"expert": f"E{e}", "need": f"N{r}"} for e, r in previous
                                   if f"E{e}" in names and f"N{r}" in need_ids]
    inst = load_instance(doc)
    result = solve(doc, time_limit_s=10)
    best = brute_force_primary(doc, key=lambda chosen: lexicographic_vector(inst, chosen))
    if best is None:
        assert result["status"] == "infeasible"
    else:
        assert result["status"] == "optimal"
        assert result_vector(inst, result) == best
