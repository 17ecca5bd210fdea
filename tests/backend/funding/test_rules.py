"""The funding rules on plain values (issue 24): the 地域力創造アドバイザー threshold (≥ 10 days or ≥ 5 visits, a day
trip counting from 6 hours), the caps, the 3-year limit and the CIO補佐官等 rate with recruitment costs."""

import datetime as dt
from decimal import Decimal

import pytest

from backend.funding import rules
from backend.funding.seeds import SEEDS

REGIONAL = rules.SchemeTerms(**{k: v for k, v in SEEDS[1].items() if k not in ("conditions", "basis")})
CIO = rules.SchemeTerms(**{k: v for k, v in SEEDS[0].items() if k not in ("conditions", "basis")})
FACTS = rules.EngagementFacts(role="cio_adviser", employment_form="special_part_time", population=30_000,
                              months=12.0, years_financed=1)


def _stays(*lengths, hours=Decimal("7"), start=dt.date(2026, 4, 6)):
    """Consecutive on-site days, one stay per length, a week apart."""
    days = []
    for n, length in enumerate(lengths):
        first = start + dt.timedelta(weeks=n)
        days += [rules.LoggedDay(date=first + dt.timedelta(days=i), onsite=True, hours=hours) for i in range(length)]
    return days


def test_nine_days_in_four_visits_is_not_yet_eligible_and_says_what_is_missing():
    result = rules.standing(REGIONAL, FACTS, _stays(3, 2, 2, 2))
    assert (result.activity.days, result.activity.visits) == (9, 4)
    assert result.state == rules.PENDING
    assert (result.days_needed, result.visits_needed) == (1, 1)
    text = str(rules.tracker_text(REGIONAL, result, by="3月31日"))
    assert "10日中9日" in text and "5回中4回" in text and "あと1日" in text


def test_the_tenth_day_makes_it_eligible():
    assert rules.standing(REGIONAL, FACTS, _stays(3, 3, 2, 2)).state == rules.ELIGIBLE


def test_the_fifth_visit_makes_it_eligible_too():
    assert rules.standing(REGIONAL, FACTS, _stays(1, 1, 1, 1, 1)).state == rules.ELIGIBLE


def test_a_five_hour_day_trip_counts_as_neither_day_nor_visit():
    days = _stays(3, 2, 2, 2) + _stays(1, hours=Decimal("5"), start=dt.date(2026, 9, 1))
    result = rules.standing(REGIONAL, FACTS, days)
    assert (result.activity.days, result.activity.visits, result.activity.short_day_trips) == (9, 4, 1)
    assert result.state == rules.PENDING
    assert "6時間未満の日帰り1回" in str(result.notes[0])
    six_hours = _stays(3, 2, 2, 2) + _stays(1, hours=Decimal("6"), start=dt.date(2026, 9, 1))
    assert rules.standing(REGIONAL, FACTS, six_hours).state == rules.ELIGIBLE


def test_remote_days_do_not_count_toward_the_threshold():
    remote = [rules.LoggedDay(date=dt.date(2026, 5, d), onsite=False, hours=Decimal("8")) for d in range(1, 29)]
    assert rules.standing(REGIONAL, FACTS, remote).activity.days == 0


def test_a_fourth_year_is_not_eligible():
    result = rules.standing(REGIONAL, rules.EngagementFacts(**{**FACTS.__dict__, "years_financed": 4}), _stays(10))
    assert result.state == rules.INELIGIBLE
    assert "3年度を超えます" in str(result.reasons[0])


@pytest.mark.parametrize(("public_staff", "cap"), [(False, 5_600_000), (True, 2_400_000)])
def test_the_cap_by_the_expert_s_kind(public_staff, cap):
    result = rules.grant(REGIONAL, fee=6_960_000, travel=100_000, public_staff=public_staff)
    assert (result.eligible_amount, result.cap, result.grant) == (cap, cap, cap)
    under = rules.grant(REGIONAL, fee=1_540_000, travel=60_000, public_staff=public_staff)
    assert (under.eligible_amount, under.cap, under.grant) == (1_600_000, None, 1_600_000)


def test_the_cio_rate_counts_recruitment_costs():
    result = rules.grant(CIO, fee=2_400_000, travel=120_001, recruitment=300_000)
    assert result.eligible_amount == 2_820_001
    assert result.grant == 1_410_000  # 0.5, rounded down to the yen


def test_an_ineligible_engagement_gets_no_grant():
    assert rules.grant(REGIONAL, fee=1_000_000, travel=0, eligible=False).grant == 0


def test_the_cio_grant_does_not_cover_a_dx_supporter():
    facts = rules.EngagementFacts(**{**FACTS.__dict__, "role": "dx_supporter"})
    assert rules.standing(CIO, facts, []).state == rules.INELIGIBLE
