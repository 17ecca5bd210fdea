"""The lexicographic order: primary first, then filled needs, skill fit, bid restrictions, current expert,
previous, fee, travel."""

import pytest

from matching import load_instance
from matching.eligibility import ExpertTable, candidates
from matching.flags import ProcurementIndex
from matching.formulation import (
    COVERAGE,
    _greedy_groups,
    build,
    components,
    later_stages,
    modelled_pairs,
    stage_blocks,
    stage_range,
)
from matching.generate import generate

from .conftest import expert, instance, need, pairs, solved


def test_primary_beats_every_later_stage():
    # E1 is cheap but can take one need; covering both needs requires the dear E2 on one of them.
    doc = instance([expert("E1", daily_rate=10_000, max_engagements=1), expert("E2", daily_rate=90_000,
                                                                             max_engagements=1)],
                   [need("N1", priority=3), need("N2", priority=3)])
    assert len(solved(doc)["assignments"]) == 2


def test_no_gain_below_costs_a_filled_need():
    # E1 has room for N1 alone (priority 2, with the desired skill) or for N2 and N3 (priority 1 each): the
    # primary ties at 2, and skill fit would pick N1, but filling two needs comes first.
    doc = instance([expert("E1", capacity_days=96, skills={"planning": 3})],
                   [need("N1", priority=2, days_per_year=96, weekly_days=2, desired_skills={"planning": 3}),
                    need("N2", priority=1), need("N3", priority=1)])
    result = solved(doc)
    assert pairs(result) == {("E1", "N2"), ("E1", "N3")}
    assert result["objective"]["primary"] == 2 and result["objective"]["stages"]["filled"] == 2


def test_skill_fit_on_desired_skills_picks_the_better_expert():
    doc = instance([expert("E1", skills={"security": 3}, daily_rate=10_000),
                    expert("E2", skills={"security": 3, "data": 3}, daily_rate=90_000)],
                   [need("N1", desired_skills={"data": 2})])
    assert pairs(solved(doc)) == {("E2", "N1")}


def test_fewer_bid_restrictions_on_planned_procurements():
    procs = [{"id": "P1", "municipality": "202011", "category": "audit", "status": "planned", "incumbent_vendor": None}]
    doc = instance([expert("E1", daily_rate=10_000, affiliations=[{"vendor": "V01", "relation": "employee"}]),
                    expert("E2", daily_rate=90_000)], [need("N1")], procurements=procs)
    result = solved(doc)
    assert pairs(result) == {("E2", "N1")} and result["flags"] == []


def test_keeps_current_expert_unless_replacement_requested():
    experts = [expert("E1", daily_rate=10_000), expert("E2", daily_rate=90_000)]
    assert pairs(solved(instance(experts, [need("N1", current_expert="E2")]))) == {("E2", "N1")}


def test_previous_assignments_are_preferred_over_fees():
    experts = [expert("E1", daily_rate=10_000), expert("E2", daily_rate=90_000)]
    doc = instance(experts, [need("N1")], previous_assignments=[{"expert": "E2", "need": "N1"}])
    assert pairs(solved(doc)) == {("E2", "N1")}


def test_lower_fee_relative_to_budget():
    experts = [expert("E1", daily_rate=60_000), expert("E2", daily_rate=40_000)]
    result = solved(instance(experts, [need("N1")]))
    assert pairs(result) == {("E2", "N1")} and result["assignments"][0]["fee"] == 1_920_000


def test_less_onsite_travel_breaks_the_last_tie():
    far = expert("E1", home={"lat": 43.06, "lon": 141.35})
    near = expert("E2", home={"lat": 36.65, "lon": 138.18})
    doc = instance([far, near], [need("N1", onsite_required=True, location={"lat": 36.64, "lon": 138.19})])
    assert pairs(solved(doc)) == {("E2", "N1")}


def test_stats_report_every_stage_with_time_status_and_gap():
    result = solved(instance([expert()], [need()]))
    stages = result["stats"]["stages"]
    assert [s["name"] for s in stages] == ["primary", "filled", "skill_fit", "bid_restrictions", "keep_current",
                                           "keep_previous", "fee", "travel"]
    assert stages[0]["status"] == "optimal" and stages[0]["gap"] == 0 and "seconds" in stages[0]


def _largest(prefecture="20", seed=4, **generate_args):
    """A generated prefecture instance and the model of its largest component."""
    inst = load_instance(generate("prefecture", seed=seed, prefecture=prefecture, **generate_args))
    comp = components(inst, modelled_pairs(inst, candidates(inst, ExpertTable(inst))))[0]
    return inst, build(inst, comp, ProcurementIndex(inst))


def test_stage_block_weights_let_no_lower_stage_outweigh_one_unit_above():
    inst, model = _largest()
    later = later_stages(inst)
    blocks = stage_blocks(model, later)
    assert [s for b in blocks for s in b.stages] == [n for n, _ in later]
    # In each block the coefficient of a pair is the weighted sum of its stage scores: every stage's weight
    # must exceed the weighted ranges of all stages below it, so one unit above always wins.
    for block in blocks:
        names = (["lead"] if block.carries_lead else []) + list(block.stages)
        weight, below = 1, 0
        for name in reversed(names):
            assert weight > below
            below += weight * stage_range(model, name)
            weight *= stage_range(model, name) + 1
        by_var = dict(block.terms)
        assert any(by_var.get(v) for v, _ in model.objectives[names[0]])
    # Splitting at a tiny scale gives one stage per block, each kept afterwards by a row.
    assert all(len(b.stages) == 1 and not b.carries_lead for b in stage_blocks(model, later, max_scale=1))


@pytest.mark.parametrize(("version", "offered"), [(1, False), (2, True)])
def test_the_model_knows_its_municipalities_and_whether_fees_are_offered(version, offered):
    """Version 1 has no offered fees, so the plan of the later stages must not be the one for offered fees (a
    positional mix-up once gave every component offered_fees = its municipality count and slowed 北海道 2.5×)."""
    inst, model = _largest("01", seed=1, version=version)
    assert model.offered_fees is offered
    assert model.municipalities == len({inst.needs[r].municipality for r in model.component.needs}) > 1


def test_coverage_ranges_over_municipalities_not_candidate_pairs():
    """Coverage counts a municipality once, however many candidates its needs have. Counting every pair
    (national pool: 12,985 against 831 municipalities) left keep_current no room in the first block under the
    coverage lead, and its block of its own took 6.8 s."""
    _, model = _largest("01", seed=1, version=2, lead=("coverage", "priority"))
    assert sum(c for _, c in model.objectives[COVERAGE]) > model.municipalities
    assert stage_range(model, COVERAGE) == model.municipalities


def test_fee_and_travel_start_a_block_of_their_own_unless_they_fit_the_first():
    inst, model = _largest()
    names = [n for n, _ in later_stages(inst)]
    first = ["lead", "skill_fit", "bid_restrictions"]
    scale = 1
    for name in first:
        scale *= stage_range(model, name) + 1
    # keep_current does not fit the first block; it must not pull fee into its block (it did: [keep_current,
    # keep_previous, fee], then [travel]).
    assert _greedy_groups(model, names, ["lead"], scale) == [first, ["keep_current", "keep_previous"],
                                                              ["fee", "travel"]]
    # When everything fits the first block, nothing is split.
    assert [b.stages for b in stage_blocks(model, later_stages(inst))] == [tuple(names)]

