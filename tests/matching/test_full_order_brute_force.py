"""The whole lexicographic order against brute force on tiny instances: the lead and every later stage.

`test_properties.py` checks the lead alone against enumeration; here every stage value the solver reports is
the best one over all assignments that keep the hard rules, compared lexicographically in the documented
order (docs/matching.md, "Lexicographic order"). Each stage is recomputed from its definition with the
validator's spec functions, which share no code with the solver's formulation.
"""

import math
from unittest import mock

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matching import SolveOptions, formulation, load_instance, solve
from matching.validate import expected_flags, spec_fee, spec_km, spec_travel_cost

from .conftest import expert, instance, need
from .test_properties import feasible_assignments, instances, version2_instances

PLACES = [{"lat": 36.65, "lon": 138.18}, {"lat": 36.24, "lon": 137.97}, {"lat": 35.0, "lon": 139.0}]

# (stage, +1 to maximise / -1 to minimise), the later stages in the documented order.
LATER = [("skill_fit", 1), ("bid_restrictions", -1), ("keep_current", 1), ("keep_previous", 1), ("fee", -1),
         ("travel", -1)]


def _stage_values(inst, chosen) -> dict[str, int]:
    previous = {(p["expert"], p["need"]) for p in getattr(inst, "previous_assignments", ()) or ()}
    flags = expected_flags(inst, chosen)
    return {
        # version 3: L_m + L_e of each assigned pair (0 below version 3, where the stage does not exist)
        "preference": sum(inst.pref_m.get((inst.expert_index[e.id], inst.need_index[r.id]), 0)
                          + inst.pref_e.get((inst.expert_index[e.id], inst.need_index[r.id]), 0) for e, r in chosen),
        "coverage": len({r.municipality for _, r in chosen}),
        "priority": sum(r.priority for _, r in chosen),
        "filled": len(chosen),
        "skill_fit": sum(min(e.skills.get(s, 0), lvl) for e, r in chosen for s, lvl in r.desired_skills.items()),
        "bid_restrictions": sum(len(f["procurements"]) for f in flags if f["kind"] == "bid_restriction"),
        "keep_current": sum(1 for e, r in chosen if r.current_expert == e.id and not r.replacement_requested),
        "keep_previous": sum(1 for e, r in chosen if (e.id, r.id) in previous),
        "fee": sum(math.floor(1_000 * (spec_fee(e, r) + spec_travel_cost(inst, e, r)) / r.budget)
                   for e, r in chosen if r.budget),
        "travel": sum(round(spec_km(e.home, r.location) * r.onsite_days / 100) for e, r in chosen
                      if r.onsite_days and e.home is not None and r.location is not None),
    }


def brute_force_order(doc):
    """The lexicographically best stage values over every assignment that keeps the hard rules; None if the
    pins cannot hold."""
    inst = load_instance(doc)
    order = [(name, 1) for name in inst.lead] + [("filled", 1)] + [("preference", 1)] * (inst.version >= 3) + LATER
    best, best_key = None, None
    for chosen in feasible_assignments(inst):
        values = _stage_values(inst, chosen)
        key = tuple(sign * values[name] for name, sign in order)
        if best_key is None or key > best_key:
            best, best_key = values, key
    return best


@st.composite
def ties(draw):
    """Tiny instances where most experts may take most needs, so many assignments tie on the lead and the
    later stages decide: rates, skills, vendors with planned procurements, current experts, homes, offers."""
    n_e, n_r = draw(st.integers(2, 3)), draw(st.integers(1, 4))
    experts = [expert(
        f"E{i}", capacity_days=draw(st.sampled_from([48, 96, 240])), max_engagements=draw(st.integers(1, 3)),
        weekdays=draw(st.sampled_from([["mon", "tue", "wed", "thu", "fri"], ["mon", "tue"], ["wed"]])),
        daily_rate=draw(st.sampled_from([20_000, 40_000, 50_000])),
        skills=draw(st.sampled_from([{"security": 1}, {"security": 3, "data": 2}, {"data": 1}])),
        affiliations=draw(st.sampled_from([[], [{"vendor": "V01", "relation": "employee"}],
                                           [{"vendor": "V02", "relation": "side_job"}]])),
        home=draw(st.sampled_from(PLACES))) for i in range(n_e)]
    needs = []
    for i in range(n_r):
        m = draw(st.sampled_from(["202011", "202029"]))
        onsite = draw(st.booleans())
        needs.append(need(
            f"N{i}", municipality=m, location=draw(st.sampled_from(PLACES)), weekly_days=1, days_per_year=48,
            budget=draw(st.sampled_from([3_000_000, 5_000_000])), priority=draw(st.sampled_from([3, 3, 4])),
            desired_skills=draw(st.sampled_from([{}, {"security": 2}, {"data": 2, "security": 1}])),
            onsite_required=onsite, onsite_days=draw(st.sampled_from([4, 48])) if onsite else 0,
            offered_fee=draw(st.sampled_from([None, 2_500_000])),
            current_expert=draw(st.sampled_from([None] + [f"E{k}" for k in range(n_e)])),
            replacement_requested=False))
    procurements = [{"id": "P1", "municipality": "202011", "category": "operations", "status": "planned",
                     "incumbent_vendor": None},
                    {"id": "P2", "municipality": "202029", "category": "audit", "status": "planned",
                     "incumbent_vendor": None}]
    return instance(experts, needs, format="kenmu.instance/2",
                    travel_yen_per_km=draw(st.sampled_from([0, 37])), procurements=procurements,
                    lead=draw(st.sampled_from([["priority"], ["coverage", "priority"]])))


def _tiny(doc):
    doc["needs"], doc["experts"] = doc["needs"][:4], doc["experts"][:3]
    names, needs = {e["id"] for e in doc["experts"]}, {n["id"] for n in doc["needs"]}
    for key in ("pins", "forbids", "coi_overrides"):
        doc[key] = [p for p in doc[key] if p["expert"] in names and p.get("need", next(iter(needs))) in needs]
    for n in doc["needs"]:
        if n["current_expert"] not in names:
            n["current_expert"] = None
    return doc


def _check(doc):
    result = solve(doc, time_limit_s=10)
    best = brute_force_order(doc)
    if best is None:
        assert result["status"] == "infeasible"
        return
    assert result["status"] == "optimal"
    lead = {x["name"]: x["value"] for x in result["objective"]["lead"]}
    got = {**lead, "filled": len(result["assignments"]), **result["objective"]["stages"]}
    compared = [name for name in best if (name != "coverage" or name in lead)  # coverage is reported when it leads
                and (name != "preference" or doc["format"] == "kenmu.instance/3")]
    assert {name: got[name] for name in compared} == {name: best[name] for name in compared}


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ties())
def test_every_stage_equals_brute_force_where_the_later_stages_decide(doc):
    _check(doc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances(max_experts=3, max_needs=4))
def test_every_stage_equals_brute_force_on_tiny_version_1_instances(doc):
    _check(doc)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(version2_instances())
def test_every_stage_equals_brute_force_on_tiny_version_2_instances(doc):
    _check(_tiny(doc))


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ties(), st.data())
def test_every_stage_equals_brute_force_on_tiny_version_3_instances(doc, data):
    """Version 3: the preference stage right after the filled needs, then every later stage, against
    enumeration; and the blocks (the first carrying the lead without its filled needs) against stage by stage."""
    levels = st.sampled_from([0, 0, 1, 2, 3])
    doc["format"] = "kenmu.instance/3"
    doc["preferences"] = [{"need": n["id"], "expert": e["id"], "side": side, "level": level}
                          for n in doc["needs"] for e in doc["experts"] for side in ("municipality", "expert")
                          if (level := data.draw(levels))]
    _check(doc)
    blocks = solve(doc, time_limit_s=10)
    one_by_one = solve(doc, options=SolveOptions(time_limit_s=10, max_block_scale=1))
    assert blocks["objective"]["stages"] == one_by_one["objective"]["stages"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ties(), st.data())
def test_version_3_without_the_filled_bonus_retries_under_the_row_and_still_equals_brute_force(doc, data):
    """The first version 3 block is solved without the row that keeps the filled needs; where its optimum gives a
    filled need up for wishes, the row is added and the block solved again. With no bonus (MAX_FILLED_BONUS = 0)
    that second solve is frequent: every stage must still equal enumeration and stage by stage."""
    levels = st.sampled_from([0, 3, 3, 2, 1])
    doc["format"] = "kenmu.instance/3"
    doc["preferences"] = [{"need": n["id"], "expert": e["id"], "side": side, "level": level}
                          for n in doc["needs"] for e in doc["experts"] for side in ("municipality", "expert")
                          if (level := data.draw(levels))]
    with mock.patch.object(formulation, "MAX_FILLED_BONUS", 0):
        _check(doc)
        blocks = solve(doc, time_limit_s=10)
    one_by_one = solve(doc, options=SolveOptions(time_limit_s=10, max_block_scale=1))
    assert blocks["objective"]["stages"] == one_by_one["objective"]["stages"]
