"""An on-site need and an expert with no home: the travel reimbursement is not known, and is never shown as 0円
(issue 21: every demo proposal had 費用弁償 0円, silently)."""

from backend.engagements.models import Engagement
from tests.backend.conftest import client_for
from tests.backend.factories import ExpertFactory, NeedFactory, ProposalFactory


def _onsite_need():
    return NeedFactory(onsite_required=True)


def test_a_proposal_with_onsite_days_and_no_home_answers_a_null_travel_cost_and_the_flag(coordinator):
    proposal = ProposalFactory(need=_onsite_need(), expert=ExpertFactory(home_municipality=None), travel_cost=0)
    rows = client_for(coordinator).get(f"/api/v1/runs/{proposal.run_id}/proposals/").json()
    row = rows["results"][0] if isinstance(rows, dict) else rows[0]
    assert (row["travel_cost"], row["travel_uncounted"]) == (None, True)


def test_a_proposal_whose_expert_has_a_home_answers_its_travel_cost(coordinator):
    proposal = ProposalFactory(need=_onsite_need(), expert=ExpertFactory(home_municipality_id="202029"),
                               travel_cost=12_000)
    rows = client_for(coordinator).get(f"/api/v1/runs/{proposal.run_id}/proposals/").json()
    row = rows["results"][0] if isinstance(rows, dict) else rows[0]
    assert (row["travel_cost"], row["travel_uncounted"]) == (12_000, False)


def test_a_need_without_onsite_days_counts_no_travel_even_without_a_home(coordinator):
    proposal = ProposalFactory(need=NeedFactory(onsite_required=False), expert=ExpertFactory(), travel_cost=0)
    rows = client_for(coordinator).get(f"/api/v1/runs/{proposal.run_id}/proposals/").json()
    row = rows["results"][0] if isinstance(rows, dict) else rows[0]
    assert (row["travel_cost"], row["travel_uncounted"]) == (0, False)


def test_an_engagement_with_onsite_days_and_no_home_answers_null_in_the_list_and_the_detail(coordinator):
    engagement = Engagement.objects.create(
        expert=ExpertFactory(), municipality_id="202011", need=_onsite_need(), fiscal_year=2027,
        starts_on="2027-04-01", ends_on="2028-03-31", weekdays=["mon"], days_per_year=48, fee=2_400_000,
        employment_form="contract")
    api = client_for(coordinator)
    listed = api.get("/api/v1/engagements/").json()["results"]
    detail = api.get(f"/api/v1/engagements/{engagement.pk}/").json()
    assert [(r["travel_cost"], r["travel_uncounted"]) for r in listed] == [(None, True)]
    assert (detail["travel_cost"], detail["travel_uncounted"]) == (None, True)
