"""Deactivation ends a login's API tokens for good, and a coordinator lifts a lock-out and reactivates a login of
their prefecture, each audited (issue 21: coordinators could neither unlock nor reactivate anyone)."""

import pytest
from django.test import Client
from knox.models import AuthToken

from backend.accounts.services import auth_token_issue, user_deactivate, user_reactivate, user_unlock
from backend.core.audit import AuditAction
from backend.core.audit_verify import audit_chain_verify
from backend.core.errors import ConflictError
from backend.core.models import AuditLog
from tests.backend.factories import MunicipalStaffFactory

PASSWORD = "pw-kenmu-test"  # what UserFactory sets
ADDRESS = "192.0.2.10"


def _me(token: str) -> int:
    return Client().get("/api/v1/me/", HTTP_AUTHORIZATION=f"Token {token}").status_code


def _lock_out(username: str) -> None:
    client = Client(REMOTE_ADDR=ADDRESS)
    statuses = [client.post("/login/", {"username": username, "password": "wrong"}).status_code for _ in range(5)]
    assert statuses[-1] == 429


def _signs_in(username: str) -> bool:
    return Client(REMOTE_ADDR=ADDRESS).post("/login/", {"username": username, "password": PASSWORD}).status_code == 302


def test_a_deactivated_logins_tokens_die_and_stay_dead_when_it_is_reactivated(coordinator, municipal):
    token, _expiry = auth_token_issue(actor=municipal)
    assert _me(token) == 200
    user_deactivate(actor=coordinator, user=municipal)
    assert _me(token) == 401
    user_reactivate(actor=coordinator, user=municipal)
    assert _me(token) == 401
    assert not AuthToken.objects.filter(user=municipal).exists()
    assert _signs_in(municipal.username)  # with the password it had


def test_reactivation_revokes_tokens_a_deactivation_elsewhere_left_behind(coordinator, municipal):
    auth_token_issue(actor=municipal)
    type(municipal).objects.filter(pk=municipal.pk).update(is_active=False)  # as an older release left it
    user_reactivate(actor=coordinator, user=municipal)
    assert not AuthToken.objects.filter(user=municipal).exists()
    row = AuditLog.objects.get(action=AuditAction.USER_REACTIVATE, object_id=str(municipal.pk))
    assert row.actor_id == coordinator.pk and row.before == {"is_active": False}
    assert row.after == {"is_active": True, "tokens_revoked": 1}


def test_reactivating_an_active_login_is_refused_naming_it(coordinator, municipal):
    with pytest.raises(ConflictError) as refused:
        user_reactivate(actor=coordinator, user=municipal)
    assert refused.value.problems[0].field == "user"


def test_a_coordinator_unlocks_a_locked_out_login_at_once_and_it_is_audited(coordinator, municipal):
    _lock_out(municipal.username)
    assert not _signs_in(municipal.username)
    cleared = user_unlock(actor=coordinator, user=municipal)
    assert cleared >= 1
    assert _signs_in(municipal.username)
    row = AuditLog.objects.get(action=AuditAction.USER_UNLOCK, object_id=str(municipal.pk))
    assert row.actor_id == coordinator.pk
    assert row.after == {"locked_out": False, "failed_attempts_cleared": cleared}
    assert audit_chain_verify().broken is None


def test_unlocking_a_login_that_is_not_locked_out_is_refused(coordinator, municipal):
    Client(REMOTE_ADDR=ADDRESS).post("/login/", {"username": municipal.username, "password": "wrong"})  # one slip
    with pytest.raises(ConflictError):
        user_unlock(actor=coordinator, user=municipal)
    assert not AuditLog.objects.filter(action=AuditAction.USER_UNLOCK).exists()


def test_the_api_unlocks_and_reactivates_only_in_the_coordinators_prefecture(coordinator, other_coordinator):
    from tests.backend.conftest import client_for

    staff = MunicipalStaffFactory(municipality_id="202011")
    _lock_out(staff.username)
    assert client_for(other_coordinator).post(f"/api/v1/users/{staff.pk}/unlock/").status_code == 404
    assert client_for(coordinator).post(f"/api/v1/users/{staff.pk}/unlock/").status_code == 200
    assert client_for(coordinator).post(f"/api/v1/users/{staff.pk}/unlock/").status_code == 409
    user_deactivate(actor=coordinator, user=staff)
    assert client_for(other_coordinator).post(f"/api/v1/users/{staff.pk}/reactivate/").status_code == 404
    response = client_for(coordinator).post(f"/api/v1/users/{staff.pk}/reactivate/")
    assert response.status_code == 200 and response.json()["is_active"] is True
