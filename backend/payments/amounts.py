"""What a confirmed month of an engagement owes (支払額), computed from plain values: never a query, never a write.

The selectors turn an engagement and its need into a `Contract` and a month's counted days into a `Worked`; this
module says what they come to, in integer yen. Nothing here is stored: a month's amount is computed again from the
worklog's rows each time it is read, so an audited adjustment after confirmation shows in it at once.

By the need's fee basis (報酬の定め方; an engagement whose need has none is paid as 年額 of its fee):

- 年額・月額: the month's share of the fee the engagement is contracted for in the fiscal year. `engagement.fee` is
  the fee of its term in its first fiscal year (already prorated by `engagements.terms.amounts_for_year` for a
  term that starts late, and cut by `share_served` when it ends early), and `terms.amounts_in_year` gives a later
  year's of a multi-year term. Each calendar month of the term in that year weighs the share of its days served
  (`backend.core.fiscal.months_served`: a whole month 1, 16–30 April 15/30), so a term of N whole months pays
  fee/N a month. Yen are rounded on the running total, not month by month: a month pays
  round(fee × weight up to and including it / total weight) − round(fee × weight before it / total weight), half
  up, so the months of a whole term sum to the fee exactly (1,000,000 over 12 months: 83,333, 83,334, 83,333, …).
- 日額 × the confirmed days, 時間額 × the confirmed hours. The unit rate is the need's `fee_amount` as the
  municipality entered it when the engagement is paid the fee it offered: `fee` equals `offered_fee`, or no
  reason for another fee was recorded (approval asks one whenever the coordinator changes the proposal's fee,
  which is the offered one; a term shorter than the year only prorates it). Otherwise the rate is derived from the
  contract: fee ÷ days_per_year (日額) or fee ÷ (days_per_year × fee_hours_per_day) (時間額), rounded to the yen,
  and `rate_derived` says so for the page.
- 費用弁償 per confirmed on-site day at the engine's per-day amount: the engine prices a round trip per on-site
  day (`matching.model.Instance.travel_cost` = onsite_days × round trip), and the engagement stores that travel
  prorated by the months of its term like its fee. Its own on-site days are the need's `onsite_days` prorated the
  same way (months served ÷ 12, not rounded), so travel_cost ÷ those days gives back the engine's round trip; it
  is rounded to the yen and multiplied by the month's confirmed on-site days.

A day counts when the municipality left it counted and, if it lies beyond the contract's days, agreed to it.
Tax is as the need states it (`fee_includes_tax`), shown and never recomputed.
"""

import datetime as dt
import math
from collections.abc import Iterable
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction

from backend.core.fiscal import (
    MONTHS_PER_YEAR,
    fiscal_year_end,
    fiscal_year_of,
    fiscal_year_start,
    months_served,
)
from backend.engagements.terms import amounts_in_year, share_of_year

# The fee bases (backend.needs.models.FeeBasis values; payments reads them as plain strings).
ANNUAL, MONTHLY, DAILY, HOURLY = "annual", "monthly", "daily", "hourly"
SHARED_BASES = (ANNUAL, MONTHLY)


@dataclass(frozen=True)
class Contract:
    """What an engagement is paid by: its stored term and amounts and its need's fee as entered."""

    fiscal_year: int
    starts_on: dt.date
    ends_on: dt.date
    fee: int  # the first fiscal year's fee of the term
    days_per_year: int
    travel_cost: int
    fee_reason: str = ""
    basis: str = ""  # "" when the need states none: paid as 年額
    fee_amount: int | None = None
    offered_fee: int | None = None
    fee_hours_per_day: Decimal | None = None
    need_onsite_days: int = 0
    fee_includes_tax: bool = False

    @property
    def paid_as(self) -> str:
        return self.basis or ANNUAL


@dataclass(frozen=True)
class Worked:
    """A month's counted days: how many, their hours, how many were on site and how many of them lay beyond the
    contract's days (agreed by the municipality: paid, but not taken from the days still planned)."""

    days: int = 0
    hours: Decimal = Decimal(0)
    onsite_days: int = 0
    beyond_days: int = 0


@dataclass(frozen=True)
class MonthAmount:
    basis: str
    unit_rate: int | None  # 日額 or 時間額 per day or hour; None for a share of the year
    rate_derived: bool
    worked: Worked
    fee: int
    travel_per_day: int
    travel: int
    includes_tax: bool

    @property
    def total(self) -> int:
        return self.fee + self.travel


@dataclass(frozen=True)
class Forecast:
    """A fiscal year of one engagement: what its confirmed months owe, and what the rest of the contract will
    cost if it runs as agreed."""

    so_far: int
    rest: int

    @property
    def projected(self) -> int:
        return self.so_far + self.rest


def yen(value: Fraction | Decimal | int) -> int:
    """To the yen, half up (an amount is never negative)."""
    return math.floor(Fraction(value) + Fraction(1, 2))


def day_counts(*, counted: bool, beyond_contract: bool, agreed_at) -> bool:
    """A logged day counts when it was left counted and, beyond the contract's days, the municipality agreed."""
    return counted and (not beyond_contract or agreed_at is not None)


def worked_of(days: Iterable) -> Worked:
    """The counted days among `days` (objects with counted, beyond_contract, agreed_at, hours, onsite)."""
    kept = [d for d in days if day_counts(counted=d.counted, beyond_contract=d.beyond_contract,
                                          agreed_at=d.agreed_at)]
    return Worked(days=len(kept), hours=sum((Decimal(d.hours) for d in kept), Decimal(0)),
                  onsite_days=sum(1 for d in kept if d.onsite), beyond_days=sum(1 for d in kept if d.beyond_contract))


def _segment(contract: Contract, fiscal_year: int) -> tuple[dt.date, dt.date]:
    return max(contract.starts_on, fiscal_year_start(fiscal_year)), min(contract.ends_on, fiscal_year_end(fiscal_year))


def _year_amounts(contract: Contract, fiscal_year: int) -> dict:
    """The days, fee and travel the contract takes in `fiscal_year` (engagements.terms.amounts_in_year)."""
    return amounts_in_year(contract, fiscal_year)


def months_of(contract: Contract, fiscal_year: int) -> list[tuple[int, int]]:
    """(year, month) of each calendar month the term serves in the fiscal year, in order."""
    first, last = _segment(contract, fiscal_year)
    months, day = [], first.replace(day=1)
    while day <= last:
        months.append((day.year, day.month))
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _weights(contract: Contract, fiscal_year: int) -> list[tuple[tuple[int, int], Fraction]]:
    first, last = _segment(contract, fiscal_year)
    weights = []
    for year, month in months_of(contract, fiscal_year):
        start = max(first, dt.date(year, month, 1))
        end = min(last, (dt.date(year, month, 1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1))
        days_in_month = ((dt.date(year, month, 1) + dt.timedelta(days=32)).replace(day=1)
                         - dt.timedelta(days=1)).day
        weights.append(((year, month), Fraction((end - start).days + 1, days_in_month)))
    return weights


def month_share(contract: Contract, year: int, month: int) -> int:
    """年額・月額: the month's share of the fee of its fiscal year (rounded on the running total)."""
    fiscal_year = fiscal_year_of(dt.date(year, month, 1))
    weights = _weights(contract, fiscal_year)
    total = sum((w for _m, w in weights), Fraction(0))
    if not total:
        return 0
    fee = _year_amounts(contract, fiscal_year)["fee"]
    before = Fraction(0)
    for key, weight in weights:
        if key == (year, month):
            return yen(fee * (before + weight) / total) - yen(fee * before / total)
        before += weight
    return 0  # outside the term: nothing of the fee falls in it


def fee_as_offered(contract: Contract) -> bool:
    """The engagement is paid the fee the municipality offered (prorated for a shorter term)."""
    return contract.offered_fee is not None and (contract.fee == contract.offered_fee
                                                 or not contract.fee_reason.strip())


def unit_rate(contract: Contract) -> tuple[int | None, bool]:
    """(the 日額 or 時間額, derived from the contract's fee rather than the need's entry); None for a share."""
    basis = contract.paid_as
    if basis in SHARED_BASES:
        return None, False
    if fee_as_offered(contract) and contract.fee_amount is not None:
        return contract.fee_amount, False
    days = Fraction(max(contract.days_per_year, 1))
    if basis == HOURLY:
        days *= Fraction(contract.fee_hours_per_day or 1)
    return yen(Fraction(contract.fee) / days), True


def onsite_days_of_term(contract: Contract) -> Fraction:
    """The on-site days the stored travel pays for: the need's, prorated by the months of the first year's term
    like the travel (unrounded, so that travel ÷ days is the engine's round trip)."""
    first, last = _segment(contract, contract.fiscal_year)
    served = Fraction(months_served(first, last)).limit_denominator(10_000)
    return contract.need_onsite_days * served / MONTHS_PER_YEAR


def travel_per_day(contract: Contract) -> int:
    """費用弁償 per on-site day: travel_cost ÷ the on-site days it pays for, to the yen."""
    days = onsite_days_of_term(contract)
    return yen(contract.travel_cost / days) if days and contract.travel_cost else 0


def month_amount(contract: Contract, year: int, month: int, worked: Worked) -> MonthAmount:
    """What a confirmed month owes: the fee by the basis, and the travel of its on-site days."""
    rate, derived = unit_rate(contract)
    basis = contract.paid_as
    if basis in SHARED_BASES:
        fee = month_share(contract, year, month)
    elif basis == HOURLY:
        fee = yen(Fraction(rate) * Fraction(worked.hours))
    else:
        fee = rate * worked.days
    per_day = travel_per_day(contract)
    return MonthAmount(basis=basis, unit_rate=rate, rate_derived=derived, worked=worked, fee=fee,
                       travel_per_day=per_day, travel=per_day * worked.onsite_days,
                       includes_tax=contract.fee_includes_tax)


def year_forecast(contract: Contract, fiscal_year: int, confirmed: dict[tuple[int, int], MonthAmount]) -> Forecast:
    """What the confirmed months of the fiscal year owe, and what the rest will cost as contracted: the shares
    of the months not yet confirmed (年額・月額), or the days of the year not yet confirmed × the rate (日額; ×
    fee_hours_per_day hours for 時間額), plus the on-site days not yet confirmed × the travel per day. Agreed days
    beyond the contract are paid and leave the planned days as they were; when more days or on-site days than
    planned are already confirmed, nothing is left to come (never a negative rest)."""
    in_year = {key: amount for key, amount in confirmed.items() if fiscal_year_of(dt.date(*key, 1)) == fiscal_year}
    so_far = sum(a.total for a in in_year.values())
    basis = contract.paid_as
    if basis in SHARED_BASES:
        rest_fee = sum(month_share(contract, *key) for key in months_of(contract, fiscal_year) if key not in in_year)
    else:
        rate, _derived = unit_rate(contract)
        days_left = max(0, _year_amounts(contract, fiscal_year)["days_per_year"]
                        - sum(a.worked.days - a.worked.beyond_days for a in in_year.values()))
        per_day = Fraction(rate) * (Fraction(contract.fee_hours_per_day or 1) if basis == HOURLY else 1)
        rest_fee = yen(per_day * days_left)
    onsite_in_year = onsite_days_of_term(contract) * _year_share(contract, fiscal_year)
    onsite_left = max(Fraction(0), onsite_in_year - sum(a.worked.onsite_days for a in in_year.values()))
    return Forecast(so_far=so_far, rest=rest_fee + yen(travel_per_day(contract) * onsite_left))


def _year_share(contract: Contract, fiscal_year: int) -> Fraction:
    share = share_of_year(starts_on=contract.starts_on, ends_on=contract.ends_on,
                          fiscal_year=contract.fiscal_year, year=fiscal_year)
    return Fraction(share).limit_denominator(10_000)
