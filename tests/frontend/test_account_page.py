"""A coordinator sets their own e-mail address on the account page: validated, audited (issue 21 item 14)."""

import pytest

from backend.core.audit import AuditAction
from backend.core.models import AuditLog
from tests.backend.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db


def test_a_coordinator_sets_their_own_email_and_it_is_audited(client):
    coordinator = CoordinatorFactory(prefecture_id="20", email="old@pref.nagano.example.jp")
    client.force_login(coordinator)
    page = client.get("/account/").content.decode()
    assert 'value="old@pref.nagano.example.jp"' in page
    response = client.post("/account/", {"email": " new@pref.nagano.example.jp ", "phone": "026-000-0000"},
                           follow=True)
    assert "連絡先を保存しました。" in response.content.decode()
    coordinator.refresh_from_db()
    assert coordinator.email == "new@pref.nagano.example.jp"
    row = AuditLog.objects.get(action=AuditAction.USER_CONTACT_UPDATE)
    assert (row.actor_id, row.before, row.after) == (
        coordinator.pk, {"email": "old@pref.nagano.example.jp", "phone": None},
        {"email": "new@pref.nagano.example.jp", "phone": "026-000-0000"})


@pytest.mark.parametrize(("typed", "said"), [
    ("", "メールアドレスを入力してください。"),
    ("not-an-address", "メールアドレスの形式が正しくありません"),
    ("a" * 140 + "@example.jp", "150文字以内"),
])
def test_a_bad_address_is_refused_next_to_the_field_and_nothing_changes(client, typed, said):
    coordinator = CoordinatorFactory(prefecture_id="20", email="old@pref.nagano.example.jp")
    client.force_login(coordinator)
    response = client.post("/account/", {"email": typed})
    html = response.content.decode()
    assert response.status_code == 400
    assert 'id="email-errors"' in html and said in html
    coordinator.refresh_from_db()
    assert coordinator.email == "old@pref.nagano.example.jp"
    assert not AuditLog.objects.filter(action=AuditAction.USER_CONTACT_UPDATE).exists()
