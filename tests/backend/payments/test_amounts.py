"""What a confirmed month owes, by fee basis (issue 23, item 5), checked against sums by hand. Pure: no database."""

import datetime as dt
from decimal import Decimal

from backend.payments.amounts import (
    Contract,
    Worked,
    month_amount,
    month_share,
    months_of,
    travel_per_day,
    worked_of,
    year_forecast,
)

YEAR = dict(fiscal_year=2027, starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2028, 3, 31))


def shares(contract: Contract) -> list[int]:
    return [month_share(contract, *key) for key in months_of(contract, 2027)]


def test_a_yearly_fee_is_paid_in_twelve_shares_that_sum_to_it_exactly():
    contract = Contract(**YEAR, fee=1_000_000, days_per_year=48, travel_cost=0, basis="annual")
    assert shares(contract)[:3] == [83_333, 83_334, 83_333]  # rounded on the running total
    assert sum(shares(contract)) == 1_000_000
    assert month_amount(contract, 2027, 5, Worked(days=4, hours=Decimal(24))).fee == 83_334


def test_a_monthly_fee_and_a_need_without_basis_are_shares_of_the_years_fee_too():
    monthly = Contract(**YEAR, fee=1_200_000, days_per_year=48, travel_cost=0, basis="monthly", fee_amount=100_000,
                       offered_fee=1_200_000)
    no_basis = Contract(**YEAR, fee=1_200_000, days_per_year=48, travel_cost=0)
    assert shares(monthly) == shares(no_basis) == [100_000] * 12
    assert month_amount(no_basis, 2028, 3, Worked()).basis == "annual"


def test_a_term_starting_mid_month_pays_that_month_by_its_days():
    # From 16 April: 15/30 of April, then 11 whole months; the fee (prorated at approval) is 11.5 months' worth.
    contract = Contract(fiscal_year=2027, starts_on=dt.date(2027, 4, 16), ends_on=dt.date(2028, 3, 31), fee=1_150_000,
                        days_per_year=46, travel_cost=0, basis="annual")
    assert shares(contract)[:2] == [50_000, 100_000]
    assert sum(shares(contract)) == 1_150_000


def test_an_engagement_ended_mid_year_pays_its_last_month_by_its_days():
    # Ended on 15 September: its fee was cut to 5.5 months of 1,200,000 (= 550,000); 15/30 of September.
    contract = Contract(fiscal_year=2027, starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2027, 9, 15), fee=550_000,
                        days_per_year=22, travel_cost=0, basis="annual")
    assert months_of(contract, 2027)[-1] == (2027, 9)
    assert shares(contract) == [100_000] * 5 + [50_000]
    assert month_share(contract, 2027, 10) == 0


def test_a_daily_fee_pays_the_needs_rate_for_each_confirmed_day():
    contract = Contract(**YEAR, fee=960_000, days_per_year=48, travel_cost=0, basis="daily", fee_amount=20_000,
                        offered_fee=960_000)
    amount = month_amount(contract, 2027, 6, Worked(days=3, hours=Decimal(18)))
    assert (amount.unit_rate, amount.rate_derived, amount.fee) == (20_000, False, 60_000)


def test_a_fee_the_coordinator_changed_derives_the_rate_from_the_contract():
    daily = Contract(**YEAR, fee=1_000_000, days_per_year=48, travel_cost=0, basis="daily", fee_amount=20_000,
                     offered_fee=960_000, fee_reason="経験を考慮")
    amount = month_amount(daily, 2027, 6, Worked(days=3))
    assert (amount.unit_rate, amount.rate_derived, amount.fee) == (20_833, True, 62_499)  # 1,000,000 ÷ 48


def test_an_hourly_fee_pays_the_confirmed_hours():
    offered = Contract(**YEAR, fee=1_152_000, days_per_year=48, travel_cost=0, basis="hourly", fee_amount=4_000,
                       offered_fee=1_152_000, fee_hours_per_day=Decimal(6))
    assert month_amount(offered, 2027, 7, Worked(days=2, hours=Decimal("7.5"))).fee == 30_000
    changed = Contract(**{**offered.__dict__, "fee": 1_440_000, "fee_reason": "時間単価の見直し"})
    amount = month_amount(changed, 2027, 7, Worked(days=2, hours=Decimal("7.5")))
    assert (amount.unit_rate, amount.rate_derived, amount.fee) == (5_000, True, 37_500)  # 1,440,000 ÷ (48 × 6)


def test_travel_is_paid_per_confirmed_onsite_day_at_the_engines_round_trip():
    # The engine priced 12 on-site days at 3,210 yen a round trip: travel_cost 38,520.
    contract = Contract(**YEAR, fee=1_200_000, days_per_year=48, travel_cost=38_520, need_onsite_days=12)
    amount = month_amount(contract, 2027, 4, Worked(days=4, hours=Decimal(24), onsite_days=2))
    assert (amount.travel_per_day, amount.travel, amount.total) == (3_210, 6_420, 106_420)
    # A term from 1 October carries half of it (19,260) for half the on-site days: the same round trip.
    later = Contract(fiscal_year=2027, starts_on=dt.date(2027, 10, 1), ends_on=dt.date(2028, 3, 31), fee=600_000,
                     days_per_year=24, travel_cost=19_260, need_onsite_days=12)
    assert travel_per_day(later) == 3_210


def test_only_counted_days_and_agreed_days_beyond_the_contract_count():
    class Day:
        def __init__(self, counted=True, beyond_contract=False, agreed_at=None, onsite=False, hours="6"):
            self.counted, self.beyond_contract, self.agreed_at = counted, beyond_contract, agreed_at
            self.onsite, self.hours = onsite, Decimal(hours)

    worked = worked_of([Day(onsite=True), Day(counted=False), Day(beyond_contract=True),
                        Day(beyond_contract=True, agreed_at=dt.datetime(2027, 5, 1), hours="2.5")])
    assert worked == Worked(days=2, hours=Decimal("8.5"), onsite_days=1, beyond_days=1)


def test_the_forecast_adds_the_rest_of_the_contract_to_what_is_confirmed():
    contract = Contract(**YEAR, fee=960_000, days_per_year=48, travel_cost=120_000, basis="daily", fee_amount=20_000,
                        offered_fee=960_000, need_onsite_days=12)
    april = month_amount(contract, 2027, 4, Worked(days=6, hours=Decimal(36), onsite_days=2))
    forecast = year_forecast(contract, 2027, {(2027, 4): april})
    assert forecast.so_far == 6 * 20_000 + 2 * 10_000
    assert forecast.rest == 42 * 20_000 + 10 * 10_000
