"""The lock-out counts a username from the address that failed (issue 21: five requests from anywhere locked
`demo-coordinator` for everyone), and a username of any length is an ordinary failed login, not a 500."""

import pytest
from django.test import Client

from tests.backend.factories import UserFactory

PASSWORD = "pw-kenmu-test"  # what UserFactory sets


def _fail_five_times(username: str, address: str) -> list[int]:
    client = Client(REMOTE_ADDR=address)
    return [client.post("/login/", {"username": username, "password": "wrong"}).status_code for _ in range(5)]


def test_failures_from_one_address_do_not_lock_the_account_from_another(db):
    victim = UserFactory()
    assert _fail_five_times(victim.username, "192.0.2.10")[-1] == 429
    assert Client(REMOTE_ADDR="192.0.2.10").post(
        "/login/", {"username": victim.username, "password": PASSWORD}).status_code == 429
    assert Client(REMOTE_ADDR="198.51.100.7").post(
        "/login/", {"username": victim.username, "password": PASSWORD}).status_code == 302


@pytest.mark.parametrize("path", ["/login/", "/admin/login/"])
def test_a_username_longer_than_any_account_is_a_failed_login_not_a_500(db, path):
    response = Client().post(path, {"username": "a" * 300, "password": "wrong"})
    assert response.status_code == 200
    assert "_auth_user_id" not in Client().session
