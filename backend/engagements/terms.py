"""The contract terms the coordinator confirms when approving a proposal (報酬・任用形態・任期).

The engine proposes a fee, a form and the weekdays; the contract is what the municipality and the expert
sign. The coordinator may change the fee (with a reason), choose any employment form both sides accept,
and set the term. This module says which terms may be confirmed and what they come to for the fiscal year;
it never writes. Every refusal names the field, in Japanese and English.
"""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

import matching
from backend.core.choices import EmploymentForm, Role
from backend.core.errors import FieldProblem, interpolate
from backend.core.fiscal import fiscal_year_end, fiscal_year_start, months_served, prorate
from backend.engagements.errors import ErrorCode

# 任期付短時間職員: a term of up to 3 years (地方公共団体の一般職の任期付職員の採用に関する法律; an ordinance may
# allow 5, which kenmu does not record, so it keeps to 3). Every other form is engaged for one fiscal year.
MULTI_YEAR_FORMS = {EmploymentForm.FIXED_TERM_SHORT: 3}


def form_notice(*, role: str, employment_form: str) -> bool:
    """The pair the engine flags (form_notice): 特別職非常勤職員 for a hands-on 情報化推進支援員 post."""
    return role == Role.DX_SUPPORTER and employment_form == EmploymentForm.SPECIAL_PART_TIME


def common_forms(expert, need) -> list[str]:
    """The forms both accept, in the municipality's order of preference (the engine's rule 3)."""
    return matching.common_forms(expert.employment_forms, need.employment_forms)


def latest_end(*, employment_form: str, starts_on: dt.date, fiscal_year: int) -> dt.date:
    years = MULTI_YEAR_FORMS.get(employment_form)
    if years is None:
        return fiscal_year_end(fiscal_year)
    # The day before the same date `years` later; from 29 February, the day before 1 March (no 29th that year).
    same_day = dt.date(starts_on.year + years, starts_on.month, 1) + dt.timedelta(days=starts_on.day - 1)
    return same_day - dt.timedelta(days=1)


@dataclass(frozen=True)
class TermsAsked:
    """What the coordinator asks for; None takes the proposal's value (fee, form) or the default term."""

    fee: int | None = None
    fee_reason: str = ""
    employment_form: str | None = None
    starts_on: dt.date | None = None
    ends_on: dt.date | None = None


def terms_asked(data: dict) -> TermsAsked:
    """The terms in validated approval input (ApproveInputSerializer)."""
    return TermsAsked(fee=data.get("fee"), fee_reason=data.get("fee_reason", ""),
                      employment_form=data.get("employment_form") or None, starts_on=data.get("starts_on"),
                      ends_on=data.get("ends_on"))


@dataclass(frozen=True)
class Terms:
    fee: int  # a year's fee (or, for a successor, the fee of the rest of the year), as the proposal states it
    fee_reason: str
    employment_form: str
    starts_on: dt.date
    ends_on: dt.date


def terms_resolve(asked: TermsAsked, *, proposal, expert, need, today: dt.date) -> Terms:
    form = asked.employment_form or proposal.employment_form or next(iter(common_forms(expert, need)), "")
    starts_on = asked.starts_on or max(fiscal_year_start(need.fiscal_year), today)
    return Terms(fee=proposal.fee if asked.fee is None else asked.fee, fee_reason=(asked.fee_reason or "").strip(),
                 employment_form=form, starts_on=starts_on, ends_on=asked.ends_on or fiscal_year_end(need.fiscal_year))


def contract_terms_problems(terms: Terms, *, proposal, expert, need, days_per_year: int, budget: int) -> list[FieldProblem]:
    """What keeps these terms from being confirmed. `days_per_year` and `budget` are the placement's (what is left
    of them for a successor)."""
    return (_fee_problems(terms, proposal=proposal, expert=expert, days_per_year=days_per_year, budget=budget)
            + _form_problems(terms, expert=expert, need=need) + _term_problems(terms, fiscal_year=need.fiscal_year))


def _fee_problems(terms: Terms, *, proposal, expert, days_per_year: int, budget: int) -> list[FieldProblem]:
    problems = []
    lowest = matching.accepted_fee(expert.daily_rate, days_per_year)
    highest = budget - proposal.travel_cost
    if terms.fee < lowest:
        problems.append(FieldProblem(
            "fee", ErrorCode.BELOW_DAILY_RATE,
            interpolate(_("報酬 %(fee)s円 は、人材の日額報酬の下限 %(daily_rate)s円 × %(days)s日 = %(lowest)s円 を下回ります。"),
                        fee=f"{terms.fee:,}", daily_rate=f"{expert.daily_rate:,}", days=days_per_year,
                        lowest=f"{lowest:,}")))
    if terms.fee > highest:
        problems.append(FieldProblem(
            "fee", ErrorCode.OVER_BUDGET,
            interpolate(_("報酬 %(fee)s円 は、予算 %(budget)s円 から費用弁償 %(travel)s円 を引いた %(highest)s円 を超えます。"),
                        fee=f"{terms.fee:,}", budget=f"{budget:,}", travel=f"{proposal.travel_cost:,}",
                        highest=f"{highest:,}")))
    if terms.fee != proposal.fee and not terms.fee_reason:
        problems.append(FieldProblem(
            "fee_reason", ErrorCode.REQUIRED,
            interpolate(_("提案の報酬（%(fee)s円）と異なる報酬には、理由を記録してください。"), fee=f"{proposal.fee:,}")))
    return problems


def _form_problems(terms: Terms, *, expert, need) -> list[FieldProblem]:
    if terms.employment_form in common_forms(expert, need):
        return []
    return [FieldProblem("employment_form", ErrorCode.NOT_ACCEPTED,
                         _("任用形態は、市区町村と人材の双方が受け入れる形態から選んでください。"))]


def _term_problems(terms: Terms, *, fiscal_year: int) -> list[FieldProblem]:
    first, last = fiscal_year_start(fiscal_year), fiscal_year_end(fiscal_year)
    if not first <= terms.starts_on <= last:
        return [FieldProblem("starts_on", ErrorCode.OUTSIDE_FISCAL_YEAR, _("開始日は、ニーズの年度内の日付にしてください。"))]
    if terms.ends_on < terms.starts_on:
        return [FieldProblem("ends_on", ErrorCode.BEFORE_START, _("終了日は開始日以降にしてください。"))]
    if terms.ends_on > latest_end(employment_form=terms.employment_form, starts_on=terms.starts_on,
                                  fiscal_year=fiscal_year):
        if terms.employment_form in MULTI_YEAR_FORMS:
            return [FieldProblem("ends_on", ErrorCode.OVER_THREE_YEARS, _("任期付短時間職員の任期は3年以内です（開始日から3年）。"))]
        return [FieldProblem("ends_on", ErrorCode.OUTSIDE_FISCAL_YEAR,
                             _("この任用形態の任期は年度内です。終了日は年度末（3月31日）までにしてください。"))]
    return []


def share_served(*, starts_on: dt.date, ends_on: dt.date, fiscal_year: int, until: dt.date) -> float:
    """The share of an engagement's stored days, fee and travel served by `until`. They are its first fiscal
    year's (`amounts_for_year`), so the share is of that year's months: from the start to the end or 31 March,
    whichever comes first (a three-year 任期付短時間職員 ended in October has served half its stored year)."""
    year_end = fiscal_year_end(fiscal_year)
    covered = months_served(starts_on, min(ends_on, year_end))
    return min(months_served(starts_on, min(until, year_end)) / max(covered, 1e-9), 1.0)


def amounts_for_year(terms: Terms, *, days_per_year: int, travel_cost: int, fiscal_year: int,
                     successor: bool) -> dict:
    """Days, fee and travel of the engagement in its first fiscal year: prorated by the months served from the
    start to the end (or to 31 March). A successor's proposal already states the rest of the year."""
    if successor:
        return {"days_per_year": days_per_year, "fee": terms.fee, "travel_cost": travel_cost}
    end = min(terms.ends_on, fiscal_year_end(fiscal_year))
    return {"days_per_year": max(1, prorate(days_per_year, start=terms.starts_on, end=end)),
            "fee": prorate(terms.fee, start=terms.starts_on, end=end),
            "travel_cost": prorate(travel_cost, start=terms.starts_on, end=end)}


def share_of_year(*, starts_on: dt.date, ends_on: dt.date, fiscal_year: int, year: int) -> float:
    """What an engagement takes in `year` of the days, fee and travel it stores (its first fiscal year's, as
    `amounts_for_year` prorated them): the months it serves in `year` against the months it serves in the first.
    1 in its first year; a 任期付短時間職員 from 1 October 2027 to 30 September 2030 stores half a year's fee,
    takes 2 × that in 2028 and 1 × in 2030."""
    if year == fiscal_year:
        return 1.0
    first = months_served(starts_on, min(ends_on, fiscal_year_end(fiscal_year)))
    there = months_served(max(starts_on, fiscal_year_start(year)), min(ends_on, fiscal_year_end(year)))
    return there / first if first > 0 else 0.0


def amounts_in_year(engagement, year: int) -> dict:
    """The days, fee and travel an engagement takes in one fiscal year its term covers (share_of_year)."""
    share = share_of_year(starts_on=engagement.starts_on, ends_on=engagement.ends_on,
                          fiscal_year=engagement.fiscal_year, year=year)
    if share == 1.0:
        return {"days_per_year": engagement.days_per_year, "fee": engagement.fee,
                "travel_cost": engagement.travel_cost}
    return {"days_per_year": round(engagement.days_per_year * share), "fee": round(engagement.fee * share),
            "travel_cost": round(engagement.travel_cost * share)}


def successor_terms(current) -> dict:
    """What is left of a need for a successor (要員交代) starting today (or on 1 April): the days of the remaining
    months, and the budget less what the current engagement is paid until the day before; the on-site days
    and the offered fee of those months too. The offered fee is capped at what is left of the budget (the
    current engagement may have been paid more than the offer), so that the instance stays valid."""
    starts_on = max(fiscal_year_start(current.fiscal_year), timezone.localdate())
    ends_on = fiscal_year_end(current.fiscal_year)
    paid = prorate(current.fee + current.travel_cost, start=current.starts_on, end=starts_on - dt.timedelta(days=1)) \
        if starts_on > current.starts_on else 0
    need = current.need
    days = max(1, prorate(need.days_per_year, start=starts_on, end=ends_on))
    terms = {"days_per_year": days, "budget": max(0, need.budget - paid)}
    if need.onsite_required:
        terms["onsite_days"] = min(days, max(1, prorate(need.onsite_days, start=starts_on, end=ends_on)))
    if need.offered_fee is not None:
        terms["offered_fee"] = min(terms["budget"], prorate(need.offered_fee, start=starts_on, end=ends_on))
    return terms
