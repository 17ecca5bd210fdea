"""Approval re-checks the hard rules against the database as it is now."""

import pytest

from backend.engagements.models import CoiOverride, Engagement, EngagementStatus
from backend.engagements.pledge import PLEDGE_VERSION
from backend.placement.services import proposal_approve
from tests.backend.conftest import client_for
from tests.backend.factories import (
    AffiliationFactory,
    ExpertFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
)


def _approve(user, proposal, **body):
    return client_for(user).post(f"/api/v1/proposals/{proposal.pk}/approve/", body, format="json")


def test_approving_a_proposal_creates_an_offered_engagement(coordinator):
    proposal = ProposalFactory(weekdays=["tue"])
    response = _approve(coordinator, proposal)
    assert response.status_code == 201, response.content
    engagement = Engagement.objects.get()
    assert (engagement.status, engagement.weekdays, engagement.fee) == ("offered", ["tue"], 2_400_000)
    assert engagement.employment_form == "special_part_time"
    assert str(engagement.starts_on) >= "2027-04-01" and str(engagement.ends_on) == "2028-03-31"
    proposal.need.refresh_from_db()
    assert proposal.need.status == "filled"


def test_approval_refuses_capacity_taken_since_the_run(coordinator):
    expert = ExpertFactory(capacity_days=60)
    first = ProposalFactory(expert=expert, weekdays=["mon"])
    second = ProposalFactory(expert=expert, weekdays=["tue"])
    assert _approve(coordinator, first).status_code == 201
    response = _approve(coordinator, second)
    assert response.status_code == 409
    assert [e["code"] for e in response.json()["errors"]] == ["rule_10"]
    assert Engagement.objects.count() == 1


def test_approval_refuses_a_weekday_already_taken(coordinator):
    expert = ExpertFactory(capacity_days=200)
    assert _approve(coordinator, ProposalFactory(expert=expert, weekdays=["mon"])).status_code == 201
    response = _approve(coordinator, ProposalFactory(expert=expert, weekdays=["mon"]))
    assert response.status_code == 409
    assert "rule_11" in [e["code"] for e in response.json()["errors"]]


def test_approval_refuses_more_than_max_engagements(coordinator):
    expert = ExpertFactory(capacity_days=300, max_engagements=1)
    assert _approve(coordinator, ProposalFactory(expert=expert, weekdays=["mon"])).status_code == 201
    response = _approve(coordinator, ProposalFactory(expert=expert, weekdays=["tue"]))
    assert "rule_9" in [e["code"] for e in response.json()["errors"]]


def test_incumbent_procurement_added_after_the_run_blocks_approval_until_a_reason_is_recorded(coordinator):
    affiliation = AffiliationFactory(relation="employee")
    proposal = ProposalFactory(expert=affiliation.expert, need=NeedFactory(municipality_id="202011"))
    ProcurementFactory(municipality_id="202011", status="ongoing", incumbent_vendor=affiliation.vendor)
    refused = _approve(coordinator, proposal)
    assert refused.status_code == 409
    (error,) = refused.json()["errors"]
    assert error["field"] == "override_reason" and error["code"] == "rule_7"
    assert Engagement.objects.count() == 0 and CoiOverride.objects.count() == 0
    accepted = _approve(coordinator, proposal, override_reason="他に適任者がいないため、調達には関与させない")
    assert accepted.status_code == 201
    assert accepted.json()["override_reason"].startswith("他に適任者")
    assert CoiOverride.objects.get().reason.startswith("他に適任者")


def test_approval_refuses_an_expert_whose_rate_now_exceeds_the_budget(coordinator):
    proposal = ProposalFactory(expert=ExpertFactory(daily_rate=50_000), need=NeedFactory(budget=2_400_000))
    proposal.expert.daily_rate = 60_000
    proposal.expert.save()
    response = _approve(coordinator, proposal)
    assert "rule_6" in [e["code"] for e in response.json()["errors"]]


def test_approval_counts_travel_against_the_budget_as_the_run_did(coordinator):
    """Rule 6 of format version 2 is fee + travel within the budget: an expert whose lowest fee still fits the
    budget but not with the proposal's travel reimbursement (費用弁償) is refused, with both amounts named."""
    proposal = ProposalFactory(expert=ExpertFactory(daily_rate=45_000), need=NeedFactory(budget=2_400_000),
                               travel_cost=300_000)
    response = _approve(coordinator, proposal)
    assert response.status_code == 409, response.content
    (error,) = [e for e in response.json()["errors"] if e["code"] == "rule_6"]
    assert "費用弁償 300,000円" in error["ja"] and "travel 300,000 yen" in error["en"]
    assert not Engagement.objects.exists()


def test_a_proposal_cannot_be_approved_twice(coordinator):
    proposal = ProposalFactory()
    assert _approve(coordinator, proposal).status_code == 201
    assert _approve(coordinator, proposal).status_code == 409


def test_other_roles_and_prefectures_cannot_approve(coordinator, other_coordinator, municipal, expert_user):
    proposal = ProposalFactory()
    assert _approve(other_coordinator, proposal).status_code == 404
    assert _approve(municipal, proposal).status_code == 404
    assert _approve(expert_user, proposal).status_code == 404
    assert Engagement.objects.count() == 0


def test_engagement_is_active_only_when_both_sides_accept(coordinator, municipal):
    proposal = ProposalFactory(need=NeedFactory(municipality_id="202011"))
    engagement = proposal_approve(actor=coordinator, proposal=proposal)
    from tests.backend.factories import ExpertUserFactory

    expert_user = ExpertUserFactory(expert=proposal.expert)
    url = f"/api/v1/engagements/{engagement.pk}/accept/"
    assert client_for(municipal).post(url).json()["status"] == "offered"
    assert client_for(coordinator).post(url).status_code == 403  # not a party
    accepted = client_for(expert_user).post(url).json()
    assert accepted["status"] == "offered" and accepted["pledge_signed_at"] is None  # no pledge yet
    signed = client_for(expert_user).post(f"/api/v1/engagements/{engagement.pk}/pledge/",
                                          {"pledge_version": PLEDGE_VERSION}, format="json").json()
    assert signed["status"] == "active" and signed["pledge_version"] == PLEDGE_VERSION


def test_declining_an_offer_reopens_the_need(coordinator):
    proposal = ProposalFactory()
    engagement = proposal_approve(actor=coordinator, proposal=proposal)
    from tests.backend.factories import ExpertUserFactory

    response = client_for(ExpertUserFactory(expert=proposal.expert)).post(
        f"/api/v1/engagements/{engagement.pk}/decline/", {"decline_code": "fee"}, format="json")
    assert response.json()["status"] == EngagementStatus.DECLINED
    proposal.need.refresh_from_db()
    assert proposal.need.status == "open"


@pytest.mark.parametrize("role", ["other_coordinator", "other_municipal", "other_expert_user"])
def test_engagements_are_invisible_outside_their_parties(request, coordinator, role):
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory())
    user = request.getfixturevalue(role)
    assert client_for(user).get(f"/api/v1/engagements/{engagement.pk}/").status_code == 404


def _serves_elsewhere(proposal):
    proposal.expert.serves_prefectures.set(["19"])


def _loses_the_skill(proposal):
    proposal.expert.skills.filter(skill="security").update(level=1)


def _drops_the_form(proposal):
    proposal.expert.employment_forms = ["commission"]
    proposal.expert.save()


def _cannot_go_onsite(proposal):
    proposal.need.onsite_required = True
    proposal.need.onsite_days = proposal.need.days_per_year
    proposal.need.save()
    proposal.expert.onsite_prefectures.set(["19"])


def _changes_weekdays(proposal):
    proposal.expert.weekdays = ["fri"]
    proposal.expert.save()


@pytest.mark.parametrize(("change", "rule", "words"), [
    (_serves_elsewhere, "rule_1", "対象範囲："),
    (_loses_the_skill, "rule_2", "スキル：必須スキルが不足しています（情報セキュリティ）。"),
    (_drops_the_form, "rule_3", "任用形態："),
    (_cannot_go_onsite, "rule_4", "現地勤務："),
    (_changes_weekdays, "rule_5", "曜日："),
])
def test_approval_refuses_each_pair_rule_broken_since_the_run(coordinator, change, rule, words):
    proposal = ProposalFactory(weekdays=["mon"])
    change(proposal)
    response = _approve(coordinator, proposal)
    assert response.status_code == 409, response.content
    errors = response.json()["errors"]
    assert [e["code"] for e in errors] == [rule]
    assert errors[0]["ja"].startswith(words) and "ルール" not in errors[0]["ja"]
    assert not Engagement.objects.exists()


def test_approval_refuses_a_pair_forbidden_since_the_run_in_words(coordinator):
    from backend.runs.models import PairDecision

    proposal = ProposalFactory()
    PairDecision.objects.create(need=proposal.need, expert=proposal.expert, kind="forbid")
    response = _approve(coordinator, proposal)
    assert response.status_code == 409, response.content
    assert [(e["code"], e["ja"]) for e in response.json()["errors"]] == [
        ("rule_8", "除外の指定：この組み合わせは除外されています。")]


def test_a_weekday_worked_elsewhere_is_named_in_the_order_of_the_week(coordinator):
    expert = ExpertFactory(capacity_days=300)
    held = NeedFactory(weekly_days=2, days_per_year=96, budget=4_800_000)
    assert _approve(coordinator, ProposalFactory(expert=expert, need=held, weekdays=["fri", "thu"],
                                                 days_per_year=96, fee=4_800_000)).status_code == 201
    wanted = NeedFactory(weekly_days=2, days_per_year=96, budget=4_800_000)
    response = _approve(coordinator, ProposalFactory(expert=expert, need=wanted, weekdays=["thu", "fri"],
                                                     days_per_year=96, fee=4_800_000))
    assert [(e["code"], e["ja"]) for e in response.json()["errors"]] == [
        ("rule_11", "曜日の重複：同じ曜日に別の勤務があります（木、金）。")]


def test_approval_refuses_weekdays_named_for_a_need_that_is_not_weekly(coordinator):
    """The engine's rule: an assignment to a need that is not weekly names no weekdays (they would keep the
    expert from other needs on those days). The copy approval used to keep of the rules did not check it."""
    need = NeedFactory(pattern="monthly", weekly_days=0, days_per_year=24, weekdays=[])
    response = _approve(coordinator, ProposalFactory(need=need, weekdays=["mon"], days_per_year=24))
    assert [e["code"] for e in response.json()["errors"]] == ["rule_5"]
    assert _approve(coordinator, ProposalFactory(need=need, weekdays=[], days_per_year=24)).status_code == 201
