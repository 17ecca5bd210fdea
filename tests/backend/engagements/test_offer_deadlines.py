"""Offers' answer deadlines (issue 25 item 6): set at approval from the prefecture's setting, changed per offer by
its coordinator only, reminded two days before to the side that has not answered, and lapsed once past — by the
daily task, or by an answer that came too late — like a decline: the need reopens, the pair is remembered with
the reason, both sides and the coordinators are told, audited."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.core.audit import AuditAction
from backend.core.errors import ConflictError, DomainError, ForbiddenError
from backend.core.models import AuditLog
from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import (
    engagement_deadline_set,
    engagement_respond,
    engagements_lapse_due,
    engagements_remind_deadline,
)
from backend.engagements.tasks import offers_daily_enqueue
from backend.geo.models import PrefectureSetting
from backend.needs.models import Need
from backend.notifications.models import Notification, NotificationKind
from backend.placement.services import proposal_approve
from backend.runs.models import PairDecision
from tests.backend.concurrency import race
from tests.backend.conftest import client_for
from tests.backend.factories import (
    CoordinatorFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    ProposalFactory,
)

TODAY = dt.date(2026, 12, 7)


def _offer(coordinator):
    proposal = ProposalFactory()
    engagement = proposal_approve(actor=coordinator, proposal=proposal)
    return engagement, MunicipalStaffFactory(municipality_id=engagement.municipality_id), \
        ExpertUserFactory(expert=engagement.expert)


def _told(kind, engagement) -> set[int]:
    return set(Notification.objects.filter(kind=kind, params__engagement=engagement.pk).values_list(
        "recipient_id", flat=True))


@pytest.mark.django_db
def test_an_offer_gets_its_answer_deadline_from_the_prefectures_setting(coordinator):
    PrefectureSetting.objects.update_or_create(prefecture_id="20", defaults={"offer_answer_days": 10})
    engagement, _staff, _expert = _offer(coordinator)
    assert engagement.answer_by == timezone.localdate() + dt.timedelta(days=10)


@pytest.mark.django_db
def test_the_prefectures_coordinator_alone_changes_an_offers_deadline_and_never_to_a_past_day(
        coordinator, other_coordinator):
    engagement, staff, expert_user = _offer(coordinator)
    for outsider in (other_coordinator, staff, expert_user):
        with pytest.raises(ForbiddenError):
            engagement_deadline_set(actor=outsider, engagement=engagement, answer_by=TODAY + dt.timedelta(days=30),
                                    today=TODAY)
    with pytest.raises(DomainError) as refused:
        engagement_deadline_set(actor=coordinator, engagement=engagement, answer_by=TODAY - dt.timedelta(days=1),
                                today=TODAY)
    assert refused.value.problems[0].field == "answer_by"
    before = engagement.answer_by
    engagement_deadline_set(actor=coordinator, engagement=engagement, answer_by=TODAY + dt.timedelta(days=30),
                            today=TODAY)
    engagement.refresh_from_db()
    assert engagement.answer_by == TODAY + dt.timedelta(days=30)
    (row,) = AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_DEADLINE_SET, object_id=str(engagement.pk))
    assert row.before == {"answer_by": before.isoformat()} and row.after == {"answer_by": "2027-01-06"}
    assert _told(NotificationKind.OFFER_DEADLINE_NEAR, engagement) == {staff.pk, expert_user.pk}
    # the API: another prefecture's coordinator does not see it (404), a party may not change it (403)
    url = f"/api/v1/engagements/{engagement.pk}/deadline/"
    assert client_for(other_coordinator).post(url, {"answer_by": "2027-01-10"}, format="json").status_code == 404
    assert client_for(staff).post(url, {"answer_by": "2027-01-10"}, format="json").status_code == 403


@pytest.mark.django_db
def test_the_side_that_has_not_answered_is_reminded_once_two_days_before_the_deadline(coordinator):
    engagement, staff, expert_user = _offer(coordinator)
    engagement_respond(actor=staff, engagement=engagement, accept=True)
    Engagement.objects.filter(pk=engagement.pk).update(answer_by=TODAY + dt.timedelta(days=3))
    assert engagements_remind_deadline(today=TODAY) == []  # three days before: not yet
    assert engagements_remind_deadline(today=TODAY + dt.timedelta(days=1)) == [engagement.pk]
    assert engagements_remind_deadline(today=TODAY + dt.timedelta(days=2)) == []  # once per offer
    assert _told(NotificationKind.OFFER_DEADLINE_NEAR, engagement) == {expert_user.pk}  # the municipality answered


@pytest.mark.django_db
def test_an_offer_past_its_deadline_lapses_like_a_decline(coordinator):
    engagement, staff, expert_user = _offer(coordinator)
    Engagement.objects.filter(pk=engagement.pk).update(answer_by=TODAY)
    assert engagements_lapse_due(today=TODAY) == []  # the deadline day itself is still open
    assert engagements_lapse_due(today=TODAY + dt.timedelta(days=1)) == [engagement.pk]
    engagement.refresh_from_db()
    assert (engagement.status, engagement.decline_code, engagement.declined_by) == ("lapsed", "lapsed", "lapsed")
    assert Need.objects.get(pk=engagement.need_id).status == "open"
    pair = PairDecision.objects.get(need_id=engagement.need_id, expert_id=engagement.expert_id)
    assert (pair.kind, pair.declined_by, pair.reason) == ("forbid", "lapsed", "回答期限切れ")
    (row,) = AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_LAPSE, object_id=str(engagement.pk))
    assert row.actor_id is None and row.after["status"] == "lapsed"
    assert _told(NotificationKind.OFFER_LAPSED, engagement) == {staff.pk, expert_user.pk, coordinator.pk}
    assert engagements_lapse_due(today=TODAY + dt.timedelta(days=2)) == []  # lapsed once


@pytest.mark.django_db
def test_an_answer_after_the_deadline_is_refused_and_the_offer_lapses_then(coordinator):
    engagement, staff, _expert = _offer(coordinator)
    Engagement.objects.filter(pk=engagement.pk).update(answer_by=TODAY - dt.timedelta(days=1))
    with pytest.raises(ConflictError) as refused:
        engagement_respond(actor=staff, engagement=engagement, accept=True, today=TODAY)
    assert refused.value.problems[0].code == "answer_too_late"
    engagement.refresh_from_db()
    assert engagement.status == "lapsed" and engagement.municipality_accepted_at is None
    assert AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_LAPSE, object_id=str(engagement.pk)).count() == 1
    assert AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_ACCEPT, object_id=str(engagement.pk)).count() == 0
    response = client_for(staff).post(f"/api/v1/engagements/{engagement.pk}/accept/", {}, format="json")
    assert response.status_code == 409  # lapsed: no longer offered


def test_the_daily_task_is_queued_once_a_day(db):
    assert offers_daily_enqueue() is True
    assert offers_daily_enqueue() is False


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("attempt", range(2))
def test_the_lapse_and_an_acceptance_at_once_leave_one_consistent_state(committed_db, attempt):
    """The expert accepts on the deadline day while the daily task, already on the next day, lapses the offer:
    whichever takes the offer's locks first wins whole (active and never lapsed, or lapsed and the answer refused)."""
    coordinator = CoordinatorFactory(prefecture_id="20")
    engagement, staff, expert_user = _offer(coordinator)
    engagement_respond(actor=staff, engagement=engagement, accept=True)
    Engagement.objects.filter(pk=engagement.pk).update(answer_by=TODAY)
    outcomes = race([
        lambda: engagements_lapse_due(today=TODAY + dt.timedelta(days=1)),
        lambda: engagement_respond(actor=expert_user, engagement=engagement, accept=True,
                                   pledge_version=PLEDGE_VERSION, today=TODAY),
    ], expected=(DomainError,))
    assert all(o is not None for o in outcomes), outcomes  # no deadlock, no other error
    engagement.refresh_from_db()
    lapses = AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_LAPSE, object_id=str(engagement.pk)).count()
    activations = AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_ACTIVATE, object_id=str(engagement.pk)).count()
    if isinstance(outcomes[1], DomainError):  # lapsed first: the acceptance was refused
        assert outcomes[0] == [engagement.pk]
        assert (engagement.status, lapses, activations) == ("lapsed", 1, 0) and not engagement.expert_accepted_at
        assert Need.objects.get(pk=engagement.need_id).status == "open"
    else:  # accepted first: active, nothing lapsed
        assert outcomes[0] == []
        assert (engagement.status, lapses, activations) == ("active", 0, 1)
        assert Need.objects.get(pk=engagement.need_id).status == "filled"
