"""Expert applications: submitted in public, seen only by the coordinators of the prefecture applied to,
accepted (Expert, login and invitation in one transaction) or declined with a reason the applicant is mailed."""

import datetime as dt

import pytest
from django.core import mail
from django.core.cache import cache

from backend.accounts.models import Invitation, User, UserRole
from backend.applications.selectors import expert_application_list
from backend.applications.services import (
    expert_application_accept,
    expert_application_decline,
    expert_application_submit,
)
from backend.core.audit import AuditAction
from backend.core.errors import ConflictError, DomainError, ForbiddenError
from backend.core.models import AuditLog
from backend.experts.models import ApplicationStatus, Expert, ExpertApplication
from backend.experts.selectors import expert_list
from backend.experts.workflows import AFFILIATION_CHANGE_WORKFLOW, APPLICATION_WORKFLOW
from backend.geo.models import Prefecture
from backend.procurement.models import Vendor
from tests.backend.factories import VendorFactory, corporate_number

APPLICATION = {"name": "応募 次郎", "name_kana": "おうぼ じろう", "email": "jiro@example.jp", "phone": "090-0000-0000",
               "skills": {"security": 3, "data": 2}, "capacity_days": 48, "weekdays": ["tue", "thu"],
               "daily_rate": 45_000, "employment_forms": ["contract"],
               "affiliations": [{"vendor_name": "信州システム株式会社", "relation": "side_job", "ended_on": None},
                                {"vendor_name": "新しい会社", "relation": "employee", "ended_on": None}],
               "pledge": True}


@pytest.fixture
def application(db):
    return expert_application_submit(prefecture=Prefecture.objects.get(code="20"), data=APPLICATION, language="ja")


def test_an_application_is_seen_only_by_the_coordinators_it_was_sent_to(application, coordinator, other_coordinator,
                                                                        municipal, expert_user):
    assert list(expert_application_list(user=coordinator)) == [application]
    for other in (other_coordinator, municipal, expert_user):
        assert not expert_application_list(user=other).exists()
    assert not Expert.objects.filter(name="応募 次郎").exists()  # listed nowhere before acceptance
    with pytest.raises(ForbiddenError):
        expert_application_accept(actor=other_coordinator, application=application, vendors=[None, None])
    with pytest.raises(ForbiddenError):
        expert_application_decline(actor=other_coordinator, application=application, reason="x")


def test_accepting_creates_the_expert_the_login_and_the_invitation_together(application, coordinator,
                                                                            django_capture_on_commit_callbacks):
    known = VendorFactory(name="信州システム株式会社")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        expert = expert_application_accept(actor=coordinator, application=application, vendors=[known, None],
                                           vendor_numbers=[None, corporate_number(50)])
    assert len(queued) == 1  # the invitation mail, after the commit
    assert (expert.registering_prefecture_id, expert.daily_rate, expert.weekdays) == ("20", 45_000, ["tue", "thu"])
    assert dict(expert.skills.values_list("skill", "level")) == {"security": 3, "data": 2}
    assert expert.pool_pledge_signed_on is not None
    created = Vendor.objects.get(name="新しい会社")
    assert set(expert.affiliations.values_list("vendor_id", "relation")) == {(known.pk, "side_job"),
                                                                          (created.pk, "employee")}
    login = User.objects.get(expert=expert)
    assert (login.username, login.role, login.has_usable_password()) == ("jiro@example.jp", UserRole.EXPERT, False)
    assert Invitation.objects.get(user=login).state == "sent"
    assert expert_list(user=coordinator).filter(pk=expert.pk).exists()
    application.refresh_from_db()
    assert (application.status, application.expert) == (ApplicationStatus.ACCEPTED, expert)
    assert AuditLog.objects.filter(action="application.accept", object_id=str(application.pk)).exists()


def test_an_acceptance_that_fails_leaves_nothing_behind(application, coordinator):
    User.objects.create_user("jiro@example.jp", role=UserRole.ADMIN)  # the login cannot be made
    with pytest.raises(DomainError):
        expert_application_accept(actor=coordinator, application=application, vendors=[None, None],
                                  vendor_numbers=[corporate_number(51), corporate_number(52)])
    assert not Expert.objects.filter(name="応募 次郎").exists()
    assert not Vendor.objects.filter(name="新しい会社").exists()
    assert ExpertApplication.objects.get(pk=application.pk).status == ApplicationStatus.PENDING


@pytest.mark.django_db(transaction=True)
def test_declining_needs_a_reason_and_mails_it_to_the_applicant(committed_db):
    from tests.backend.factories import CoordinatorFactory
    from tests.backend.mail import run_queued_tasks

    coordinator = CoordinatorFactory(prefecture_id="20")
    application = expert_application_submit(prefecture=Prefecture.objects.get(code="20"), data=APPLICATION,
                                            language="ja")
    with pytest.raises(DomainError):
        expert_application_decline(actor=coordinator, application=application, reason="  ")
    expert_application_decline(actor=coordinator, application=application, reason="今年度の募集は終了しました。")
    run_queued_tasks()
    (message,) = mail.outbox
    assert message.to == ["jiro@example.jp"] and "長野県への応募について" in message.subject
    assert "今年度の募集は終了しました。" in message.body
    assert AuditLog.objects.filter(action="application.decline").exists()


def test_each_decision_is_one_audited_move_from_pending_and_a_decided_application_is_not_decided_again(
        application, coordinator):
    declined = expert_application_decline(actor=coordinator, application=application, reason="今年度は終了しました。")

    row = AuditLog.objects.get(object_type="ExpertApplication", object_id=str(application.pk),
                               action=AuditAction.APPLICATION_DECLINE)
    assert (row.before["status"], row.after["status"], row.after["reason"]) == ("pending", "declined", "今年度は終了しました。")
    assert (declined.status, declined.decided_by, declined.decision_reason) == (
        ApplicationStatus.DECLINED, coordinator, "今年度は終了しました。")
    with pytest.raises(ConflictError) as again:
        expert_application_accept(actor=coordinator, application=application, vendors=[None, None])
    assert [(p.field, p.code) for p in again.value.problems] == [("application", "decided")]
    assert not Expert.objects.filter(name="応募 次郎").exists()


def test_the_workflow_of_an_application_and_of_an_affiliation_change_lists_each_move_with_its_action():
    def moves(workflow):
        return {str(action): (sorted(move.sources), move.target) for action, move in workflow.moves.items()}

    assert moves(APPLICATION_WORKFLOW) == {"application.accept": (["pending"], "accepted"),
                                           "application.decline": (["pending"], "declined")}
    assert moves(AFFILIATION_CHANGE_WORKFLOW) == {"affiliation.accept": (["pending"], "accepted"),
                                                  "affiliation.decline": (["pending"], "declined")}


def test_the_public_page_takes_an_application_without_an_account(client, db):
    cache.clear()
    form = {"name": "応募 三郎", "name_kana": "おうぼ さぶろう", "email": "saburo@example.jp", "skill_security": "2",
            "capacity_days": "24", "weekdays": ["mon"], "daily_rate": "40000", "employment_forms": ["contract"],
            "aff-0-vendor_name": "甲府データ", "aff-0-relation": "employee", "pledge": "on"}
    response = client.post("/apply/19/", form)
    assert response.status_code == 200 and "応募を受け付けました" in response.content.decode()
    stored = ExpertApplication.objects.get(email="saburo@example.jp")
    assert (stored.prefecture_id, stored.affiliations[0]["vendor_name"]) == ("19", "甲府データ")
    without_pledge = client.post("/apply/19/", {**form, "pledge": ""})
    assert without_pledge.status_code == 400 and "秘密保持の誓約に同意してください" in without_pledge.content.decode()


def test_the_public_page_limits_submissions_per_address(client, db, settings):
    cache.clear()
    settings.KENMU_APPLICATIONS_PER_HOUR = 2
    for _ in range(2):
        assert client.post("/apply/20/", {"name": ""}, REMOTE_ADDR="192.0.2.7").status_code == 400
    limited = client.post("/apply/20/", {"name": ""}, REMOTE_ADDR="192.0.2.7")
    assert limited.status_code == 429 and "多すぎます" in limited.content.decode()
    assert client.post("/apply/20/", {"name": ""}, REMOTE_ADDR="192.0.2.8").status_code == 400  # another address


@pytest.mark.parametrize("who", ["municipal", "expert_user", "other_coordinator"])
def test_only_the_prefectures_coordinator_reviews(client, request, who, application):
    client.force_login(request.getfixturevalue(who))
    expected = 404 if who == "other_coordinator" else 403
    assert client.get(f"/applications/{application.pk}/").status_code == expected
    assert client.post(f"/applications/{application.pk}/decide/", {"decision": "decline",
                                                                   "reason": "x"}).status_code == expected
    assert ExpertApplication.objects.get(pk=application.pk).status == ApplicationStatus.PENDING


def test_the_review_page_counts_and_accepts(client, application, coordinator):
    client.force_login(coordinator)
    page = client.get("/applications/").content.decode()
    assert "審査待ち（1）" in page and "応募 次郎" in page
    done = client.post(f"/applications/{application.pk}/decide/", {
        "decision": "accept", "vendor-number-0": corporate_number(51), "vendor-number-1": corporate_number(52)},
        follow=True)
    assert "招待メールを送りました" in done.content.decode()
    assert ExpertApplication.objects.get(pk=application.pk).status == ApplicationStatus.ACCEPTED


def test_the_review_page_shows_each_affiliation_with_its_end_as_a_wareki_date(client, coordinator, db):
    application = expert_application_submit(prefecture=Prefecture.objects.get(code="20"), language="ja", data={
        **APPLICATION, "affiliations": [{"vendor_name": "松本ソフト合同会社", "relation": "former_employee",
                                         "ended_on": dt.date(2025, 3, 31)}]})
    client.force_login(coordinator)
    page = client.get(f"/applications/{application.pk}/").content.decode()
    assert "松本ソフト合同会社（元在籍・令和7年3月31日まで）" in page
    assert "2025-03-31" not in page
    expert_application_decline(actor=coordinator, application=application, reason="今年度の募集は終了しました。")
    decided = client.get(f"/applications/{application.pk}/").content.decode()
    assert "松本ソフト合同会社（元在籍・令和7年3月31日まで）" in decided  # still told after the decision


def test_the_review_list_pages_through_every_application_instead_of_cutting_it_off(client, coordinator, db):
    for index in range(25):
        expert_application_submit(prefecture=Prefecture.objects.get(code="20"), language="ja",
                                  data={**APPLICATION, "name": f"応募 {index:02d}", "email": f"a{index}@example.jp"})
    client.force_login(coordinator)
    first = client.get("/applications/?status=pending").content.decode()
    assert "25件中 1〜20件目" in first and "審査待ち（25）" in first
    second = client.get("/applications/?status=pending&page=2").content.decode()
    assert "25件中 21〜25件目" in second
    assert "応募 00" in second and "応募 00" not in first  # the oldest come last, on the second page
