"""Exceptions to the incumbent conflict are records of their own (issue 11, item 3).

Found by a new user: an exception recorded for one engagement at 長野市 was applied silently to a later need
of 長野市 after that engagement had ended, and no screen listed or revoked exceptions.
"""

import pytest

from backend.core.errors import ConflictError
from backend.engagements.models import CoiOverride, Engagement
from backend.engagements.services import engagement_respond
from backend.placement.services import proposal_approve
from tests.backend.conftest import client_for
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
)


@pytest.fixture
def conflicted():
    expert = ExpertFactory()
    ProcurementFactory(municipality_id="202011", incumbent_vendor=AffiliationFactory(expert=expert).vendor)
    return expert


def test_an_exception_lapses_with_its_engagement_and_a_later_need_asks_for_a_reason_again(coordinator, conflicted):
    first = proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=conflicted, need=NeedFactory()),
                             override_reason="他に候補がいない")
    engagement_respond(actor=ExpertUserFactory(expert=conflicted), engagement=first, accept=False, decline_code="schedule")
    exception = CoiOverride.objects.get()
    assert exception.lapsed_at is not None
    with pytest.raises(ConflictError) as refused:
        proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=conflicted, need=NeedFactory()))
    assert refused.value.problems[0].code == "rule_7"
    second = proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=conflicted, need=NeedFactory()),
                              override_reason="改めて確認した")
    assert second.coi_override.reason == "改めて確認した" and CoiOverride.objects.count() == 2


def test_exceptions_are_listed_per_prefecture_and_for_the_municipality(coordinator, conflicted):
    proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=conflicted, need=NeedFactory()),
                     override_reason="他に候補がいない")
    rows = client_for(coordinator).get("/api/v1/exceptions/").json()["results"]
    assert [(r["expert_name"], r["municipality_name"], r["state"]) for r in rows] == [
        (conflicted.name, "長野市", "in_force")]
    assert len(client_for(MunicipalStaffFactory(municipality_id="202011")).get(
        "/api/v1/exceptions/").json()["results"]) == 1
    assert client_for(CoordinatorFactory(prefecture_id="19")).get("/api/v1/exceptions/").json()["results"] == []
    assert client_for(MunicipalStaffFactory(municipality_id="202029")).get(
        "/api/v1/exceptions/").json()["results"] == []


def test_revoking_an_exception_an_engagement_relies_on_asks_what_to_do_with_it(coordinator, conflicted):
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=conflicted, need=NeedFactory()),
                                  override_reason="他に候補がいない")
    exception = CoiOverride.objects.get()
    client = client_for(coordinator)
    asked = client.post(f"/api/v1/exceptions/{exception.pk}/revoke/", {"reason": "受託者が変わらない"}, format="json")
    assert asked.status_code == 409 and asked.json()["errors"][0]["code"] == "relied_on"
    assert Engagement.objects.get(pk=engagement.pk).status == "offered"
    done = client.post(f"/api/v1/exceptions/{exception.pk}/revoke/",
                       {"reason": "受託者が変わらない", "end_engagements": True}, format="json")
    assert done.status_code == 200 and done.json()["state"] == "revoked"
    assert Engagement.objects.get(pk=engagement.pk).status == "declined"
    other = client_for(CoordinatorFactory(prefecture_id="19"))
    assert other.post(f"/api/v1/exceptions/{exception.pk}/revoke/", {"reason": "x"}, format="json").status_code == 404


def test_the_exceptions_page_lists_and_revokes(client, coordinator, conflicted):
    proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=conflicted, need=NeedFactory()),
                     override_reason="他に候補がいない")
    exception = CoiOverride.objects.get()
    client.force_login(coordinator)
    page = client.get("/exceptions/").content.decode()
    assert "他に候補がいない" in page and conflicted.name in page and "有効" in page
    form = client.get(f"/exceptions/{exception.pk}/revoke/").content.decode()
    assert "この例外で配置した任用" in form
    refused = client.post(f"/exceptions/{exception.pk}/revoke/", {"reason": "見直し"})
    assert refused.status_code == 400 and "任用を終了することを選んでください" in refused.content.decode()
    done = client.post(f"/exceptions/{exception.pk}/revoke/", {"reason": "見直し", "end_engagements": "on"},
                       follow=True)
    assert "例外を取り消しました。" in done.content.decode()


def test_ending_engagements_for_a_revoked_exception_shortens_their_restrictions(coordinator, conflicted):
    import datetime as dt

    from django.utils import timezone

    from backend.restrictions.models import BidRestriction
    from backend.restrictions.services import restrictions_record_for_engagement

    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=conflicted, need=NeedFactory()),
                                  override_reason="他に候補がいない")
    today = timezone.localdate()
    Engagement.objects.filter(pk=engagement.pk).update(status="active", starts_on=today - dt.timedelta(days=10),
                                                       pledge_signed_at=timezone.now())
    restrictions_record_for_engagement(actor=coordinator, engagement=Engagement.objects.get(pk=engagement.pk))
    client_for(coordinator).post(f"/api/v1/exceptions/{CoiOverride.objects.get().pk}/revoke/",
                                 {"reason": "見直し", "end_engagements": True}, format="json")
    assert BidRestriction.objects.get(engagement=engagement).ends_on == today


def test_revoking_without_a_reason_says_what_the_reason_is_for_on_the_page_and_in_the_api(client, coordinator,
                                                                                         conflicted):
    proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=conflicted, need=NeedFactory()),
                     override_reason="他に候補がいない")
    exception = CoiOverride.objects.get()
    client.force_login(coordinator)
    page = client.post(f"/exceptions/{exception.pk}/revoke/", {"reason": " "})
    assert page.status_code == 400 and "取り消す理由を記入してください。" in page.content.decode()
    errors = client_for(coordinator).post(f"/api/v1/exceptions/{exception.pk}/revoke/", {}, format="json").json()
    assert {(e["field"], e["ja"], e["en"]) for e in errors["errors"]} == {
        ("reason", "取り消す理由を記入してください。", "Give the reason for revoking the exception.")}
    assert CoiOverride.objects.get().revoked_at is None
