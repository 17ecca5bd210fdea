"""Exchange format version 2: offered fees, travel in the budget, employment forms, form notices, the
coverage lead, and the refusals of bad version 2 input."""

import copy
import json
import math

import pytest

from matching import InstanceError, load_instance, solve, validate_result
from matching.__main__ import main

from .conftest import expert, instance, need, pairs, reasons, solved

NAGANO = {"lat": 36.6513, "lon": 138.1810}
MATSUMOTO = {"lat": 36.2380, "lon": 137.9720}


def v2(experts, needs, **over) -> dict:
    return instance(experts, needs, **{"format": "kenmu.instance/2", **over})


def round_trip_yen(a: dict, b: dict, per_km: int) -> int:
    """floor(2 x km x rate + 0.5) with the haversine distance, written out here from the spec."""
    p1, p2 = math.radians(a["lat"]), math.radians(b["lat"])
    dp, dl = p2 - p1, math.radians(b["lon"] - a["lon"])
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return math.floor(2 * 2 * 6371.0 * math.asin(math.sqrt(h)) * per_km + 0.5)


def _error(doc) -> str:
    with pytest.raises(InstanceError) as info:
        load_instance(doc)
    return str(info.value)


# -- rule 6 with offered fees and travel --------------------------------------------------------------

def test_an_offered_fee_is_paid_whoever_fills_the_post():
    doc = v2([expert("E1", daily_rate=40_000)], [need("N1", offered_fee=2_400_000, budget=2_600_000)])
    assert solved(doc)["assignments"][0]["fee"] == 2_400_000


def test_an_offer_below_what_the_expert_accepts_is_over_budget_and_says_so():
    # 60,000 x 48 = 2,880,000 is what E1 accepts; the municipality offers 2,400,000 with room in the budget.
    doc = v2([expert("E1", daily_rate=60_000)], [need("N1", offered_fee=2_400_000, budget=5_000_000)])
    result = solved(doc)
    assert reasons(result) == {"N1": "over_budget"}
    detail = result["unmatched"][0]["detail"]
    assert "accept" in detail and "2,400,000" in detail and "2,880,000" in detail


def test_travel_counts_inside_the_budget():
    trip = round_trip_yen(MATSUMOTO, NAGANO, 37)
    fee, onsite = 2_400_000, 24
    fits = v2([expert("E1", home=MATSUMOTO)],
              [need("N1", onsite_required=True, onsite_days=onsite, offered_fee=fee, budget=fee + onsite * trip,
                    location=NAGANO)], travel_yen_per_km=37)
    result = solved(fits)
    assert result["assignments"][0]["travel_cost"] == onsite * trip
    too_tight = copy.deepcopy(fits)
    too_tight["needs"][0]["budget"] -= 1
    result = solved(too_tight)
    assert reasons(result) == {"N1": "over_budget"}
    detail = result["unmatched"][0]["detail"]
    assert "travel" in detail and f"{fee + onsite * trip:,}" in detail and f"{fee + onsite * trip - 1:,}" in detail


def test_onsite_days_default_to_every_working_day_of_an_onsite_need():
    trip = round_trip_yen(MATSUMOTO, NAGANO, 10)
    doc = v2([expert("E1", home=MATSUMOTO)], [need("N1", onsite_required=True, location=NAGANO)],
             travel_yen_per_km=10)
    assert solved(doc)["assignments"][0]["travel_cost"] == 48 * trip


def test_no_travel_cost_without_a_rate_a_home_or_onsite_days():
    base = dict(onsite_required=True, location=NAGANO)
    for doc in (v2([expert("E1", home=MATSUMOTO)], [need("N1", **base)]),
                v2([expert("E1")], [need("N1", **base)], travel_yen_per_km=37),
                v2([expert("E1", home=MATSUMOTO)], [need("N1", location=NAGANO)], travel_yen_per_km=37)):
        assert solved(doc)["assignments"][0]["travel_cost"] == 0


def test_the_cost_stage_minimises_fee_plus_travel_relative_to_budget():
    # E1 asks less (1,920,000) but lives far; E2 asks 2,160,000 and lives at the need: cost picks E2,
    # where the fee alone would pick E1.
    far = expert("E1", daily_rate=40_000, home={"lat": 35.6812, "lon": 139.7671})
    near = expert("E2", daily_rate=45_000, home=NAGANO)
    doc = v2([far, near], [need("N1", onsite_required=True, location=NAGANO, budget=5_000_000)],
             travel_yen_per_km=37)
    assert pairs(solved(doc)) == {("E2", "N1")}
    without_travel = v2([far, near], [need("N1", onsite_required=True, location=NAGANO, budget=5_000_000)])
    assert pairs(solved(without_travel)) == {("E1", "N1")}


# -- employment forms and form notices -----------------------------------------------------------------

def test_employment_form_is_the_needs_first_preference_the_expert_holds():
    e = expert("E1", employment_forms=["contract", "fiscal_year", "special_part_time"])
    doc = v2([e], [need("N1", employment_forms=["commission", "fiscal_year", "contract"])])
    assert solved(doc)["assignments"][0]["employment_form"] == "fiscal_year"


def test_form_notice_for_special_part_time_on_a_dx_supporter_post_only():
    doc = v2([expert("E1")], [need("N1", role="dx_supporter"), need("N2", role="cio_adviser"),
                              need("N3", role="dx_supporter", employment_forms=["contract", "special_part_time"])])
    flags = solved(doc)["flags"]
    assert flags == [{"kind": "form_notice", "expert": "E1", "vendor": None, "municipality": "202011",
                      "need": "N1", "form": "special_part_time"}]


def test_version_1_instances_get_form_notices_too():
    doc = instance([expert("E1")], [need("N1", role="dx_supporter")])
    assert [f["kind"] for f in solved(doc)["flags"]] == ["form_notice"]


# -- the lead ---------------------------------------------------------------------------------------------

def _two_towns(lead):
    # E1 can take one need: N1 (priority 3, town A) or N2 (priority 2, town B). E2 can take N3 (town A) only.
    e1, e2 = expert("E1", max_engagements=1), expert("E2", max_engagements=1)
    needs = [need("N1", priority=3, required_skills={"security": 3}),
             need("N2", priority=2, municipality="202029", required_skills={"security": 3}),
             need("N3", priority=1, required_skills={"data": 1})]
    e2["skills"] = {"data": 1}
    e1["skills"] = {"security": 3}
    return v2([e1, e2], needs, lead=lead)


def test_priority_lead_takes_the_higher_priority():
    result = solved(_two_towns(["priority"]))
    assert pairs(result) == {("E1", "N1"), ("E2", "N3")}
    assert result["objective"]["lead"] == [{"name": "priority", "value": 4, "bound": 4}]


def test_coverage_lead_puts_every_municipality_first():
    result = solved(_two_towns(["coverage", "priority"]))
    assert pairs(result) == {("E1", "N2"), ("E2", "N3")}
    assert result["objective"]["lead"] == [{"name": "coverage", "value": 2, "bound": 2},
                                           {"name": "priority", "value": 3, "bound": 3}]
    assert result["objective"]["primary"] == 3 and result["objective"]["primary_bound"] == 3


def test_under_coverage_one_unit_of_priority_outweighs_any_number_of_extra_filled_needs():
    # One municipality, one expert with room for either N1 (priority 4) or N2-N4 (priority 1 each). Coverage
    # is 1 either way; priority 4 > 3 must win although the other choice fills two more needs (the lead weighs
    # filled needs as their excess over covered municipalities, so that weight must still exceed its range).
    e1 = expert("E1", capacity_days=36, max_engagements=3)
    one = {"weekly_days": 0, "weekdays": [], "municipality": "202011"}
    needs = [need("N1", days_per_year=36, priority=4, **one)] + [
        need(f"N{i}", days_per_year=12, priority=1, **one) for i in (2, 3, 4)]
    result = solved(v2([e1], needs, lead=["coverage", "priority"]))
    assert pairs(result) == {("E1", "N1")}
    assert result["objective"]["stages"]["filled"] == 1


def test_infeasible_result_has_an_empty_lead():
    doc = v2([expert("E1", serves_prefectures=["19"])], [need("N1")], pins=[{"expert": "E1", "need": "N1"}])
    result = solved(doc)
    assert result["status"] == "infeasible" and result["objective"]["lead"] == []


# -- version 1 and version 2 -------------------------------------------------------------------------------

def _without_stats(result: dict) -> dict:
    result = json.loads(json.dumps(result))
    result.pop("stats")
    return result


def test_a_version_1_instance_solves_like_the_same_document_as_version_2():
    from matching.generate import generate

    doc1 = generate("prefecture", seed=2, prefecture="20")
    doc2 = {**doc1, "format": "kenmu.instance/2"}
    assert _without_stats(solve(doc1)) == _without_stats(solve(doc2))
    assert solve(doc1)["format"] == "kenmu.result/2"


def test_version_1_ignores_the_new_fields_like_any_unknown_field():
    doc = instance([expert("E1", daily_rate=60_000)], [need("N1", offered_fee=10, onsite_days=9)],
                   lead=["bogus"], travel_yen_per_km=-1)
    result = solved(doc)
    assert result["assignments"][0]["fee"] == 60_000 * 48
    assert result["objective"]["lead"] == [{"name": "priority", "value": 3, "bound": 3}]


def test_generated_version_2_instances_solve_and_validate_with_either_lead():
    from matching.generate import generate

    for lead in (("priority",), ("coverage", "priority")):
        doc = generate("prefecture", seed=3, prefecture="19", version=2, lead=lead)
        assert doc["format"] == "kenmu.instance/2" and doc["lead"] == list(lead)
        assert any(n.get("offered_fee") for n in doc["needs"])
        assert all(n["offered_fee"] <= n["budget"] for n in doc["needs"] if n.get("offered_fee") is not None)
        assert solved(doc)["status"] == "optimal"


# -- refusals ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("over, field", [
    ({"offered_fee": 5_000_001}, "offered_fee"),
    ({"offered_fee": "a lot"}, "offered_fee"),
    ({"offered_fee": -1}, "offered_fee"),
    ({"onsite_days": 3}, "onsite_days"),                                   # the need is not on site
    ({"onsite_required": True, "onsite_days": 0}, "onsite_days"),
    ({"onsite_required": True, "onsite_days": 49}, "onsite_days"),         # more than days_per_year
    ({"onsite_required": True, "onsite_days": 2.5}, "onsite_days"),
])
def test_bad_version_2_need_fields_are_refused_naming_field_and_id(over, field):
    message = _error(v2([expert()], [need("N7", budget=5_000_000, **over)]))
    assert f"'{field}'" in message and '"N7"' in message


@pytest.mark.parametrize("over, field", [
    ({"lead": ["coverage"]}, "lead"),
    ({"lead": ["priority", "coverage"]}, "lead"),
    ({"lead": "priority"}, "lead"),
    ({"travel_yen_per_km": -5}, "travel_yen_per_km"),
    ({"travel_yen_per_km": 37.5}, "travel_yen_per_km"),
])
def test_bad_version_2_instance_fields_are_refused_naming_the_field(over, field):
    assert f"'{field}'" in _error(v2([expert()], [need()], **over))


def test_an_offered_fee_equal_to_the_budget_is_accepted():
    assert load_instance(v2([expert()], [need(offered_fee=5_000_000, budget=5_000_000)])).needs[0].offered_fee


def test_cli_refuses_an_offer_above_the_budget_with_exit_2(tmp_path, capsys):
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(v2([expert()], [need("N5", offered_fee=6_000_000, budget=5_000_000)])))
    assert main(["solve", str(path)]) == 2
    err = capsys.readouterr().err
    assert "offered_fee" in err and "N5" in err and "Traceback" not in err


# -- the validator checks the new rules ------------------------------------------------------------------

def _v2_base():
    e1 = expert("E1", home=MATSUMOTO, daily_rate=40_000)
    e2 = expert("E2", home=NAGANO, daily_rate=200_000)
    doc = v2([e1, e2], [need("N1", role="dx_supporter", onsite_required=True, onsite_days=12, location=NAGANO,
                              offered_fee=2_400_000, budget=2_600_000),
                         need("N2", municipality="202029", offered_fee=2_000_000, budget=2_000_000,
                              weekly_days=0, days_per_year=12, weekdays=[], onsite_required=True, onsite_days=1,
                              location={"lat": 35.6812, "lon": 139.7671})],
             travel_yen_per_km=37, lead=["coverage", "priority"])
    return doc, solve(doc)


def _broken(mutate) -> list[str]:
    doc, result = _v2_base()
    assert validate_result(doc, result) == []
    bad = copy.deepcopy(result)
    mutate(bad)
    return validate_result(doc, bad)


def test_validator_catches_wrong_fee_travel_and_form():
    assert any("fee" in p for p in _broken(lambda r: r["assignments"][0].update(fee=40_000 * 48)))
    assert any("travel_cost" in p for p in _broken(lambda r: r["assignments"][0].update(travel_cost=0)))
    assert any("employment_form" in p
               for p in _broken(lambda r: r["assignments"][0].update(employment_form="contract")))


def test_validator_catches_a_dropped_or_invented_form_notice():
    assert any("form_notice" in p for p in _broken(lambda r: r["flags"].clear()))
    invented = {"kind": "form_notice", "expert": "E1", "vendor": None, "municipality": "202011", "need": "N9",
                "form": "special_part_time"}
    assert any("invented" in p for p in _broken(lambda r: r["flags"].append(invented)))


def test_validator_catches_a_wrong_lead():
    assert _broken(lambda r: r["objective"]["lead"].reverse())
    assert _broken(lambda r: r["objective"]["lead"][0].update(value=2))
    assert _broken(lambda r: r["objective"]["lead"][1].update(bound=99))


def test_validator_catches_an_over_budget_detail_without_its_amounts():
    doc, result = _v2_base()
    assert [(u["need"], u["reason"]) for u in result["unmatched"]] == [("N2", "over_budget")]
    detail = result["unmatched"][0]["detail"]  # E2 asks more than the offer; E1's travel breaks the budget
    assert "accept" in detail and "2,400,000" in detail and "travel" in detail
    offer_only, travel_only = detail.split("; fee")[0], "fee" + detail.split("; fee")[1]
    assert any("fee and travel" in p for p in _broken(lambda r: r["unmatched"][0].update(detail=offer_only)))
    assert any("below what experts accept" in p
               for p in _broken(lambda r: r["unmatched"][0].update(detail=travel_only)))
    assert any("over_budget detail" in p for p in _broken(lambda r: r["unmatched"][0].update(detail="too dear")))


def test_validator_catches_an_assignment_over_the_budget_with_travel():
    doc, result = _v2_base()
    bad = copy.deepcopy(doc)
    bad["needs"][0]["budget"] = 2_400_000  # the offer fits, the offer plus travel does not
    assert any("rule 6" in p for p in validate_result(bad, result))
