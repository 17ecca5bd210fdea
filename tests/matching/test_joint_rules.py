"""Joint rules 9-11: one expert per need, max_engagements, capacity_days, one place a day."""

from .conftest import expert, instance, need, pairs, reasons, solved


def test_one_expert_per_need_and_the_higher_priority_wins():
    doc = instance([expert("E1", max_engagements=1)], [need("N1", priority=2), need("N2", priority=4)])
    result = solved(doc)
    assert pairs(result) == {("E1", "N2")}
    assert result["objective"] == {**result["objective"], "primary": 4, "primary_bound": 4}


def test_max_engagements_allows_joint_employment_across_municipalities():
    needs = [need("N1", municipality="202011"), need("N2", municipality="202029"), need("N3", municipality="202037")]
    result = solved(instance([expert("E1", max_engagements=3)], needs))
    assert pairs(result) == {("E1", "N1"), ("E1", "N2"), ("E1", "N3")}
    assert all(a["fee"] == 2_400_000 for a in result["assignments"])
    assert len({a["weekdays"][0] for a in result["assignments"]}) == 3
    result = solved(instance([expert("E1", max_engagements=2)], needs))
    assert len(result["assignments"]) == 2


def test_capacity_days_limits_the_sum_of_days():
    needs = [need("N1", weekly_days=2, days_per_year=96, priority=3), need("N2", weekly_days=2, days_per_year=96,
                                                                          priority=3)]
    assert len(solved(instance([expert("E1", capacity_days=192)], needs))["assignments"]) == 2
    result = solved(instance([expert("E1", capacity_days=191)], needs))
    assert len(result["assignments"]) == 1
    assert list(reasons(result).values()) == ["capacity"]


def test_an_expert_is_in_one_place_a_day():
    e = expert("E1", weekdays=["mon", "tue"])
    needs = [need("N1", weekdays=["mon"], weekly_days=1), need("N2", weekdays=["mon"], weekly_days=1),
             need("N3", weekdays=["mon", "tue"], weekly_days=1)]
    result = solved(instance([e], needs))
    # N1 and N2 both need Monday: only one of them; N3 takes Tuesday.
    assert len(result["assignments"]) == 2
    assert {a["need"]: a["weekdays"] for a in result["assignments"]}.get("N3") == ["tue"]


def test_weekday_hall_condition_needs_more_than_a_day_count():
    # Three days offered and three weekly days asked, but two needs only accept mon/tue: infeasible together.
    e = expert("E1", weekdays=["mon", "tue", "wed"])
    needs = [need("N1", weekdays=["mon", "tue"], weekly_days=2, days_per_year=96),
             need("N2", weekdays=["mon", "tue"], weekly_days=1)]
    result = solved(instance([e], needs))
    assert len(result["assignments"]) == 1


def test_non_weekly_needs_do_not_use_weekdays():
    e = expert("E1", weekdays=["mon"], capacity_days=72)
    needs = [need("N1", weekdays=["mon"], weekly_days=1), need("N2", weekly_days=0, days_per_year=12, weekdays=[]),
             need("N3", weekly_days=0, days_per_year=12, weekdays=[])]
    result = solved(instance([e], needs))
    assert len(result["assignments"]) == 3
    assert sorted(len(a["weekdays"]) for a in result["assignments"]) == [0, 0, 1]
