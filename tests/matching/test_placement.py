"""One placement against every hard rule (approval asks it) and each expert's standing for one need (the
candidates page asks it): the engine's own rule functions, with the facts a refusal names."""

from matching import need_standing, placement_check

from .conftest import expert, instance, need


def _check(doc, **kwargs):
    return placement_check(doc, expert="E1", need="N1", **{"weekdays": ["mon"], **kwargs})


def test_a_placement_that_keeps_every_rule_breaks_none():
    check = _check(instance([expert()], [need()]), holdings=[{"days_per_year": 48, "weekdays": ["tue"]}])
    assert check.broken == () and check.weekdays_fit and check.weekdays_twice == ()
    assert (check.accepted_fee, check.fee, check.travel_cost, check.held_days) == (2_400_000, 2_400_000, 0, 48)


def test_each_pair_rule_is_reported_with_what_its_refusal_names():
    doc = instance([expert(serves_prefectures=["19"], skills={"security": 1},
                           affiliations=[{"vendor": "V01", "relation": "employee"}])],
                   [need(required_skills={"security": 3, "data": 1}, budget=1_000_000)],
                   procurements=[{"id": "P1", "municipality": "202011", "category": "audit", "status": "ongoing",
                                  "incumbent_vendor": "V01"}],
                   forbids=[{"expert": "E1", "need": "N1"}])
    check = _check(doc)
    assert check.broken == (1, 2, 6, 7, 8)
    assert check.short_skills == ("security", "data") and check.conflicting == ("P1",)


def test_an_override_lifts_the_conflict_but_still_names_the_procurement():
    doc = instance([expert(affiliations=[{"vendor": "V01", "relation": "side_job"}])], [need()],
                   procurements=[{"id": "P1", "municipality": "202011", "category": "audit", "status": "ongoing",
                                  "incumbent_vendor": "V01"}],
                   coi_overrides=[{"expert": "E1", "municipality": "202011", "reason": "x"}])
    check = _check(doc)
    assert check.broken == () and check.conflicting == ("P1",)


def test_an_agreed_travel_reimbursement_counts_against_the_budget():
    doc = instance([expert(daily_rate=45_000)], [need(budget=2_400_000)])
    assert _check(doc).broken == ()
    over = _check(doc, travel_cost=300_000)
    assert over.broken == (6,) and (over.accepted_fee, over.travel_cost) == (2_160_000, 300_000)


def test_holdings_count_against_engagements_capacity_and_weekdays():
    doc = instance([expert(max_engagements=1, capacity_days=60)], [need()])
    check = _check(doc, holdings=[{"days_per_year": 48, "weekdays": ["mon"]}])
    assert check.broken == (9, 10, 11) and check.weekdays_twice == ("mon",) and check.weekdays_fit


def test_weekdays_the_expert_no_longer_offers_break_rule_11_for_the_placement_alone():
    doc = instance([expert(weekdays=["fri"])], [need()])
    check = _check(doc)
    assert check.broken == (11,) and not check.weekdays_fit and check.weekdays_twice == ()
    assert _check(doc, weekdays=["fri", "thu"]).weekdays_fit is False  # two days for a one-day need


def test_the_standing_of_each_expert_is_the_first_pair_rule_then_what_they_have_left():
    doc = instance([expert("E1"), expert("E2", capacity_days=12), expert("E3", max_engagements=0),
                    expert("E4", employment_forms=["commission"])], [need()])
    assert need_standing(doc, "N1") == {"E1": None, "E2": "capacity", "E3": "capacity", "E4": "no_form"}
