"""Lists and pages reused per version of the tables they read (backend/core/reuse.py, changes.py): reused while
nothing they read changed, also while other tables are written; never across a write to what they read, never to
another reader, never inside a transaction, never swallowing a message.

These tests commit (transactional database): a version only moves when a write is committed.
"""

import re

import pytest
from django.conf import settings
from django.contrib.messages import constants
from django.contrib.messages.storage.cookie import CookieStorage
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from backend.core.changes import UNTRACKED, prune, table_versions
from backend.needs.models import Need
from tests.backend.conftest import client_for
from tests.backend.factories import CoordinatorFactory, MunicipalStaffFactory, NeedFactory, VendorFactory

pytestmark = pytest.mark.django_db(transaction=True)

NEEDS_API = "/api/v1/needs/"


@pytest.fixture
def register(committed_db):
    return committed_db


def _titles(response):
    return sorted(row["title"] for row in response.json()["results"])


def _without_tokens(response) -> str:
    """A page's text without its CSRF tokens (masked afresh for every response)."""
    return re.sub(r"[A-Za-z0-9]{64}", "", response.content.decode())


def _queries(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    assert response.status_code == 200
    return response, len(queries)


def test_an_unchanged_list_is_built_once_and_served_again(register):
    NeedFactory(title="セキュリティ顧問")
    client = client_for(CoordinatorFactory(prefecture_id="20"))
    first, built = _queries(client, NEEDS_API)
    again, reused = _queries(client, NEEDS_API)
    assert again.json() == first.json()
    assert reused == 1 < built  # only the snapshot is read: the view did not run


def test_a_committed_write_is_seen_at_once(register):
    need = NeedFactory(title="旧タイトル")
    client = client_for(CoordinatorFactory(prefecture_id="20"))
    assert _titles(client.get(NEEDS_API)) == ["旧タイトル"]
    Need.objects.filter(pk=need.pk).update(title="新タイトル")  # a write that sends no signal
    assert _titles(client.get(NEEDS_API)) == ["新タイトル"]


def test_a_reader_never_gets_another_readers_list(register):
    NeedFactory(title="長野市の求人", municipality_id="202011")
    nagano = client_for(CoordinatorFactory(prefecture_id="20"))
    gunma = client_for(CoordinatorFactory(prefecture_id="10"))
    assert _titles(nagano.get(NEEDS_API)) == ["長野市の求人"]
    assert _titles(gunma.get(NEEDS_API)) == []
    other_clerk = client_for(MunicipalStaffFactory(municipality_id="202029"))
    assert _titles(other_clerk.get(NEEDS_API)) == []


def test_the_query_and_language_are_part_of_what_is_reused(register):
    NeedFactory(title="一件目")
    NeedFactory(title="二件目", fiscal_year=2028)
    client = client_for(CoordinatorFactory(prefecture_id="20"))
    assert _titles(client.get(NEEDS_API + "?fiscal_year=2028")) == ["二件目"]
    assert _titles(client.get(NEEDS_API)) == ["一件目", "二件目"]
    bad_ja = client.get(NEEDS_API + "?fiscal_year=x", HTTP_ACCEPT_LANGUAGE="ja")
    assert bad_ja.status_code == 400


def test_nothing_is_reused_inside_a_transaction(register):
    NeedFactory()
    with transaction.atomic():
        assert table_versions() is None
    assert "needs_need" in table_versions()


def test_a_deactivated_user_is_refused_not_served_what_was_kept(register):
    user = CoordinatorFactory(prefecture_id="20", username="kept")
    client = Client()
    client.force_login(user)
    assert client.get(reverse("frontend:needs")).status_code == 200
    type(user).objects.filter(pk=user.pk).update(is_active=False)
    response = client.get(reverse("frontend:needs"))
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_a_page_is_reused_and_a_waiting_message_is_still_shown(register):
    NeedFactory(title="セキュリティ顧問")
    client = Client()
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    client.get(reverse("frontend:needs"))  # the first page gives the CSRF cookie; it is not kept
    first, built = _queries(client, reverse("frontend:needs"))
    again, reused = _queries(client, reverse("frontend:needs"))
    assert _without_tokens(again) == _without_tokens(first) and reused < built
    # A message set by the last save (a cookie, as Django's messages keep it) is shown, not swallowed.
    storage = CookieStorage(first.wsgi_request)
    storage.add(constants.SUCCESS, "保存しました。")
    storage.update(first)
    client.cookies[CookieStorage.cookie_name] = first.cookies[CookieStorage.cookie_name].value
    shown = client.get(reverse("frontend:needs"))
    assert "保存しました。" in shown.content.decode()
    assert "保存しました。" not in client.get(reverse("frontend:needs")).content.decode()


def test_turned_off_every_read_is_built(register, settings):
    settings.KENMU_REUSE_READS = False
    NeedFactory()
    client = client_for(CoordinatorFactory(prefecture_id="20"))
    _, built = _queries(client, NEEDS_API)
    _, again = _queries(client, NEEDS_API)
    assert again == built


def test_the_restriction_register_is_reused_until_a_write_and_filtered_per_query(register):
    client = client_for(CoordinatorFactory(prefecture_id="20"))
    _, built = _queries(client, "/api/v1/restrictions/")
    empty, reused = _queries(client, "/api/v1/restrictions/")
    assert reused == 1 < built and empty.json()["results"] == []
    assert client.get("/api/v1/restrictions/?state=x").status_code == 400  # validated before any reuse
    NeedFactory(title="書き込み")  # a table the register does not read
    _, after_other = _queries(client, "/api/v1/restrictions/")
    assert after_other == 1
    with connection.cursor() as cursor:  # a write to its table, even one that matched no row, moves it
        cursor.execute("UPDATE restrictions_bidrestriction SET id = id WHERE false")
    _, after_write = _queries(client, "/api/v1/restrictions/")
    assert after_write == built


def test_a_write_to_a_table_the_list_does_not_read_leaves_it_reused(register):
    """The quoted failure: under real use every read was built afresh, since any write anywhere (a vendor saved in
    another prefecture, a run's heartbeat) moved the snapshot the reuse was keyed on."""
    NeedFactory(title="セキュリティ顧問")
    client = client_for(CoordinatorFactory(prefecture_id="20"))
    _, built = _queries(client, NEEDS_API)
    VendorFactory(name="別県のベンダー")
    again, reused = _queries(client, NEEDS_API)
    assert reused == 1 < built
    assert _titles(again) == ["セキュリティ顧問"]


def test_a_write_by_raw_sql_to_a_table_the_list_reads_is_seen(register):
    need = NeedFactory(title="旧タイトル")
    client = client_for(CoordinatorFactory(prefecture_id="20"))
    assert _titles(client.get(NEEDS_API)) == ["旧タイトル"]
    with connection.cursor() as cursor:
        cursor.execute("UPDATE needs_need SET title = %s WHERE id = %s", ["新タイトル", need.pk])
    assert _titles(client.get(NEEDS_API)) == ["新タイトル"]


def test_every_table_but_the_untracked_ones_notes_its_writes(register):
    with connection.cursor() as cursor:
        cursor.execute("SELECT c.relname FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid "
                       "WHERE t.tgname = 'kenmu_note_change'")
        noted = {row[0] for row in cursor.fetchall()}
    tables = set(connection.introspection.table_names())
    assert tables - noted == UNTRACKED & tables


def test_pruning_old_changes_moves_the_versions_so_nothing_stale_is_served(register):
    need = NeedFactory(title="一")
    for title in ("二", "三"):
        Need.objects.filter(pk=need.pk).update(title=title)
    before = table_versions()["needs_need"]
    prune(keep=1)
    after = table_versions()
    assert after.get("needs_need") != before
    assert sum(count for count, _, _ in after.values()) == 1


def test_an_api_list_is_shared_by_the_sessions_of_one_user_and_not_by_another_user(register):
    NeedFactory(title="共有される一覧")
    clerk = CoordinatorFactory(prefecture_id="20")
    sessions = [client_for(clerk), client_for(clerk)]
    for session, cookie in zip(sessions, ("a" * 32, "b" * 32), strict=True):
        session.cookies[settings.CSRF_COOKIE_NAME] = cookie  # as two browsers signed in to the API would
    _, built = _queries(sessions[0], NEEDS_API)
    _, second_session = _queries(sessions[1], NEEDS_API)
    _, colleague = _queries(client_for(CoordinatorFactory(prefecture_id="20")), NEEDS_API)
    assert second_session == 1 < built
    assert colleague == built


def test_a_page_kept_for_one_session_of_a_user_carries_form_tokens_for_the_other_sessions_cookie(register):
    from django.middleware.csrf import _does_token_match

    NeedFactory(title="セキュリティ顧問")
    clerk = CoordinatorFactory(prefecture_id="20")
    browsers = [Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)]
    for browser in browsers:
        browser.force_login(clerk)
        browser.get(reverse("frontend:needs"))  # the first page gives the CSRF cookie
    first, built = _queries(browsers[0], reverse("frontend:needs"))
    second, reused = _queries(browsers[1], reverse("frontend:needs"))
    assert reused < built
    tokens = re.findall(r'name="csrfmiddlewaretoken" value="([A-Za-z0-9]{64})"', second.content.decode())
    assert tokens
    secret = browsers[1].cookies[settings.CSRF_COOKIE_NAME].value
    assert all(_does_token_match(token, secret) for token in tokens)
    assert "kenmu-csrf-token" not in second.content.decode()
