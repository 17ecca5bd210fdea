"""The pure planner: weekly posts on their agreed weekdays with 振替, monthly spreads, never two places a day."""

import datetime as dt

from backend.calendar.selectors import national_closed_days
from backend.visits.planning import CLOSED, PlanInput, plan_visits

FY2026 = dict(starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2027, 3, 31),
              closed=frozenset(national_closed_days(2026)))


def _days(plan) -> list[dt.date]:
    return [planned.day for planned in plan.dates]


def test_a_48_day_monday_post_holds_the_45_workable_mondays_and_reports_3_days_short_with_the_holidays():
    plan = plan_visits(PlanInput(pattern="weekly", weekdays=("mon",), days=48, weekly_days=1, **FY2026))
    days = _days(plan)
    assert len(days) == 45 and all(day.weekday() == 0 for day in days)
    assert dt.date(2026, 5, 4) not in days  # みどりの日 (Golden Week): no other agreed weekday to move to
    assert not set(days) & FY2026["closed"]
    assert plan.missing == 3 and sum(s.missing for s in plan.shortfalls) == 3
    assert all(s.causes == (CLOSED,) for s in plan.shortfalls)


def test_a_monday_visit_on_a_holiday_moves_to_the_next_agreed_weekday_and_the_plan_holds_exactly_its_days():
    plan = plan_visits(PlanInput(pattern="weekly", weekdays=("mon", "thu"), days=52, weekly_days=1, onsite_days=10,
                                 **FY2026))
    assert plan.total == 52 and plan.missing == 0 and not plan.shortfalls
    moved = {p.instead_of: p.day for p in plan.dates if p.instead_of}
    assert moved[dt.date(2026, 5, 4)] == dt.date(2026, 5, 7)  # GW Monday → Thursday of the same week
    assert sum(p.onsite for p in plan.dates) == 10
    # Tuesdays: 12/29 (年末年始) moves to the Friday, 1/1 being closed too.
    tuesdays = plan_visits(PlanInput(pattern="weekly", weekdays=("tue", "fri"), days=52, weekly_days=1, **FY2026))
    assert {p.instead_of: p.day for p in tuesdays.dates if p.instead_of}[dt.date(2026, 12, 29)] == dt.date(2027, 1, 8)


def test_two_engagements_of_one_expert_never_share_a_date():
    first = plan_visits(PlanInput(pattern="weekly", weekdays=("mon", "tue"), days=48, weekly_days=1, **FY2026))
    second = plan_visits(PlanInput(pattern="monthly", weekdays=("mon", "tue"), days=24, weekly_days=0,
                                   taken=frozenset(_days(first)), **FY2026))
    assert second.total == 24
    assert not set(_days(first)) & set(_days(second))


def test_a_monthly_pattern_spreads_its_days_evenly_over_the_months_of_the_term():
    plan = plan_visits(PlanInput(pattern="monthly", weekdays=("wed",), days=24, weekly_days=0, **FY2026))
    by_month = {}
    for day in _days(plan):
        by_month[day.month] = by_month.get(day.month, 0) + 1
    assert plan.total == 24 and set(by_month.values()) == {2} and len(by_month) == 12


def test_a_replan_keeps_the_past_and_hand_moved_dates_and_plans_only_the_rest():
    kept = ((dt.date(2026, 4, 6), False), (dt.date(2026, 4, 15), True))  # the second moved by hand from 4/13
    plan = plan_visits(PlanInput(pattern="weekly", weekdays=("mon", "wed"), days=10, weekly_days=1, onsite_days=2,
                                 since=dt.date(2026, 4, 7), kept=kept, served=frozenset({dt.date(2026, 4, 13)}),
                                 **FY2026))
    days = _days(plan)
    assert plan.total == 10 and dt.date(2026, 4, 13) not in days and min(days) > dt.date(2026, 4, 7)
    assert sum(p.onsite for p in plan.dates) == 1  # one of the two on-site days is kept already
