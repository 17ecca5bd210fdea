"""Multi-year terms (issue 21, item 3): a 3-year 任期付短時間職員 engagement holds in every fiscal year its term
covers — later years' instances fix it, approval sees its weekday and days, renewals leave it alone while it runs,
and the costs count it in each year."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.costs.selectors import cost_table
from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.selectors import engagements_holding_in
from backend.engagements.terms import Terms, contract_terms_problems
from backend.experts.services import expert_commitments
from backend.placement.instance import scope_instance
from backend.renewals.services import renewal_prepare
from backend.runs.refs import expert_ref
from tests.backend.conftest import client_for
from tests.backend.factories import ExpertFactory, MatchRunFactory, NeedFactory, ProposalFactory

UEDA, NAGANO = "202037", "202011"


def three_years(expert, *, starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2030, 3, 31), fee=2_400_000,
                days=48) -> Engagement:
    need = NeedFactory(municipality_id=UEDA, fiscal_year=2027, status="filled", role="cio_adviser",
                       employment_forms=["fixed_term_short"])
    return Engagement.objects.create(
        expert=expert, municipality_id=UEDA, need=need, fiscal_year=2027, starts_on=starts_on, ends_on=ends_on,
        weekdays=["mon"], days_per_year=days, fee=fee, travel_cost=0, employment_form="fixed_term_short",
        status="active", pledge_signed_at=timezone.now(), pledge_version=PLEDGE_VERSION)


@pytest.fixture
def expert():
    return ExpertFactory(weekdays=["mon", "tue"], capacity_days=96, max_engagements=3,
                         employment_forms=["special_part_time", "fixed_term_short"])


@pytest.fixture
def ueda(expert):
    """上田市, 2027-04 → 2030-03, Mondays, 48 days and 2,400,000円 a year (the quoted engagement)."""
    return three_years(expert)


def test_the_engagement_holds_in_each_year_its_term_covers_and_no_other(ueda):
    assert [y for y in range(2026, 2032) if engagements_holding_in(fiscal_year=y).filter(pk=ueda.pk).exists()] == [
        2027, 2028, 2029]


def test_the_fy2028_instance_fixes_the_engagement_begun_in_2027(expert, ueda):
    NeedFactory(municipality_id=NAGANO, fiscal_year=2028, weekdays=["mon", "tue"])
    instance = scope_instance(prefecture_codes=["20"], fiscal_year=2028)
    (doc,) = [e for e in instance["experts"] if e["id"] == expert_ref(expert.pk)]
    assert doc["weekdays"] == ["tue"]
    assert (doc["capacity_days"], doc["max_engagements"]) == (96 - 48, 3 - 1)
    (free,) = [e for e in scope_instance(prefecture_codes=["20"], fiscal_year=2030)["experts"]
               if e["id"] == expert_ref(expert.pk)]
    assert free["weekdays"] == ["mon", "tue"] and free["capacity_days"] == 96


def _approve(user, proposal):
    return client_for(user).post(f"/api/v1/proposals/{proposal.pk}/approve/", {}, format="json")


def _proposal(expert, year: int, weekdays=("mon",)):
    return ProposalFactory(expert=expert, weekdays=list(weekdays), run=MatchRunFactory(fiscal_year=year),
                           need=NeedFactory(municipality_id=NAGANO, fiscal_year=year, weekdays=["mon", "tue"]))


def test_approval_on_monday_at_nagano_in_fy2028_is_refused(coordinator, expert, ueda):
    response = _approve(coordinator, _proposal(expert, 2028))
    assert response.status_code == 409, response.content
    assert "rule_11" in [e["code"] for e in response.json()["errors"]]
    assert not Engagement.objects.filter(municipality_id=NAGANO).exists()


def test_approval_on_another_weekday_in_fy2028_counts_the_days_held(coordinator, expert, ueda):
    expert.capacity_days = 90  # 48 held in 2028 + 48 asked > 90
    expert.save()
    response = _approve(coordinator, _proposal(expert, 2028, weekdays=("tue",)))
    assert response.status_code == 409
    assert [e["code"] for e in response.json()["errors"]] == ["rule_10"]


def test_approval_on_monday_after_the_term_ends_is_allowed(coordinator, expert, ueda):
    assert _approve(coordinator, _proposal(expert, 2030)).status_code == 201


def test_renewals_skip_a_term_that_still_runs_and_renew_it_when_it_ends(coordinator, ueda):
    assert renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2028).created == []
    assert renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2029).created == []
    (renewal,) = renewal_prepare(actor=coordinator, prefecture_id="20", fiscal_year=2030).created
    assert (renewal.renewed_from_id, renewal.municipality_id, renewal.current_expert_id) == (
        ueda.pk, UEDA, ueda.expert_id)


def _ueda_fee(user, year: int) -> int:
    row = next((r for r in cost_table(user=user, fiscal_year=year).rows if r.code == UEDA), None)
    return sum(line.committed_fee for line in row.lines) if row is not None else 0


def test_costs_count_the_fee_in_every_year_the_term_covers(coordinator, ueda):
    assert [_ueda_fee(coordinator, y) for y in (2027, 2028, 2029, 2030)] == [2_400_000, 2_400_000, 2_400_000, 0]


def test_costs_of_a_term_begun_in_october_are_by_the_months_served_each_year(coordinator, expert):
    # Stored: the first year's fee, October to March (half of 2,400,000).
    three_years(expert, starts_on=dt.date(2027, 10, 1), ends_on=dt.date(2030, 9, 30), fee=1_200_000)
    assert [_ueda_fee(coordinator, y) for y in (2027, 2028, 2029, 2030, 2031)] == [
        1_200_000, 2_400_000, 2_400_000, 1_200_000, 0]


def test_the_experts_own_limits_count_the_term_in_each_year(expert, ueda):
    three_years(expert, starts_on=dt.date(2028, 4, 1), ends_on=dt.date(2029, 3, 31))
    ueda.refresh_from_db()
    held = expert_commitments(expert=expert)
    assert (held["days"], held["engagements"]) == (96, 2)  # both hold in 2028


def _terms(starts_on, ends_on):
    return Terms(fee=2_400_000, fee_reason="", employment_form="fixed_term_short", starts_on=starts_on,
                 ends_on=ends_on)


def _problems(terms, expert, need):
    return [(p.field, str(p.code)) for p in contract_terms_problems(
        terms, proposal=ProposalFactory(expert=expert, need=need), expert=expert, need=need, days_per_year=48,
        budget=need.budget)]


def test_a_three_year_fixed_term_is_allowed_and_a_longer_one_refused_naming_the_end(expert):
    need = NeedFactory(municipality_id=UEDA, fiscal_year=2027, employment_forms=["fixed_term_short"])
    assert _problems(_terms(dt.date(2027, 4, 1), dt.date(2030, 3, 31)), expert, need) == []
    assert _problems(_terms(dt.date(2027, 4, 1), dt.date(2030, 4, 1)), expert, need) == [
        ("ends_on", "over_three_years")]


def test_a_fixed_term_from_29_february_ends_before_1_march_three_years_on(expert):
    need = NeedFactory(municipality_id=UEDA, fiscal_year=2027, employment_forms=["fixed_term_short"])
    assert _problems(_terms(dt.date(2028, 2, 29), dt.date(2031, 2, 28)), expert, need) == []
    assert _problems(_terms(dt.date(2028, 2, 29), dt.date(2031, 3, 1)), expert, need) == [
        ("ends_on", "over_three_years")]


def test_the_engagements_api_lists_the_term_in_each_year_it_covers(coordinator, ueda):
    def ids(year):
        response = client_for(coordinator).get(f"/api/v1/engagements/?fiscal_year={year}")
        assert response.status_code == 200, response.content
        return [row["id"] for row in response.json()["results"]]

    assert (ids(2027), ids(2029), ids(2030)) == ([ueda.pk], [ueda.pk], [])
