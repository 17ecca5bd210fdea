"""The API's one error shape: every exception a view or service can raise becomes {"detail", "errors"} with the
field, a code and the message in Japanese and English, and a crash under /api/ is JSON, not an HTML page."""

import json

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.test import RequestFactory
from rest_framework.exceptions import ErrorDetail

from backend.core.api import _flatten, exception_handler, server_error


def test_errors_inside_a_list_of_objects_are_named_by_index_and_field():
    detail = {"skills": [{}, {"level": [ErrorDetail("bad level", code="max_value")]}],
              "name": [ErrorDetail("required", code="required")]}

    assert _flatten(detail) == [("skills[1].level", "max_value", "bad level"), ("name", "required", "required")]


def test_errors_of_a_list_of_scalars_are_named_by_index():
    assert _flatten({"weekdays": {2: [ErrorDetail("not a weekday", code="invalid_choice")]}}) == [
        ("weekdays[2]", "invalid_choice", "not a weekday")]


def test_a_database_constraint_violation_is_a_409_conflict_in_both_languages():
    response = exception_handler(IntegrityError("duplicate key value"), {})

    assert response.status_code == 409
    [error] = response.data["errors"]
    assert error["code"] == "conflict" and error["field"] is None
    assert "整合性" in error["ja"] and "integrity constraint" in error["en"]
    assert "duplicate key" not in json.dumps(response.data)  # the database's own words stay in the log


def test_a_django_validation_error_from_a_model_is_a_400_naming_the_field():
    response = exception_handler(DjangoValidationError({"fee_man_yen": ["must be positive"]}), {})

    assert response.status_code == 400
    assert response.data["errors"] == [{"field": "fee_man_yen", "code": "invalid",
                                        "ja": "must be positive", "en": "must be positive"}]


def test_a_django_validation_error_without_a_field_is_a_non_field_error():
    response = exception_handler(DjangoValidationError("the year is closed"), {})

    assert response.status_code == 400
    assert [e["field"] for e in response.data["errors"]] == ["non_field_errors"]


def test_django_404_and_permission_denied_become_the_api_shape_in_both_languages():
    not_found = exception_handler(Http404("no such need"), {})
    denied = exception_handler(DjangoPermissionDenied(), {})

    assert not_found.status_code == 404 and denied.status_code == 403
    assert not_found.data["errors"][0]["code"] == "not_found"
    assert denied.data["errors"][0]["code"] == "permission_denied"
    for response in (not_found, denied):
        error = response.data["errors"][0]
        assert error["ja"] != error["en"], "the Japanese message is the catalogue's, not the English one"
        assert response.data["detail"] == error["en"]


def test_a_crash_under_the_api_is_a_json_500_and_elsewhere_the_html_page():
    api = server_error(RequestFactory().get("/api/v1/needs/"))
    page = server_error(RequestFactory().get("/needs/"))

    assert api.status_code == 500 and api["Content-Type"] == "application/json"
    assert json.loads(api.content)["errors"][0]["code"] == "server_error"
    assert page.status_code == 500 and page["Content-Type"].startswith("text/html")


def test_a_server_error_on_a_page_is_a_japanese_page_in_the_layout(rf):
    """Issue 21: a page that failed answered Django's bare English 「Server Error (500)」."""
    from backend.core.api import server_error

    response = server_error(rf.get("/me/edit/"))
    page = response.content.decode()
    assert response.status_code == 500
    assert "サーバーで問題が発生しました" in page and "frontend/app.css" in page and "Server Error" not in page


def _while_the_database_is_away(client, path: str, monkeypatch):
    """Every new connection is refused, as when PostgreSQL is restarting or unreachable."""
    from django.db import connection
    from django.db.backends.postgresql.base import DatabaseWrapper
    from django.db.utils import OperationalError

    def refuse(self, params):
        raise OperationalError("connection refused")

    from tests.backend.factories import CoordinatorFactory

    client.force_login(CoordinatorFactory(prefecture_id="20"))
    connection.close()
    monkeypatch.setattr(DatabaseWrapper, "get_new_connection", refuse)
    client.raise_request_exception = False
    return client.get(path)


def test_the_api_answers_503_with_retry_after_while_the_database_is_away(client, monkeypatch, committed_db):
    response = _while_the_database_is_away(client, "/api/v1/needs/", monkeypatch)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    (error,) = response.json()["errors"]
    assert error["code"] == "database_unavailable" and "データベース" in error["ja"] and "database" in error["en"]


def test_a_page_answers_a_japanese_503_while_the_database_is_away(client, monkeypatch, committed_db):
    response = _while_the_database_is_away(client, "/needs/", monkeypatch)
    assert response.status_code == 503 and response["Retry-After"] == "30"
    assert "ただいま利用できません" in response.content.decode()
