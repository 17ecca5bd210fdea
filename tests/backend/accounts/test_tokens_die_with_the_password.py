"""API tokens die with the password they were issued under, and a flood of reset requests for one address
sends three mails, not sixteen (issue 21)."""

import pytest
from knox.models import AuthToken

from backend.accounts.services import (
    RESET_MAILS_PER_WINDOW,
    auth_token_issue,
    password_changed,
    password_reset_request,
)
from backend.core.audit import AuditAction
from backend.core.models import AuditLog
from tests.backend.factories import UserFactory


@pytest.mark.parametrize("reset", [False, True])
def test_a_changed_or_reset_password_revokes_every_api_token(db, reset):
    user, bystander = UserFactory(), UserFactory()
    auth_token_issue(actor=user)
    auth_token_issue(actor=user)
    auth_token_issue(actor=bystander)
    password_changed(actor=user, reset=reset)
    assert not AuthToken.objects.filter(user=user).exists()
    assert AuthToken.objects.filter(user=bystander).count() == 1
    row = AuditLog.objects.filter(object_id=str(user.pk)).latest("id")
    assert row.action == (AuditAction.USER_PASSWORD_RESET if reset else AuditAction.USER_PASSWORD_CHANGE)
    assert row.after == {"tokens_revoked": 2}


def test_reset_requests_for_one_address_send_a_bounded_number_of_mails(db, django_capture_on_commit_callbacks):
    user = UserFactory(email="clerk@city.example.lg.jp")
    with django_capture_on_commit_callbacks() as queued:
        for _ in range(16):
            password_reset_request(email="Clerk@city.example.lg.jp ")
    assert len(queued) == RESET_MAILS_PER_WINDOW == 3
    assert AuditLog.objects.filter(action=AuditAction.USER_PASSWORD_RESET_REQUEST, object_id=str(user.pk)).count() == 3
