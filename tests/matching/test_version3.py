"""Exchange format version 3: both sides' preferences, the preference stage right after the lead, each
assignment's levels, and the blocking pairs exactly as the spec defines them (checked against brute force)."""

import copy
import json
import random
from unittest import mock

import pytest

from matching import (
    LATER_STAGES,
    RESULT_FORMAT_V3,
    InstanceError,
    SolveOptions,
    blocking_pairs,
    blocking_rules,
    formulation,
    greedy_solve,
    load_instance,
    solve,
    validate_result,
)
from matching.__main__ import main
from matching.eligibility import ExpertTable, candidates
from matching.flags import ProcurementIndex
from matching.formulation import (
    LEAD_HEAD,
    MAX_BLOCK_SCALE,
    PREFERENCE_BONUS,
    build,
    components,
    later_stages,
    modelled_pairs,
    stage_blocks,
    stage_range,
)
from matching.generate import generate
from matching.validate import Rules

from .conftest import expert, instance, need, pairs, solved


def v3(experts, needs, prefs=(), **over) -> dict:
    return instance(experts, needs, **{"format": "kenmu.instance/3", "preferences": list(prefs), **over})


def wish(need_id, expert_id, side, level) -> dict:
    return {"need": need_id, "expert": expert_id, "side": side, "level": level}


def both(need_id, expert_id, municipality, expert_level) -> list[dict]:
    return [wish(need_id, expert_id, "municipality", municipality), wish(need_id, expert_id, "expert", expert_level)]


def held(expert_id, need_id, *weekdays) -> dict:
    return {"expert": expert_id, "need": need_id, "weekdays": list(weekdays)}


def _error(doc) -> str:
    with pytest.raises(InstanceError) as info:
        load_instance(doc)
    return str(info.value)


# -- loading ---------------------------------------------------------------------------------------------

def test_bad_preferences_are_rejected_naming_the_entry():
    experts, needs = [expert("E1")], [need("N1")]
    assert "preferences[1]" in _error(v3(experts, needs, [wish("N1", "E1", "expert", 2), wish("N1", "E1", "expert", 1)]))
    assert "preferences[0].level" in _error(v3(experts, needs, [wish("N1", "E1", "expert", 4)]))
    assert "preferences[0].level" in _error(v3(experts, needs, [wish("N1", "E1", "expert", 0)]))
    assert "preferences[0].side" in _error(v3(experts, needs, [wish("N1", "E1", "coordinator", 2)]))
    message = _error(v3(experts, needs, [wish("N1", "E1", "expert", 2), wish("N9", "E1", "expert", 2)]))
    assert "preferences[1].need" in message and '"N9"' in message
    assert '"E7"' in _error(v3(experts, needs, [wish("N1", "E7", "municipality", 2)]))
    # One entry per side is fine.
    inst = load_instance(v3(experts, needs, both("N1", "E1", 3, 1)))
    assert (inst.pref_m, inst.pref_e, inst.version) == ({(0, 0): 3}, {(0, 0): 1}, 3)


@pytest.mark.parametrize("version", [1, 2])
def test_a_version_1_or_2_instance_ignores_preferences_and_answers_as_before(version):
    experts = [expert("E1", daily_rate=60_000), expert("E2", daily_rate=40_000)]
    plain = instance(experts, [need("N1"), need("N2", priority=1)], format=f"kenmu.instance/{version}")
    # Even a preferences field that version 3 would reject is ignored.
    wishing = {**plain, "preferences": both("N1", "E1", 3, 3) + [wish("N2", "E9", "nobody", 7)]}
    a, b = solved(plain), solved(wishing)
    for result in (a, b):
        result["stats"].pop("wall_time_s")
        for stage in result["stats"]["stages"]:
            stage.pop("seconds")
        result["stats"].pop("preprocessing_s")
    assert a == b and a["format"] == "kenmu.result/2"
    assert "preference" not in json.dumps(a) and "blocking_pairs" not in a


# -- the preference stage --------------------------------------------------------------------------------

def test_a_tie_in_the_lead_is_broken_by_preferences_before_skill_fit_and_fees():
    # E2 is cheaper and fits the desired skill; N1's municipality and E1 want each other.
    experts = [expert("E1", daily_rate=80_000, skills={}), expert("E2", daily_rate=30_000, skills={"data": 3})]
    needs = [need("N1", desired_skills={"data": 3})]
    assert pairs(solved(v3(experts, needs))) == {("E2", "N1")}
    result = solved(v3(experts, needs, both("N1", "E1", 3, 2)))
    assert pairs(result) == {("E1", "N1")}
    assert result["format"] == RESULT_FORMAT_V3
    assert result["assignments"][0]["preference"] == {"municipality": 3, "expert": 2}
    assert result["objective"]["preference"] == {"value": 5, "bound": 5}
    names = [s["name"] for s in result["stats"]["stages"]]
    assert names[:4] == ["primary", "filled", "preference", "skill_fit"]


def test_the_lead_outweighs_two_wishes_and_the_pair_is_reported():
    # E1 can take one need. N2 (priority 5) has no one else; N1's municipality and E1 want each other.
    experts = [expert("E1", max_engagements=1), expert("E2", skills={})]
    needs = [need("N1", priority=1), need("N2", priority=5, required_skills={"security": 3})]
    result = solved(v3(experts, needs, both("N1", "E1", 3, 3) + [wish("N2", "E1", "expert", 1)]))
    assert pairs(result) == {("E1", "N2"), ("E2", "N1")}
    assert result["blocking_pairs"] == [{"expert": "E1", "need": "N1", "municipality_level": 3, "expert_level": 3,
                                         "assigned_expert": "E2", "released_need": "N2"}]


def test_a_run_option_can_leave_the_stage_out_but_levels_and_blocking_pairs_stay():
    experts = [expert("E1", daily_rate=80_000), expert("E2", daily_rate=30_000)]
    doc = v3(experts, [need("N1")], both("N1", "E1", 3, 2))
    stages = tuple(s for s in LATER_STAGES if s != "preference")
    assert "preference" in LATER_STAGES
    result = solve(doc, options=SolveOptions(stages=stages))
    assert validate_result(doc, result) == []
    assert pairs(result) == {("E2", "N1")} and "preference" not in result["objective"]
    assert result["assignments"][0]["preference"] == {"municipality": 0, "expert": 0}
    assert [b["expert"] for b in result["blocking_pairs"]] == ["E1"]


def test_an_instance_without_wishes_still_has_the_stage_at_zero():
    result = solved(v3([expert()], [need()]))
    assert result["objective"]["preference"] == {"value": 0, "bound": 0} and result["blocking_pairs"] == []


def test_infeasible_version_3_result_has_null_preference_and_no_blocking_pairs():
    doc = v3([expert("E1", skills={})], [need("N1", required_skills={"data": 1})], both("N1", "E1", 3, 3),
             pins=[{"expert": "E1", "need": "N1"}])
    result = solved(doc)
    assert result["status"] == "infeasible" and result["format"] == RESULT_FORMAT_V3
    assert result["objective"]["preference"] == {"value": None, "bound": None} and result["blocking_pairs"] == []


# -- blocking pairs: the spec's cases on tiny instances ---------------------------------------------------

def test_3a_an_expert_with_room_and_a_municipality_that_wanted_them_more():
    doc = v3([expert("E1"), expert("E2")], [need("N1")], both("N1", "E1", 2, 1) + [wish("N1", "E2", "municipality", 1)])
    entry = {"expert": "E1", "need": "N1", "municipality_level": 2, "expert_level": 1, "assigned_expert": "E2",
             "released_need": None}
    assert blocking_pairs(doc, [held("E2", "N1", "mon")]) == [entry]
    assert blocking_pairs(doc, []) == [{**entry, "assigned_expert": None}]  # unassigned: L_m of nobody is 0
    # Equal wishes do not block: the municipality must prefer e strictly.
    doc["preferences"][2]["level"] = 2
    assert blocking_pairs(doc, [held("E2", "N1", "mon")]) == []
    # The expert side must say something (L_e >= 1).
    doc = v3([expert("E1"), expert("E2")], [need("N1")], [wish("N1", "E1", "municipality", 3)])
    assert blocking_pairs(doc, [held("E2", "N1", "mon")]) == []


def test_3a_reads_weekdays_as_written_and_a_pair_rules_1_to_8_forbid_never_blocks():
    experts = [expert("E1", weekdays=["mon", "tue"]), expert("E2")]
    needs = [need("N1", weekdays=["mon"]), need("N2", weekdays=["mon", "tue"])]
    doc = v3(experts, needs, both("N1", "E1", 3, 2))
    # mon is named for N2: not 3a; 3b releases N2 (wanted less), unless E1 wants it as much.
    assert [b["released_need"] for b in blocking_pairs(doc, [held("E1", "N2", "mon")])] == ["N2"]
    doc["preferences"].append(wish("N2", "E1", "expert", 2))
    assert blocking_pairs(doc, [held("E1", "N2", "mon")]) == []
    doc["needs"][0]["weekdays"] = ["mon", "tue"]
    assert [b["released_need"] for b in blocking_pairs(doc, [held("E1", "N2", "mon")])] == [None]
    assert blocking_pairs(doc, [held("E1", "N2", "mon", "tue")]) == []  # as written, even if N2 needs one day
    doc["forbids"] = [{"expert": "E1", "need": "N1"}]
    assert blocking_pairs(doc, []) == []


def test_3b_one_need_is_released_the_least_wanted_then_the_smallest_id():
    experts = [expert("E1", max_engagements=3), expert("E2")]
    needs = [need(n, weekly_days=0, days_per_year=6) for n in ("N1", "N2", "N3", "N4")]
    prefs = (both("N1", "E1", 3, 3) + [wish("N2", "E1", "expert", 2), wish("N3", "E1", "expert", 1),
                                       wish("N4", "E1", "expert", 1)])
    doc = v3(experts, needs, prefs)
    holdings = [held("E1", "N2"), held("E1", "N3"), held("E1", "N4")]
    assert [b["released_need"] for b in blocking_pairs(doc, holdings)] == ["N3"]
    # A need wanted as much as r is not released (E1 wants N1 at 1 now); nor a pin, nor a fixed assignment.
    doc["preferences"][1]["level"] = 1
    assert blocking_pairs(doc, holdings) == []
    doc["preferences"][1]["level"] = 3
    doc["pins"] = [{"expert": "E1", "need": "N3"}]
    doc["fixed_assignments"] = [{"expert": "E1", "need": "N4", "weekdays": []}]
    assert [b["released_need"] for b in blocking_pairs(doc, holdings)] == ["N2"]
    doc["preferences"][2]["level"] = 3
    assert blocking_pairs(doc, holdings) == []
    # Released weekdays count as free: E1 works mon only, on N2.
    doc = v3([expert("E1", weekdays=["mon"])], [need("N1"), need("N2")],
             both("N1", "E1", 1, 2) + [wish("N2", "E1", "expert", 1)])
    assert [b["released_need"] for b in blocking_pairs(doc, [held("E1", "N2", "mon")])] == ["N2"]


def test_pins_and_fixed_assignments_of_r_are_never_blocked():
    doc = v3([expert("E1"), expert("E2")], [need("N1")], both("N1", "E1", 3, 3))
    assert len(blocking_pairs(doc, [held("E2", "N1", "mon")])) == 1
    for extra in ({"pins": [{"expert": "E2", "need": "N1"}]},
                  {"fixed_assignments": [{"expert": "E2", "need": "N1", "weekdays": ["mon"]}]}):
        assert blocking_pairs({**doc, **extra}, [held("E2", "N1", "mon")]) == []
        result = solved({**doc, **extra})
        assert pairs(result) == {("E2", "N1")} and result["blocking_pairs"] == []


def test_blocking_pairs_are_sorted_by_need_then_expert_by_code_point():
    experts = [expert(e) for e in ("e1", "E2", "E10")]
    needs = [need(n, weekly_days=0, days_per_year=3) for n in ("n1", "N2", "N10")]
    prefs = [w for n in ("n1", "N2", "N10") for e in ("e1", "E2", "E10") for w in both(n, e, 2, 1)]
    listed = [(b["need"], b["expert"]) for b in blocking_pairs(v3(experts, needs, prefs), [])]
    assert listed == sorted(listed) and listed[0] == ("N10", "E10") and listed[-1] == ("n1", "e1")


# -- blocking pairs against brute force -------------------------------------------------------------------

def brute_force(doc: dict, assignments: list[dict]) -> list[dict]:
    """Every (expert, need) pair and every single released need, straight from the spec's text."""
    inst = load_instance(doc)
    rules = Rules(inst)
    lm = {(p["expert"], p["need"]): p["level"] for p in doc["preferences"] if p["side"] == "municipality"}
    le = {(p["expert"], p["need"]): p["level"] for p in doc["preferences"] if p["side"] == "expert"}
    fixed = {(p["expert"], p["need"]) for p in doc.get("pins", []) + doc.get("fixed_assignments", [])}
    holder = {a["need"]: a["expert"] for a in assignments}
    needs = {n["id"]: n for n in doc["needs"]}

    def fits(ex: dict, r: dict, mine: list[dict]) -> bool:
        named = {d for a in mine for d in a["weekdays"]}
        free = [d for d in ex["weekdays"] if d in r["weekdays"] and d not in named]
        return (len(mine) + 1 <= ex["max_engagements"]
                and sum(needs[a["need"]]["days_per_year"] for a in mine) + r["days_per_year"] <= ex["capacity_days"]
                and (r["weekly_days"] == 0 or len(free) >= r["weekly_days"]))

    out = []
    for ex in doc["experts"]:
        for r in doc["needs"]:
            e_id, r_id, a_r = ex["id"], r["id"], holder.get(r["id"])
            allowed = not rules.broken(inst.experts[inst.expert_index[e_id]], inst.needs[inst.need_index[r_id]])
            if a_r == e_id or not allowed or (a_r, r_id) in fixed:
                continue
            if not lm.get((e_id, r_id), 0) > (lm.get((a_r, r_id), 0) if a_r else 0) or le.get((e_id, r_id), 0) < 1:
                continue
            mine = [a for a in assignments if a["expert"] == e_id]
            if fits(ex, r, mine):
                released = None
            else:
                options = sorted((le.get((e_id, a["need"]), 0), a["need"]) for a in mine
                                 if (e_id, a["need"]) not in fixed and le.get((e_id, a["need"]), 0) < le[(e_id, r_id)]
                                 and fits(ex, r, [b for b in mine if b is not a]))
                if not options:
                    continue
                released = options[0][1]
            out.append({"expert": e_id, "need": r_id, "municipality_level": lm[(e_id, r_id)],
                        "expert_level": le[(e_id, r_id)], "assigned_expert": a_r, "released_need": released})
    return sorted(out, key=lambda b: (b["need"], b["expert"]))


def random_case(seed: int) -> tuple[dict, list[dict]]:
    """A small random instance with random wishes, pins, and a random result that keeps rules 9-11."""
    rng = random.Random(seed)
    days = ["mon", "tue", "wed", "thu", "fri"]
    experts = [expert(f"E{i}", max_engagements=rng.randint(1, 3), capacity_days=rng.choice((48, 96, 144)),
                      weekdays=sorted(rng.sample(days, rng.randint(1, 4)), key=days.index),
                      skills={"security": rng.randint(0, 3)}) for i in range(1, rng.randint(3, 6))]
    needs = [need(f"N{i}", weekly_days=(k := rng.choice((0, 1, 1, 2))), days_per_year=48 * k or 6,
                  weekdays=sorted(rng.sample(days, rng.randint(2, 5)), key=days.index),
                  required_skills={"security": rng.randint(0, 2)}) for i in range(1, rng.randint(3, 7))]
    prefs = [wish(n["id"], e["id"], side, rng.randint(1, 3)) for n in needs for e in experts
             for side in ("municipality", "expert") if rng.random() < 0.5]
    assignments, load = [], {e["id"]: (0, 0, set()) for e in experts}
    for n in needs:
        e = rng.choice(experts)
        count, used, named = load[e["id"]]
        free = [d for d in e["weekdays"] if d in n["weekdays"] and d not in named]
        if (rng.random() < 0.7 and count < e["max_engagements"] and used + n["days_per_year"] <= e["capacity_days"]
                and len(free) >= n["weekly_days"]):
            chosen = rng.sample(free, n["weekly_days"])
            assignments.append(held(e["id"], n["id"], *chosen))
            load[e["id"]] = (count + 1, used + n["days_per_year"], named | set(chosen))
    doc = v3(experts, needs, prefs)
    some = rng.sample(assignments, min(len(assignments), rng.randint(0, 2)))
    doc["pins"] = [{"expert": a["expert"], "need": a["need"]} for a in some[:1]]
    doc["fixed_assignments"] = [dict(a) for a in some[1:]]
    return doc, assignments


@pytest.mark.parametrize("seed", range(60))
def test_blocking_pairs_agree_with_brute_force_on_random_results(seed):
    doc, assignments = random_case(seed)
    assert blocking_pairs(doc, assignments) == brute_force(doc, assignments)


@pytest.mark.parametrize("seed", range(4))
def test_solved_results_report_exactly_the_brute_force_blocking_pairs(seed):
    doc, _ = random_case(100 + seed)
    result = solved(doc)  # the validator also recomputes the pairs by its own transcription
    assert result["blocking_pairs"] == brute_force(doc, result["assignments"])
    if result["status"] != "infeasible":
        assert result["objective"]["preference"]["bound"] >= result["objective"]["preference"]["value"]


# -- the check command, the greedy baseline and the generator ----------------------------------------------

def test_check_catches_a_wrong_blocking_pair_list_and_a_wrong_preference_value(tmp_path, capsys):
    doc = v3([expert("E1", max_engagements=1), expert("E2", skills={})],
             [need("N1", priority=1), need("N2", priority=5, required_skills={"security": 3})],
             both("N1", "E1", 3, 3) + [wish("N2", "E1", "expert", 1)])
    result = solved(doc)
    (tmp_path / "i.json").write_text(json.dumps(doc))
    out = tmp_path / "r.json"

    def check(res: dict) -> tuple[int, str]:
        out.write_text(json.dumps(res))
        code = main(["check", str(tmp_path / "i.json"), str(out)])
        return code, capsys.readouterr().out

    assert check(result)[0] == 0
    code, text = check({**result, "blocking_pairs": []})
    assert code == 1 and "blocking pair missing: expert E1 for need N1" in text
    invented = {"expert": "E2", "need": "N2", "municipality_level": 0, "expert_level": 0, "assigned_expert": "E1",
                "released_need": None}
    code, text = check({**result, "blocking_pairs": result["blocking_pairs"] + [invented]})
    assert code == 1 and "blocking pair invented: expert E2 for need N2" in text
    wrong = copy.deepcopy(result)
    wrong["objective"]["preference"]["value"] += 1
    wrong["assignments"][0]["preference"]["expert"] = 3
    code, text = check(wrong)
    assert code == 1 and "objective.preference value" in text and "preference {'municipality'" in text
    code, text = check({**result, "format": "kenmu.result/2"})
    assert code == 1 and "kenmu.result/3" in text


def test_the_greedy_baseline_answers_version_3_with_a_valid_bound():
    doc = v3([expert("E1"), expert("E2")], [need("N1"), need("N2")], both("N1", "E2", 3, 3) + both("N2", "E1", 1, 1))
    result = greedy_solve(doc)
    assert validate_result(doc, result) == []
    assert result["objective"]["preference"]["bound"] >= 8


def need_standing_reasons(doc: dict) -> dict[str, str | None]:
    """Per need, None when some expert passes rules 1-8."""
    rules = blocking_rules(doc)
    return {n["id"]: None if any(rules[e["id"], n["id"]] is None for e in doc["experts"]) else "none"
            for n in doc["needs"]}


def test_a_generated_version_3_instance_is_version_2_plus_wishes_and_solves():
    doc = generate("prefecture", seed=3, prefecture="31", version=3)
    assert doc == generate("prefecture", seed=3, prefecture="31", version=3)
    plain = generate("prefecture", seed=3, prefecture="31", version=2)
    assert {k: v for k, v in doc.items() if k not in ("format", "preferences", "generator")} == {
        k: v for k, v in plain.items() if k not in ("format", "generator")}
    sides = {p["side"] for p in doc["preferences"]}
    firsts = {p["need"] for p in doc["preferences"] if p["side"] == "municipality" and p["level"] == 3}
    with_candidates = {r for r, reason in need_standing_reasons(doc).items() if reason is None}
    assert sides == {"municipality", "expert"} and firsts <= with_candidates and len(firsts) > len(with_candidates) / 2
    result = solved(doc)
    assert result["format"] == RESULT_FORMAT_V3 and result["objective"]["preference"]["value"] > 0


def test_version_3_blocks_carry_the_lead_without_filled_needs_and_keep_their_weights():
    """With the preference stage the first block carries the priorities (filled needs kept by a row), so the
    stages before the cost stages still share one block; every weight still outweighs all below it."""
    inst = load_instance(generate("prefecture", seed=4, prefecture="20", version=3, wishing_share=1.0))
    comp = components(inst, modelled_pairs(inst, candidates(inst, ExpertTable(inst))))[0]
    model = build(inst, comp, ProcurementIndex(inst))
    blocks = stage_blocks(model, later_stages(inst))
    assert blocks[0].stages[0] == "preference" and blocks[0].lead_row == "filled"
    assert [s for b in blocks for s in b.stages] == [n for n, _ in later_stages(inst)]
    for block in blocks:
        names = ([LEAD_HEAD] if block.lead_row else ["lead"] if block.carries_lead else []) + list(block.stages)
        if block.lead_row:  # the preference stage with the bonus per filled need (formulation._preference_bonus)
            names[1] = PREFERENCE_BONUS
            assert stage_range(model, PREFERENCE_BONUS) > stage_range(model, "preference")
        weight, below = 1, 0
        for name in reversed(names):
            assert weight > below
            below += weight * stage_range(model, name)
            weight *= stage_range(model, name) + 1
        assert weight <= MAX_BLOCK_SCALE["scip"]


def test_the_first_block_gives_up_no_filled_need_for_wishes():
    """Equal priorities either way: N1 alone (priority 2, E1's whole capacity) or N2 and N3 (priority 1 each). The
    lead takes the two needs; N1 and E1 want each other. The first block is solved without the row that keeps the
    filled needs: the bonus per filled need makes its optimum keep them (no second solve); without the bonus it
    takes N1 for the wishes, fails the lead and is solved again under the row, with the same answer."""
    experts = [expert("E1", capacity_days=40)]
    needs = [need("N1", priority=2, days_per_year=40), need("N2", priority=1, days_per_year=20),
             need("N3", priority=1, days_per_year=20)]
    doc = v3(experts, needs, both("N1", "E1", 3, 3))
    result = solved(doc)
    assert pairs(result) == {("E1", "N2"), ("E1", "N3")} and result["stats"]["lead_row_retries"] == 0
    with mock.patch.object(formulation, "MAX_FILLED_BONUS", 0):
        again = solved(doc)
    assert pairs(again) == {("E1", "N2"), ("E1", "N3")} and again["stats"]["lead_row_retries"] == 1
    assert again["objective"]["stages"] == result["objective"]["stages"]
    assert again["status"] == "optimal"
