"""Sign-in hardening: lock-out on every login path, hashed expiring API tokens, strict passwords, security
headers, and sessions that end when idle and after a working day."""

import json
import os
import subprocess
import sys
import time
from datetime import datetime, timedelta
from pathlib import Path

import pytest
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client, RequestFactory, override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from tests.backend.factories import CoordinatorFactory, UserFactory

ROOT = Path(__file__).resolve().parents[3]
PASSWORD = "pw-kenmu-test"  # what UserFactory sets
WRONG = "not-the-password"
PAGE_LOGIN = "/login/"
ADMIN_LOGIN = "/admin/login/"
TOKEN_LOGIN = "/api/v1/auth/token/login/"


def _page_login(client, path: str, username: str, password: str):
    return client.post(path, {"username": username, "password": password})


def _token_login(username: str, password: str):
    return APIClient().post(TOKEN_LOGIN, {"username": username, "password": password}, format="json")


def _five_failures(login, username: str) -> list[int]:
    return [login(username, WRONG).status_code for _ in range(5)]


def _assert_locked_page(response):
    assert response.status_code == 429
    text = response.content.decode()
    assert "30分" in text and "コーディネーター" in text and "システム管理者" in text


# --- lock-out -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path", [PAGE_LOGIN, ADMIN_LOGIN])
def test_five_wrong_passwords_lock_the_page_login_and_the_right_one_is_refused(path):
    victim = UserFactory(is_staff=True)
    bystander = UserFactory(is_staff=True)
    client = Client()

    statuses = _five_failures(lambda u, p: _page_login(client, path, u, p), victim.username)
    assert statuses == [200, 200, 200, 200, 429]

    response = _page_login(client, path, victim.username, PASSWORD)
    _assert_locked_page(response)
    assert "_auth_user_id" not in client.session
    # Another account, from the same address, is unaffected.
    assert _page_login(Client(), path, bystander.username, PASSWORD).status_code == 302


def test_five_wrong_passwords_lock_the_token_login_with_a_bilingual_429():
    victim, bystander = UserFactory(), UserFactory()

    assert _five_failures(_token_login, victim.username) == [400, 400, 400, 400, 429]

    response = _token_login(victim.username, PASSWORD)
    assert response.status_code == 429
    body = response.json()
    (error,) = body["errors"]
    assert error["field"] is None and error["code"] == "locked_out"
    assert "30分" in error["ja"] and "コーディネーター" in error["ja"]
    assert "30 minutes" in error["en"] and body["detail"] == error["en"]
    assert "token" not in body
    assert _token_login(bystander.username, PASSWORD).status_code == 200


def test_the_lock_is_on_the_account_whichever_login_path_failed():
    victim = UserFactory()
    client = Client()
    _five_failures(lambda u, p: _page_login(client, PAGE_LOGIN, u, p), victim.username)
    assert _token_login(victim.username, PASSWORD).status_code == 429


def test_a_successful_login_resets_the_count_of_failures():
    user = UserFactory()
    for _ in range(2):
        assert [_token_login(user.username, WRONG).status_code for _ in range(4)] == [400] * 4
        assert _token_login(user.username, PASSWORD).status_code == 200
    # Eight failures so far, but never five in a row: only now does the fifth one lock.
    assert _five_failures(_token_login, user.username)[-1] == 429


def test_the_lock_ends_after_thirty_minutes():
    from axes.models import AccessAttempt

    user = UserFactory()
    _five_failures(_token_login, user.username)
    AccessAttempt.objects.filter(username=user.username).update(
        attempt_time=timezone.now() - timedelta(minutes=31))
    assert _token_login(user.username, PASSWORD).status_code == 200


def test_the_client_address_comes_from_x_forwarded_for_only_behind_a_configured_proxy():
    from backend.accounts.lockout import client_ip_address

    request = RequestFactory().post(TOKEN_LOGIN, REMOTE_ADDR="10.0.0.2",
                                    HTTP_X_FORWARDED_FOR="203.0.113.9, 198.51.100.7")
    with override_settings(AXES_IPWARE_PROXY_COUNT=0):
        assert client_ip_address(request) == "10.0.0.2"
    with override_settings(AXES_IPWARE_PROXY_COUNT=1):
        # The proxy appends the address it saw; anything left of it is the client's own claim.
        assert client_ip_address(request) == "198.51.100.7"
    forged = RequestFactory().post(TOKEN_LOGIN, REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="<script>")
    with override_settings(AXES_IPWARE_PROXY_COUNT=1):
        assert client_ip_address(forged) == "10.0.0.2"


# --- API tokens -------------------------------------------------------------------------------------------


def _token(user) -> str:
    response = _token_login(user.username, PASSWORD)
    assert response.status_code == 200, response.content
    return response.json()["token"]


def _with_token(token: str) -> APIClient:
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {token}")
    return client


def test_each_login_issues_a_new_token_stored_only_as_a_hash_that_expires_in_ten_hours():
    from knox.crypto import hash_token
    from knox.models import AuthToken

    user = UserFactory()
    response = _token_login(user.username, PASSWORD)
    first, second = response.json()["token"], _token(user)

    assert first != second
    expiry = datetime.fromisoformat(response.json()["expiry"])
    assert abs(expiry - (timezone.now() + timedelta(hours=10))) < timedelta(minutes=1)
    rows = list(AuthToken.objects.filter(user=user).values())
    assert len(rows) == 2
    for token in (first, second):
        assert all(token not in row.values() for row in rows)
        assert any(row["digest"] == hash_token(token) for row in rows)
    assert _with_token(first).get("/api/v1/me/").json()["username"] == user.username


def test_an_expired_token_is_refused():
    from knox.models import AuthToken

    user = UserFactory()
    token = _token(user)
    AuthToken.objects.filter(user=user).update(expiry=timezone.now() - timedelta(seconds=1))
    assert _with_token(token).get("/api/v1/me/").status_code == 401


def test_logout_revokes_only_the_token_it_was_sent_with():
    user = UserFactory()
    used, other = _token(user), _token(user)
    assert _with_token(used).post("/api/v1/auth/token/logout/").status_code == 204
    assert _with_token(used).get("/api/v1/me/").status_code == 401
    assert _with_token(other).get("/api/v1/me/").status_code == 200


def test_logout_all_revokes_every_token_of_the_user_and_no_one_elses():
    user, someone = UserFactory(), UserFactory()
    tokens, theirs = [_token(user), _token(user)], _token(someone)
    assert _with_token(tokens[0]).post("/api/v1/auth/token/logout-all/").status_code == 204
    assert [_with_token(t).get("/api/v1/me/").status_code for t in tokens] == [401, 401]
    assert _with_token(theirs).get("/api/v1/me/").status_code == 200


def test_the_owner_lists_their_tokens_without_the_secrets():
    user, someone = UserFactory(), UserFactory()
    mine, theirs = [_token(user), _token(user)], _token(someone)

    response = _with_token(mine[0]).get("/api/v1/auth/tokens/")
    assert response.status_code == 200
    listed = response.json()
    assert sorted(t["id"] for t in listed) == sorted(t[:15] for t in mine)
    assert all(set(t) == {"id", "created", "expiry"} for t in listed)
    text = response.content.decode()
    assert all(secret not in text for secret in [*mine, theirs]) and theirs[:15] not in text


def test_the_owner_revokes_one_of_their_tokens():
    user = UserFactory()
    keep, revoke = _token(user), _token(user)
    assert _with_token(keep).delete(f"/api/v1/auth/tokens/{revoke[:15]}/").status_code == 204
    assert _with_token(revoke).get("/api/v1/me/").status_code == 401
    assert _with_token(keep).get("/api/v1/me/").status_code == 200


def test_nobody_revokes_another_users_token():
    attacker, victim = UserFactory(), UserFactory()
    victims_token, attackers_token = _token(victim), _token(attacker)
    response = _with_token(attackers_token).delete(f"/api/v1/auth/tokens/{victims_token[:15]}/")
    assert response.status_code == 404
    assert _with_token(victims_token).get("/api/v1/me/").status_code == 200
    # The same request for a token of their own works: the 404 is the scoping, not a missing route.
    assert _with_token(attackers_token).delete(f"/api/v1/auth/tokens/{attackers_token[:15]}/").status_code == 204


def test_the_signed_in_session_user_gets_a_new_token_each_time(client):
    user = UserFactory()
    client.force_login(user)
    first, second = (client.post("/api/v1/auth/token/") for _ in range(2))
    assert first.status_code == second.status_code == 200
    assert first.json()["token"] != second.json()["token"] and "expiry" in first.json()
    assert _with_token(first.json()["token"]).get("/api/v1/me/").status_code == 200


# --- passwords --------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("password", "code"), [
    ("8410395726183", "password_entirely_numeric"),
    ("kenmu-demo", "password_too_short"),  # the demo password: 10 characters
])
def test_short_and_all_digit_passwords_are_refused_and_a_long_phrase_is_not(password, code):
    user = UserFactory.build()
    with pytest.raises(ValidationError) as refused:
        validate_password(password, user)
    assert code in [error.code for error in refused.value.error_list]
    validate_password("shinano-kumo-7-hashi", user)


# --- headers ------------------------------------------------------------------------------------------------


def _policy(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_pages_carry_a_content_security_policy_without_inline_script(client):
    policy = _policy(client.get(PAGE_LOGIN))
    assert policy == {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data:",
        "frame-ancestors": "'none'",
        "form-action": "'self'",
        "base-uri": "'self'",
        "object-src": "'none'",
    }


def test_only_the_swagger_page_may_use_inline_styles_and_its_script_is_a_file(client):
    response = client.get("/api/docs/")
    policy = _policy(response)
    assert policy["style-src"] == "'self' 'unsafe-inline'"
    assert policy["script-src"] == "'self'" and policy["object-src"] == "'none'"
    assert "<script>" not in response.content.decode()
    assert client.get("/api/docs/?script=").headers["Content-Type"].startswith("application/javascript")


SECURITY_SETTINGS = ["SECURE_HSTS_SECONDS", "SECURE_HSTS_INCLUDE_SUBDOMAINS", "SECURE_SSL_REDIRECT",
                     "SECURE_PROXY_SSL_HEADER", "SECURE_REFERRER_POLICY", "SESSION_COOKIE_SECURE",
                     "CSRF_COOKIE_SECURE", "SESSION_COOKIE_HTTPONLY"]


def _production_security_settings() -> dict:
    """The production module's security settings, read in a child process as a deployment would."""
    env = {**os.environ, "SECRET_KEY": "x" * 40, "ALLOWED_HOSTS": "kenmu.example.jp",
           "DATABASE_URL": "postgres://u:p@db.example.jp:5432/kenmu",
           "DJANGO_SETTINGS_MODULE": "backend.config.settings.production"}
    for name in ("SECURE_HSTS_SECONDS", "SECURE_SSL_REDIRECT", "SECURE_COOKIES"):
        env.pop(name, None)
    code = ("import json; from django.conf import settings as s; "
            f"print(json.dumps({{n: getattr(s, n) for n in {SECURITY_SETTINGS!r}}}))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=60)
    assert result.returncode == 0, result.stderr
    values = json.loads(result.stdout)
    values["SECURE_PROXY_SSL_HEADER"] = tuple(values["SECURE_PROXY_SSL_HEADER"])
    return values


def test_production_sends_hsts_over_the_proxys_https_and_leaves_the_redirect_to_the_proxy(client):
    production = _production_security_settings()
    assert production["SESSION_COOKIE_SECURE"] and production["CSRF_COOKIE_SECURE"]
    assert production["SESSION_COOKIE_HTTPONLY"]
    with override_settings(**production):
        response = client.get(PAGE_LOGIN, HTTP_X_FORWARDED_PROTO="https")
        plain = client.get(PAGE_LOGIN)
    assert response.status_code == 200
    assert response.headers["Strict-Transport-Security"] == "max-age=31536000; includeSubDomains"
    assert response.headers["Referrer-Policy"] == "same-origin"
    assert plain.status_code == 200  # SECURE_SSL_REDIRECT is off by default: the proxy terminates TLS


# --- sessions -----------------------------------------------------------------------------------------------


def _signed_in(client) -> Client:
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    assert client.get("/").url == "/dashboard/"
    return client


def _set_session(client, **values) -> None:
    session = client.session
    session.update(values)
    session.save()


def test_a_session_ends_when_the_browser_closes_and_the_server_forgets_it_after_thirty_idle_minutes(client):
    response = client.post(PAGE_LOGIN, {"username": UserFactory().username, "password": PASSWORD})
    assert response.status_code == 302
    assert response.cookies["sessionid"]["max-age"] == "" and response.cookies["sessionid"]["expires"] == ""
    expire_date = Session.objects.get(pk=client.session.session_key).expire_date
    assert abs(expire_date - (timezone.now() + timedelta(minutes=30))) < timedelta(minutes=1)


def test_a_session_idle_longer_than_the_limit_is_signed_out(client):
    from backend.accounts.middleware import SEEN_AT

    _signed_in(client)
    _set_session(client, **{SEEN_AT: time.time() - 30 * 60 - 1})
    assert client.get("/").url.startswith("/login/")
    assert "_auth_user_id" not in client.session


def test_an_active_session_is_signed_out_after_twelve_hours(client):
    from backend.accounts.middleware import LOGIN_AT, SEEN_AT

    _signed_in(client)
    _set_session(client, **{LOGIN_AT: time.time() - 12 * 3600 - 1, SEEN_AT: time.time()})
    assert client.get("/").url.startswith("/login/")


def test_an_active_session_is_saved_again_at_most_once_a_minute(client):
    from backend.accounts.middleware import SEEN_AT

    _signed_in(client)
    _set_session(client, **{SEEN_AT: time.time() - 61})
    before = Session.objects.get(pk=client.session.session_key).expire_date

    client.get("/")
    touched = Session.objects.get(pk=client.session.session_key).expire_date
    assert touched > before and time.time() - client.session[SEEN_AT] < 5

    client.get("/")  # within the minute: no write
    assert Session.objects.get(pk=client.session.session_key).expire_date == touched
