"""Input PostgreSQL cannot store (NUL, lone surrogates) is a 400 naming where it was, before any view runs."""

import json

import pytest

from backend.needs.models import Need
from tests.backend.conftest import client_for

NEED = {"fiscal_year": 2027, "role": "cio_adviser", "title": "CIO補佐官", "pattern": "weekly", "pattern_days": 1,
        "weekdays": ["mon", "tue"], "budget": 2_400_000, "employment_forms": ["special_part_time"]}


def _the_error(response) -> dict:
    assert response.status_code == 400, response.content
    body = response.json()
    (error,) = body["errors"]
    assert body["detail"] == error["en"]
    return error


def _post_json(client, url: str, raw: str):
    return client.generic("POST", url, raw.encode("utf-8"), content_type="application/json")


def test_a_nul_in_a_path_segment_is_a_400_naming_the_path(municipal):
    error = _the_error(client_for(municipal).get("/api/v1/prefectures/2%000/"))
    assert (error["field"], error["code"]) == ("path", "null_character")
    assert "URL のパス" in error["ja"] and "NUL 文字" in error["ja"]
    assert "URL path" in error["en"]


def test_a_nul_in_a_query_parameter_is_a_400_naming_the_parameter(municipal):
    error = _the_error(client_for(municipal).get("/api/v1/municipalities/?kind=city&name=a%00"))
    assert (error["field"], error["code"]) == ("name", "null_character")
    assert "クエリパラメータ「name」" in error["ja"]


def test_a_nul_in_a_json_string_field_is_a_400_naming_the_field_and_nothing_is_stored(municipal):
    raw = json.dumps({**NEED, "title": "a\u0000b"})
    assert "\\u0000" in raw  # sent escaped, as any JSON encoder does
    error = _the_error(_post_json(client_for(municipal), "/api/v1/needs/", raw))
    assert (error["field"], error["code"]) == ("title", "null_character")
    assert "項目「title」" in error["ja"]
    assert Need.objects.count() == 0


def test_a_nul_in_a_json_key_is_named_by_its_escaped_path(municipal):
    raw = json.dumps({**NEED, "required_skills": {"secu\u0000rity": 2}})
    error = _the_error(_post_json(client_for(municipal), "/api/v1/needs/", raw))
    assert (error["field"], error["code"]) == ("required_skills.secu\\u0000rity", "null_character")


def test_a_nul_in_a_list_is_named_by_its_index(municipal):
    raw = json.dumps({**NEED, "weekdays": ["mon", "tue\u0000"]})
    error = _the_error(_post_json(client_for(municipal), "/api/v1/needs/", raw))
    assert (error["field"], error["code"]) == ("weekdays[1]", "null_character")


def test_a_nul_deep_in_nested_lists_and_objects_is_refused_even_where_no_serializer_looks(municipal):
    raw = json.dumps({**NEED, "extra": [{"notes": ["ok", "x\u0000"]}]})
    error = _the_error(_post_json(client_for(municipal), "/api/v1/needs/", raw))
    assert (error["field"], error["code"]) == ("extra[0].notes[1]", "null_character")
    assert Need.objects.count() == 0


@pytest.mark.parametrize("escape", ["\\ud800", "\\uDFFF", "\\uDbFf"])
def test_a_lone_surrogate_in_json_is_a_400(municipal, escape):
    raw = json.dumps({**NEED, "title": "x"}).replace('"title": "x"', f'"title": "x{escape}"')
    error = _the_error(_post_json(client_for(municipal), "/api/v1/needs/", raw))
    assert (error["field"], error["code"]) == ("title", "unpaired_surrogate")
    assert "サロゲート文字" in error["ja"]
    assert Need.objects.count() == 0


def test_a_surrogate_pair_is_an_ordinary_character_and_passes(municipal):
    raw = json.dumps({**NEED, "title": "CIO補佐官 \U0001f600"})
    assert "\\ud83d\\ude00" in raw
    response = _post_json(client_for(municipal), "/api/v1/needs/", raw)
    assert response.status_code == 201, response.content
    assert Need.objects.get().title == "CIO補佐官 \U0001f600"


def test_a_nul_in_a_form_field_of_an_api_request_is_a_400(municipal):
    response = client_for(municipal).post("/api/v1/needs/", {**NEED, "title": "a\x00b"}, format="multipart")
    error = _the_error(response)
    assert (error["field"], error["code"]) == ("title", "null_character")
    assert "フォーム項目「title」" in error["ja"]


def test_a_form_post_to_a_page_with_a_nul_is_a_plain_400(client, municipal):
    client.force_login(municipal)
    response = client.post("/needs/new/", "title=a%00b&fiscal_year=2027",
                           content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "NUL 文字" in response.content.decode()
    assert Need.objects.count() == 0


def test_a_multipart_post_to_a_page_with_a_nul_is_a_plain_400(client, municipal):
    client.force_login(municipal)
    response = client.post("/needs/new/", {"title": "a\x00b", "fiscal_year": "2027"})
    assert response.status_code == 400
    assert "NUL 文字" in response.content.decode()


def test_ordinary_requests_pass_through(municipal):
    client = client_for(municipal)
    assert client.get("/api/v1/municipalities/?name=長野").status_code == 200
    assert client.get("/api/v1/prefectures/20/").json()["name"] == "長野県"
    escaped_backslash = json.dumps({**NEED, "title": "C:\\u0000 is a path, not a NUL"})
    response = _post_json(client, "/api/v1/needs/", escaped_backslash)
    assert response.status_code == 201, response.content
    assert Need.objects.get().title == "C:\\u0000 is a path, not a NUL"


def test_a_body_that_is_not_json_is_still_answered_by_the_api_parser(municipal):
    response = _post_json(client_for(municipal), "/api/v1/needs/", '{"title": "a\\u0000')
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"


def test_a_malformed_multipart_body_to_the_api_is_still_a_json_400(coordinator):
    """The middleware reads multipart fields, so it, not DRF, meets a broken form first; the answer keeps its shape."""
    body = b'--x\r\nContent-Disposition: form-data; name="a"\r\n\r\nb'
    response = client_for(coordinator).generic("POST", "/api/v1/import/experts/", body,
                                               content_type="multipart/form-data")  # no boundary
    assert response.status_code == 400
    assert response.json()["errors"][0]["code"] == "parse_error"


def test_signed_in_pages_and_api_answers_are_never_stored(client, coordinator):
    """Issue 21: signed-in pages and API answers carried no Cache-Control."""
    client.force_login(coordinator)
    for path in ("/needs/", "/api/v1/needs/", "/audit/export.csv"):
        cache_control = client.get(path)["Cache-Control"]
        assert "no-store" in cache_control and "private" in cache_control, path
