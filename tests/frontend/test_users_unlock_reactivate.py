"""The users page shows who is locked out and who is inactive, and the coordinator unlocks and reactivates them
there, each with a message after the save; another prefecture's coordinator reaches neither (404)."""

import pytest
from django.test import Client

from backend.accounts.models import User
from backend.accounts.services import user_deactivate
from backend.core.audit import AuditAction
from backend.core.models import AuditLog
from tests.backend.factories import CoordinatorFactory, ExpertUserFactory, MunicipalStaffFactory

pytestmark = pytest.mark.django_db
ADDRESS = "192.0.2.10"


@pytest.fixture
def coordinator():
    return CoordinatorFactory(prefecture_id="20")


@pytest.fixture
def other_coordinator():
    return CoordinatorFactory(prefecture_id="19")


def _lock_out(username: str) -> None:
    client = Client(REMOTE_ADDR=ADDRESS)
    for _ in range(5):
        client.post("/login/", {"username": username, "password": "wrong"})


def _row(page: str, user: User) -> str:
    start = page.index(f'id="user-{user.pk}"')
    return page[start:page.index("</tr>", start)]


def test_the_users_page_shows_a_locked_out_login_and_unlocks_it(client, coordinator):
    staff = MunicipalStaffFactory(municipality_id="202011")
    _lock_out(staff.username)
    client.force_login(coordinator)
    row = _row(client.get("/users/").content.decode(), staff)
    assert "ロック中" in row and "ロックを解除" in row
    done = client.post(f"/users/{staff.pk}/unlock/", follow=True)
    page = done.content.decode()
    assert f"{staff.username} のロックを解除しました" in page
    assert "ロック中" not in _row(page, staff)
    assert AuditLog.objects.filter(action=AuditAction.USER_UNLOCK, object_id=str(staff.pk)).exists()
    assert Client(REMOTE_ADDR=ADDRESS).post(
        "/login/", {"username": staff.username, "password": "pw-kenmu-test"}).status_code == 302


def test_the_users_page_shows_an_inactive_login_and_reactivates_it(client, coordinator):
    staff = MunicipalStaffFactory(municipality_id="202011")
    user_deactivate(actor=coordinator, user=staff)
    client.force_login(coordinator)
    row = _row(client.get("/users/").content.decode(), staff)
    assert "無効" in row and "有効に戻す" in row and "無効にする" not in row
    done = client.post(f"/users/{staff.pk}/reactivate/", follow=True)
    assert f"{staff.username} のアカウントを有効に戻しました" in done.content.decode()
    assert User.objects.get(pk=staff.pk).is_active
    assert AuditLog.objects.filter(action=AuditAction.USER_REACTIVATE, object_id=str(staff.pk)).exists()


def test_reactivating_an_active_login_from_the_page_says_why_not(client, coordinator):
    staff = MunicipalStaffFactory(municipality_id="202011")
    client.force_login(coordinator)
    done = client.post(f"/users/{staff.pk}/reactivate/", follow=True)
    assert "このアカウントは既に有効です" in done.content.decode()


def test_another_prefectures_coordinator_can_neither_unlock_nor_reactivate(client, coordinator, other_coordinator):
    staff = MunicipalStaffFactory(municipality_id="202011")
    _lock_out(staff.username)
    user_deactivate(actor=coordinator, user=staff)
    client.force_login(other_coordinator)
    assert client.post(f"/users/{staff.pk}/unlock/").status_code == 404
    assert client.post(f"/users/{staff.pk}/reactivate/").status_code == 404
    assert not User.objects.get(pk=staff.pk).is_active


def test_staff_and_experts_cannot_reach_the_unlock_or_reactivate_pages(client):
    staff = MunicipalStaffFactory(municipality_id="202011", is_active=False)
    for user in (MunicipalStaffFactory(municipality_id="202011"), ExpertUserFactory()):
        client.force_login(user)
        assert client.post(f"/users/{staff.pk}/unlock/").status_code == 403
        assert client.post(f"/users/{staff.pk}/reactivate/").status_code == 403
    assert not User.objects.get(pk=staff.pk).is_active
