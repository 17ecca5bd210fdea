"""People pages: the coordinator's invitations and users, the invitee's set-password page, password reset and
change. Role and scope: others get 403, another prefecture's rows 404."""

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from backend.accounts.models import Invitation, User, UserRole
from backend.accounts.services import invitation_token
from backend.applications.services import invitation_create
from backend.core.models import AuditLog
from backend.geo.models import Municipality
from tests.backend.factories import CoordinatorFactory, MunicipalStaffFactory
from tests.backend.mail import run_queued_tasks

pytestmark = pytest.mark.django_db
PASSWORD = "kenmu-set-by-invitee-2027"


@pytest.fixture
def coordinator():
    return CoordinatorFactory(prefecture_id="20")


@pytest.fixture
def invitation(coordinator):
    return invitation_create(actor=coordinator, email="staff@city.nagano.example.jp", role=UserRole.MUNICIPAL,
                             municipality=Municipality.objects.get(code="202011"))


def test_the_coordinator_invites_from_the_page_and_sees_the_state(client, coordinator):
    client.force_login(coordinator)
    response = client.post("/invitations/new/", {"email": "new@city.nagano.example.jp", "role": "municipal",
                                                 "municipality": "202011", "language": "ja"}, follow=True)
    page = response.content.decode()
    assert "new@city.nagano.example.jp に招待メールを送りました" in page
    assert "送信済み" in page and "長野市" in page and "令和" in page


def test_the_invite_form_shows_the_problem_next_to_the_field(client, coordinator):
    client.force_login(coordinator)
    response = client.post("/invitations/new/", {"email": "not-an-address", "role": "municipal",
                                                 "municipality": "202011"})
    assert response.status_code == 400
    assert 'id="email-errors"' in response.content.decode()


@pytest.mark.parametrize("path", ["/invitations/", "/invitations/new/", "/users/"])
def test_municipal_staff_may_not_open_the_coordinators_pages(client, path):
    client.force_login(MunicipalStaffFactory())
    assert client.get(path).status_code == 403


def test_another_prefectures_coordinator_cannot_resend_revoke_or_deactivate(client, invitation):
    client.force_login(CoordinatorFactory(prefecture_id="19"))
    assert client.post(f"/invitations/{invitation.pk}/resend/").status_code == 404
    assert client.post(f"/invitations/{invitation.pk}/revoke/").status_code == 404
    assert client.post(f"/users/{invitation.user_id}/deactivate/", {"confirmed": "1"}).status_code == 404


def test_the_invitee_sets_a_password_once_and_then_the_link_says_it_was_used(client, invitation):
    path = f"/welcome/{invitation_token(invitation)}/"
    assert "staff@city.nagano.example.jp" in client.get(path).content.decode()
    mismatch = client.post(path, {"password1": PASSWORD, "password2": PASSWORD + "x"})
    assert mismatch.status_code == 400 and "確認用のパスワードが一致しません" in mismatch.content.decode()
    weak = client.post(path, {"password1": "12345678", "password2": "12345678"})
    assert weak.status_code == 400
    done = client.post(path, {"password1": PASSWORD, "password2": PASSWORD}, follow=True)
    assert "パスワードを設定しました" in done.content.decode()
    assert User.objects.get(username="staff@city.nagano.example.jp").check_password(PASSWORD)
    used = client.get(path)
    assert used.status_code == 410 and "既に使用されています" in used.content.decode()


def test_an_expired_or_unknown_link_says_so_in_japanese(client, invitation):
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(minutes=1))
    expired = client.get(f"/welcome/{invitation_token(invitation)}/")
    assert expired.status_code == 410 and "有効期限（7日間）が切れています" in expired.content.decode()
    unknown = client.get("/welcome/deadbeef/")
    assert unknown.status_code == 404 and "このリンクは無効です" in unknown.content.decode()


def test_deactivating_from_the_page_asks_first(client, coordinator):
    staff = MunicipalStaffFactory(municipality_id="202011")
    client.force_login(coordinator)
    assert "無効にしますか" in client.post(f"/users/{staff.pk}/deactivate/").content.decode()
    assert User.objects.get(pk=staff.pk).is_active
    done = client.post(f"/users/{staff.pk}/deactivate/", {"confirmed": "1"}, follow=True)
    assert "のアカウントを無効にしました" in done.content.decode()
    assert not User.objects.get(pk=staff.pk).is_active


@pytest.mark.django_db(transaction=True)  # the worker command closes its database connection when done
def test_password_reset_answers_the_same_and_mails_only_a_known_address(client):
    from backend.geo.services import register_load

    register_load()
    staff = MunicipalStaffFactory(email="known@city.nagano.example.jp", password="old-password-kenmu-1")
    known = client.post("/password/reset/", {"email": "known@city.nagano.example.jp"}, follow=True)
    unknown = client.post("/password/reset/", {"email": "nobody@city.nagano.example.jp"}, follow=True)
    assert known.redirect_chain == unknown.redirect_chain == [("/password/reset/sent/", 302)]
    strip = lambda r: re.sub(r'name="csrfmiddlewaretoken" value="[^"]+"|"X-CSRFToken": "[^"]+"', "", r.content.decode())  # noqa: E731
    assert strip(known) == strip(unknown)
    assert mail.outbox == []  # queued, not sent by the request
    run_queued_tasks()
    (message,) = mail.outbox
    assert message.to == ["known@city.nagano.example.jp"] and message.subject == "【kenmu】パスワードの再設定"
    link = re.search(r"http://[^/]+(/password/reset/\S+)", message.body)[1]
    form = client.get(link, follow=True)
    assert "新しいパスワードの設定" in form.content.decode()
    client.post(form.redirect_chain[-1][0], {"new_password1": PASSWORD, "new_password2": PASSWORD})
    assert User.objects.get(pk=staff.pk).check_password(PASSWORD)
    assert AuditLog.objects.filter(action="user.password_reset", object_id=str(staff.pk)).exists()
    again = client.get(link, follow=True)
    assert "このリンクは使えません" in again.content.decode()


def test_a_signed_in_user_changes_their_password(client):
    staff = MunicipalStaffFactory(password="old-password-kenmu-1")
    client.force_login(staff)
    done = client.post("/password/change/", {"old_password": "old-password-kenmu-1", "new_password1": PASSWORD,
                                              "new_password2": PASSWORD}, follow=True)
    assert "パスワードを変更しました" in done.content.decode()
    assert User.objects.get(pk=staff.pk).check_password(PASSWORD)
    assert AuditLog.objects.filter(action="user.password_change").exists()
