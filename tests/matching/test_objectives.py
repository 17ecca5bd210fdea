"""The lexicographic order: primary first, then skill fit, bid restrictions, current expert, previous, fee, travel."""

from .conftest import expert, instance, need, pairs, solved


def test_primary_beats_every_later_stage():
    # E1 is cheap but can take one need; covering both needs requires the dear E2 on one of them.
    doc = instance([expert("E1", daily_rate=10_000, max_engagements=1), expert("E2", daily_rate=90_000,
                                                                             max_engagements=1)],
                   [need("N1", priority=3), need("N2", priority=3)])
    assert len(solved(doc)["assignments"]) == 2


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
    assert [s["name"] for s in stages] == ["primary", "skill_fit", "bid_restrictions", "keep_current",
                                           "keep_previous", "fee", "travel"]
    assert stages[0]["status"] == "optimal" and stages[0]["gap"] == 0 and "seconds" in stages[0]


def test_stage_block_weights_let_no_lower_stage_outweigh_one_unit_above():
    from matching import load_instance
    from matching.eligibility import ExpertTable, candidates
    from matching.flags import ProcurementIndex
    from matching.formulation import STAGES, build, components, modelled_pairs, stage_blocks, stage_range
    from matching.generate import generate

    inst = load_instance(generate("prefecture", seed=4, prefecture="20"))
    comp = components(inst, modelled_pairs(inst, candidates(inst, ExpertTable(inst))))[0]
    model = build(inst, comp, ProcurementIndex(inst))
    blocks = stage_blocks(model, list(STAGES[1:]))
    assert blocks[0].leads_with_primary and blocks[0].stages[0] == "skill_fit"
    assert [s for b in blocks for s in b.stages] == [n for n, _ in STAGES[1:]]
    # In each block, the coefficient a pair gets is the weighted sum; the primary weight must exceed the
    # summed ranges of every stage of the block (weighted), so one unit of priority always wins.
    first = blocks[0]
    lower = 0
    weight = 1
    for name in reversed(first.stages):
        lower += weight * stage_range(model, name)
        weight *= stage_range(model, name) + 1
    assert weight > lower
    # Splitting at a tiny scale gives one stage per block, each kept afterwards by a row.
    assert all(len(b.stages) == 1 and not b.leads_with_primary
               for b in stage_blocks(model, list(STAGES[1:]), max_scale=1))
