"""Who is told of each engagement and run event, who is not, and what the header's unread count says."""

import pytest
from django.db import transaction
from django.utils import translation

from backend.accounts.models import User
from backend.core.errors import ForbiddenError
from backend.engagements.models import EngagementStatus
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import engagement_respond, engagement_sign_pledge, replacement_request
from backend.notifications.models import Notification, NotificationKind
from backend.notifications.services import notification_mark_all_read, notification_mark_read, notify
from backend.placement.execution import _finish
from backend.placement.services import proposal_approve
from backend.runs.models import RunStatus
from tests.backend.factories import (
    CoordinatorFactory,
    ExpertFactory,
    MatchRunFactory,
    MunicipalStaffFactory,
    ProposalFactory,
)

K = NotificationKind


def _told(kind) -> set[int]:
    return set(Notification.objects.filter(kind=kind).values_list("recipient_id", flat=True))


@pytest.fixture
def offered(coordinator, municipal, expert_user, other_municipal, other_coordinator):
    """An offer to 長野市 for expert_user's expert; a second coordinator of 長野県 and one of another prefecture."""
    CoordinatorFactory(prefecture_id="20", username="second-coordinator")
    proposal = ProposalFactory(expert=expert_user.expert)
    return proposal_approve(actor=coordinator, proposal=proposal)


def test_approving_tells_the_municipality_staff_and_the_expert_that_an_offer_awaits(
        offered, municipal, expert_user, other_municipal, coordinator, other_expert_user):
    assert _told(K.OFFER_AWAITING) == {municipal.pk, expert_user.pk}
    notification = Notification.objects.get(recipient=municipal)
    assert notification.link == f"/engagements/{offered.pk}/"  # the offer's own page (issue 21: the answers are there)
    assert offered.expert.name in notification.text and "長野市" in notification.subject
    assert notification.params["engagement"] == offered.pk


def test_an_inactive_user_is_not_told(coordinator, municipal, expert_user):
    municipal.is_active = False
    municipal.save()
    proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=expert_user.expert))
    assert _told(K.OFFER_AWAITING) == {expert_user.pk}


def test_an_answer_tells_the_prefecture_coordinators_only(offered, municipal, coordinator, other_coordinator):
    engagement_respond(actor=municipal, engagement=offered, accept=True)
    coordinators = set(User.objects.filter(role="coordinator", prefecture_id="20").values_list("pk", flat=True))
    assert len(coordinators) == 2 and _told(K.OFFER_ACCEPTED) == coordinators
    assert "長野市が" in Notification.objects.filter(kind=K.OFFER_ACCEPTED).first().text


def test_a_decline_tells_the_coordinators(offered, expert_user, coordinator, other_coordinator):
    engagement_respond(actor=expert_user, engagement=offered, accept=False, decline_code="schedule", reason="日程が合わない")
    assert coordinator.pk in _told(K.OFFER_DECLINED) and other_coordinator.pk not in _told(K.OFFER_DECLINED)
    assert _told(K.ENGAGEMENT_ACTIVE) == set()


def test_accepting_without_the_pledge_asks_the_expert_to_sign_it(offered, expert_user, municipal):
    engagement_respond(actor=expert_user, engagement=offered, accept=True)
    assert _told(K.PLEDGE_TO_SIGN) == {expert_user.pk}


def test_accepting_with_the_pledge_asks_for_no_signature(offered, expert_user):
    engagement_respond(actor=expert_user, engagement=offered, accept=True, pledge_version=PLEDGE_VERSION)
    assert _told(K.PLEDGE_TO_SIGN) == set()


def test_the_last_answer_tells_all_three_sides_the_engagement_is_active(
        offered, municipal, expert_user, coordinator, other_coordinator, other_municipal):
    engagement_respond(actor=expert_user, engagement=offered, accept=True)
    engagement_respond(actor=municipal, engagement=offered, accept=True)
    assert _told(K.ENGAGEMENT_ACTIVE) == set()  # still waiting for the pledge
    engagement = engagement_sign_pledge(actor=expert_user, engagement=offered, version=PLEDGE_VERSION)
    assert engagement.status == EngagementStatus.ACTIVE
    told = _told(K.ENGAGEMENT_ACTIVE)
    assert {municipal.pk, expert_user.pk, coordinator.pk} <= told
    assert not told & {other_coordinator.pk, other_municipal.pk}


def test_a_replacement_request_tells_the_coordinators(offered, municipal, expert_user, coordinator,
                                                      other_coordinator):
    engagement_respond(actor=expert_user, engagement=offered, accept=True, pledge_version=PLEDGE_VERSION)
    active = engagement_respond(actor=municipal, engagement=offered, accept=True)
    replacement_request(actor=municipal, engagement=active, reason="長期療養のため")
    told = _told(K.REPLACEMENT_REQUESTED)
    assert coordinator.pk in told and other_coordinator.pk not in told and municipal.pk not in told
    assert "長期療養のため" in Notification.objects.filter(kind=K.REPLACEMENT_REQUESTED).first().text


def test_a_finished_run_tells_the_coordinator_who_started_it(coordinator, other_coordinator):
    CoordinatorFactory(prefecture_id="20", username="colleague")
    run = MatchRunFactory(status="running", started_by=coordinator)
    _finish(run.pk, status=RunStatus.SUCCEEDED, result={"assignments": [{}, {}], "objective": {}})
    assert _told(K.RUN_FINISHED) == {coordinator.pk}
    notification = Notification.objects.get()
    assert notification.link == f"/runs/{run.pk}/" and "2件" in notification.text


def test_a_failed_run_tells_its_starter_and_a_cancelled_one_nobody(coordinator):
    failed, cancelled = (MatchRunFactory(status="running", started_by=coordinator) for _ in range(2))
    _finish(failed.pk, status=RunStatus.FAILED, error="RuntimeError: boom")
    _finish(cancelled.pk, status=RunStatus.CANCELLED)
    assert _told(K.RUN_FAILED) == {coordinator.pk}
    assert Notification.objects.count() == 1


def test_nothing_is_told_when_the_action_rolls_back(coordinator, municipal, expert_user):
    proposal = ProposalFactory(expert=expert_user.expert)
    with pytest.raises(RuntimeError), transaction.atomic():
        proposal_approve(actor=coordinator, proposal=proposal)
        raise RuntimeError("the caller fails after the approval")
    assert not Notification.objects.exists()
    municipal.refresh_from_db()
    assert municipal.unread_notifications == 0


def test_a_notification_is_written_in_the_recipients_language(coordinator, municipal):
    english = MunicipalStaffFactory(language="en")
    with translation.override("ja"):
        notify(recipients=[municipal, english], kind=K.RUN_FAILED, link="/runs/1/",
               params={"run": 1, "fy": 2027, "started": "2027-04-01T01:00:00+00:00"})
    assert Notification.objects.get(recipient=municipal).subject == "マッチング（令和9年度 令和9年4月1日 10:00）が失敗しました"
    assert Notification.objects.get(recipient=english).subject == "Match run (FY2027 1 Apr 2027 10:00) failed"
    assert Notification.objects.get(recipient=english).language == "en"


def test_the_unread_count_follows_notify_and_the_read_marks(municipal, coordinator):
    for run in (1, 2, 3):
        notify(recipients=[municipal], kind=K.RUN_FAILED, link=f"/runs/{run}/", params={"run": run})
    notify(recipients=[coordinator], kind=K.RUN_FAILED, link="/runs/9/", params={"run": 9})
    municipal.refresh_from_db()
    assert municipal.unread_notifications == 3
    notification_mark_read(actor=municipal, notification=Notification.objects.filter(recipient=municipal).first())
    notification_mark_read(actor=municipal, notification=Notification.objects.filter(recipient=municipal).first())
    assert municipal.unread_notifications == 2
    assert notification_mark_all_read(actor=municipal) == 2
    assert municipal.unread_notifications == 0
    coordinator.refresh_from_db()
    assert coordinator.unread_notifications == 1


def test_marking_another_users_notification_is_refused_and_changes_nothing(municipal, coordinator):
    (theirs,) = notify(recipients=[coordinator], kind=K.RUN_FAILED, link="/runs/9/", params={"run": 9})
    with pytest.raises(ForbiddenError):
        notification_mark_read(actor=municipal, notification=theirs)
    theirs.refresh_from_db()
    coordinator.refresh_from_db()
    assert theirs.read_at is None and coordinator.unread_notifications == 1


def test_the_placeholder_kinds_render_for_the_other_services(expert_user):
    notify(recipients=[expert_user], kind=K.INVITATION, link="/", params={"invited_by": "長野 花子"})
    notify(recipients=[expert_user], kind=K.APPLICATION_OUTCOME, link="/me/", params={"accepted": True})
    assert {n.kind for n in Notification.objects.all()} == {K.INVITATION, K.APPLICATION_OUTCOME}


def test_an_expert_without_an_account_is_simply_not_told(coordinator, municipal):
    proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=ExpertFactory()))
    assert _told(K.OFFER_AWAITING) == {municipal.pk}
