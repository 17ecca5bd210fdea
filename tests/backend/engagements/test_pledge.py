"""The confidentiality pledge per engagement (issue 11, item 2).

Tried as a new user: an expert with no signed confidentiality pledge was approved, accepted by both sides and
became active (稼働中); the proposal said 誓約書が必要 and nothing held the engagement back.
"""

import pytest
from django.db import IntegrityError

from backend.core.errors import ConflictError, ForbiddenError
from backend.core.models import AuditLog
from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import engagement_respond, engagement_sign_pledge
from backend.placement.services import proposal_approve
from tests.backend.factories import (
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProposalFactory,
)


@pytest.fixture
def offer(coordinator):
    expert = ExpertFactory(pool_pledge_signed_on=None)
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(
        expert=expert, need=NeedFactory(municipality_id="202011")))
    return engagement, ExpertUserFactory(expert=expert), MunicipalStaffFactory(municipality_id="202011")


def test_accepted_by_both_sides_without_a_pledge_is_not_active(offer):
    engagement, expert_user, staff = offer
    engagement_respond(actor=staff, engagement=engagement, accept=True)
    engagement = engagement_respond(actor=expert_user, engagement=engagement, accept=True)
    assert engagement.status == "offered" and engagement.pledge_signed_at is None


def test_the_pledge_signed_for_the_municipality_makes_it_active_and_is_recorded(offer):
    engagement, expert_user, staff = offer
    engagement_respond(actor=staff, engagement=engagement, accept=True)
    engagement = engagement_respond(actor=expert_user, engagement=engagement, accept=True,
                                    pledge_version=PLEDGE_VERSION)
    assert engagement.status == "active" and engagement.pledge_version == PLEDGE_VERSION
    row = AuditLog.objects.get(action="engagement.sign_pledge")
    assert row.after["municipality"] == "202011" and row.scope == ["20"]


def test_an_outdated_pledge_text_or_another_signer_is_refused(offer):
    engagement, expert_user, staff = offer
    with pytest.raises(ConflictError):
        engagement_sign_pledge(actor=expert_user, engagement=engagement, version="2020.1")
    with pytest.raises(ForbiddenError):
        engagement_sign_pledge(actor=staff, engagement=engagement, version=PLEDGE_VERSION)


def test_the_database_refuses_an_active_engagement_without_a_pledge(offer):
    engagement, *_ = offer
    with pytest.raises(IntegrityError):
        Engagement.objects.filter(pk=engagement.pk).update(status="active")


def test_the_offer_page_asks_the_expert_to_sign_and_the_municipality_sees_it(client, offer):
    engagement, expert_user, staff = offer
    client.force_login(expert_user)
    page = client.get("/engagements/").content.decode()
    assert "長野市への情報漏洩防止の誓約書" in page and "業務上知り得た情報" in page
    unticked = client.post(f"/engagements/{engagement.pk}/respond/",
                           {"answer": "accept", "pledge_version": PLEDGE_VERSION}, follow=True)
    assert "チェックしてください" in unticked.content.decode()
    client.post(f"/engagements/{engagement.pk}/respond/",
                {"answer": "accept", "pledge_version": PLEDGE_VERSION, "pledge": "on"})
    engagement.refresh_from_db()
    assert engagement.pledge_signed_at is not None and engagement.expert_accepted_at is not None
    client.force_login(staff)
    assert "署名済" in client.get("/engagements/").content.decode()
