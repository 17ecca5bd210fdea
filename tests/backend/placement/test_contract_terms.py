"""The contract terms the coordinator confirms at approval: fee, employment form and term."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.core.errors import DomainError
from backend.engagements.terms import TermsAsked
from backend.placement.services import proposal_approve
from tests.backend.conftest import client_for
from tests.backend.factories import ExpertFactory, NeedFactory, ProposalFactory


@pytest.fixture
def april(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2027, 3, 1))


def _proposal(**need):
    expert = ExpertFactory(daily_rate=40_000, employment_forms=["special_part_time", "contract", "fixed_term_short"])
    need = NeedFactory(budget=3_000_000, employment_forms=["special_part_time", "contract", "fixed_term_short"],
                       **need)
    return ProposalFactory(need=need, expert=expert, fee=2_400_000, travel_cost=100_000,
                           employment_form="special_part_time")


def _refusals(proposal, coordinator, **asked) -> set[tuple[str, str]]:
    with pytest.raises(DomainError) as excinfo:
        proposal_approve(actor=coordinator, proposal=proposal, terms=TermsAsked(**asked))
    assert all(p.ja and p.en for p in excinfo.value.problems)
    return {(p.field, p.code) for p in excinfo.value.problems}


def test_by_default_the_engagement_takes_the_proposals_fee_form_and_the_fiscal_year(coordinator, april):
    engagement = proposal_approve(actor=coordinator, proposal=_proposal())
    assert (engagement.fee, engagement.travel_cost, engagement.employment_form) == (2_400_000, 100_000,
                                                                                     "special_part_time")
    assert (engagement.starts_on, engagement.ends_on) == (dt.date(2027, 4, 1), dt.date(2028, 3, 31))
    assert engagement.fee_reason == ""


def test_a_confirmed_fee_other_than_the_proposals_needs_a_reason(coordinator, april):
    proposal = _proposal()
    assert ("fee_reason", "required") in _refusals(proposal, coordinator, fee=2_600_000)
    engagement = proposal_approve(actor=coordinator, proposal=proposal,
                                  terms=TermsAsked(fee=2_600_000, fee_reason="条例改正で報酬額を改定"))
    assert (engagement.fee, engagement.fee_reason) == (2_600_000, "条例改正で報酬額を改定")


def test_the_fee_stays_between_the_experts_lowest_and_the_budget_less_travel(coordinator, april):
    proposal = _proposal()
    assert ("fee", "below_daily_rate") in _refusals(proposal, coordinator, fee=40_000 * 48 - 1, fee_reason="値下げ")
    assert ("fee", "over_budget") in _refusals(proposal, coordinator, fee=3_000_000 - 100_000 + 1, fee_reason="増額")
    assert proposal_approve(actor=coordinator, proposal=proposal,
                            terms=TermsAsked(fee=2_900_000, fee_reason="予算の上限まで")).fee == 2_900_000


def test_the_form_must_be_one_both_sides_accept(coordinator, april):
    assert ("employment_form", "not_accepted") in _refusals(_proposal(), coordinator, employment_form="fiscal_year")


def test_terms_are_within_the_fiscal_year_except_fixed_term_short_up_to_three_years(coordinator, april):
    proposal = _proposal()
    assert ("ends_on", "outside_fiscal_year") in _refusals(proposal, coordinator, ends_on=dt.date(2028, 4, 30))
    assert ("starts_on", "outside_fiscal_year") in _refusals(proposal, coordinator, starts_on=dt.date(2027, 3, 31))
    assert ("ends_on", "over_three_years") in _refusals(proposal, coordinator, employment_form="fixed_term_short",
                                                          ends_on=dt.date(2030, 4, 1))
    engagement = proposal_approve(actor=coordinator, proposal=proposal, terms=TermsAsked(
        employment_form="fixed_term_short", ends_on=dt.date(2030, 3, 31)))
    assert (engagement.employment_form, engagement.ends_on) == ("fixed_term_short", dt.date(2030, 3, 31))
    assert engagement.fee == 2_400_000  # the first fiscal year, served in full


def test_a_later_start_prorates_days_fee_and_travel_by_month(coordinator, april):
    engagement = proposal_approve(actor=coordinator, proposal=_proposal(),
                                  terms=TermsAsked(starts_on=dt.date(2027, 10, 1)))
    assert (engagement.days_per_year, engagement.fee, engagement.travel_cost) == (24, 1_200_000, 50_000)


def test_the_api_takes_the_terms_and_names_the_refused_field(coordinator, other_coordinator, april):
    proposal = _proposal()
    url = f"/api/v1/proposals/{proposal.pk}/approve/"
    assert client_for(other_coordinator).post(url, {"fee": 2_500_000}, format="json").status_code == 404
    refused = client_for(coordinator).post(url, {"fee": 2_500_000}, format="json")
    assert refused.status_code == 400
    assert {e["field"] for e in refused.json()["errors"]} == {"fee_reason"}
    approved = client_for(coordinator).post(url, {"fee": 2_500_000, "fee_reason": "市の条例による",
                                                  "employment_form": "contract"}, format="json")
    assert approved.status_code == 201, approved.content
    assert (approved.json()["fee"], approved.json()["employment_form"]) == (2_500_000, "contract")


def test_the_approval_page_shows_the_terms_and_the_form_notice(client, coordinator, april):
    proposal = _proposal(role="dx_supporter")
    client.force_login(coordinator)
    page = client.post(f"/proposals/{proposal.pk}/approve/").content.decode()
    assert 'name="fee_man" min="0" step="0.1" value="240"' in page and "地方公務員法第3条第3項第3号" in page
    refused = client.post(f"/proposals/{proposal.pk}/approve/", {"confirmed": "1", "fee_man": "250"})
    assert refused.status_code == 400 and 'id="fee_reason-errors"' in refused.content.decode()
