"""Bad input gets a 400 naming the field, in Japanese and English, and nothing stored changes."""

import pytest

from backend.experts.models import Expert
from backend.needs.models import Need
from tests.backend.conftest import client_for
from tests.backend.factories import ExpertFactory, NeedFactory, VendorFactory

VALID_NEED = {
    "fiscal_year": 2027, "role": "cio_adviser", "pattern": "weekly", "pattern_days": 1,
    "weekdays": ["mon", "wed"], "budget": 2_400_000, "employment_forms": ["special_part_time"],
    "required_skills": {"security": 2}, "priority": 3,
}


def _expert_payload(**overrides):
    payload = {
        "name": "山田 花子", "capacity_days": 96, "weekdays": ["mon", "tue"], "daily_rate": 50_000,
        "employment_forms": ["contract"], "skills": {"security": 3},
    }
    return {**payload, **overrides}


def assert_field_error(response, field_prefix):
    assert response.status_code == 400, response.content
    errors = response.json()["errors"]
    matching = [e for e in errors if e["field"] and e["field"].startswith(field_prefix)]
    assert matching, errors
    for error in matching:
        assert error["ja"] and error["en"]
    return matching


@pytest.mark.parametrize(("overrides", "field", "english_fragment"), [
    ({"municipality": "202012"}, "municipality", "check digit"),
    ({"municipality": "99999"}, "municipality", "check digit"),
    ({"pattern_days": 3, "weekdays": ["mon", "tue"]}, "weekdays", "3 accepted weekdays"),
    ({"budget": -1}, "budget", "greater than or equal"),
    ({"weekdays": ["mon", "xyz"]}, "weekdays", "not a valid choice"),
    ({"required_skills": {"security": 4}}, "required_skills.security", "1 to 3"),
    ({"required_skills": {"cooking": 2}}, "required_skills.cooking", "is not in the list"),
    ({"priority": 9}, "priority", "less than or equal"),
    ({"employment_forms": []}, "employment_forms", ""),
    ({"description": "x" * 2_400_000}, "description", "no more than 4000 characters"),  # issue 21: 2.4 MB was kept
])
def test_need_with_bad_field_is_rejected_bilingually(coordinator, overrides, field, english_fragment):
    response = client_for(coordinator).post("/api/v1/needs/", {**VALID_NEED, "municipality": "202011",
                                                                 **overrides}, format="json")
    errors = assert_field_error(response, field)
    assert any(english_fragment in e["en"] for e in errors), errors
    assert Need.objects.count() == 0


def test_japanese_message_differs_from_english_for_builtin_errors(coordinator):
    response = client_for(coordinator).post("/api/v1/needs/", {**VALID_NEED, "budget": -5}, format="json")
    (error,) = assert_field_error(response, "budget")
    assert error["ja"] != error["en"]
    assert "0" in error["ja"]


@pytest.mark.parametrize(("overrides", "field"), [
    ({"capacity_days": -3}, "capacity_days"),
    ({"skills": {"security": 0}}, "skills.security"),
    ({"weekdays": ["funday"]}, "weekdays"),
    ({"daily_rate": "高い"}, "daily_rate"),
])
def test_expert_with_bad_field_is_rejected(coordinator, overrides, field):
    response = client_for(coordinator).post("/api/v1/experts/", _expert_payload(**overrides), format="json")
    assert_field_error(response, field)
    assert Expert.objects.count() == 0


def test_former_employee_without_ended_on_is_rejected_and_nothing_is_lost(coordinator):
    expert = ExpertFactory(registering_prefecture_id="20", capacity_days=96)
    vendor = VendorFactory()
    response = client_for(coordinator).patch(
        f"/api/v1/experts/{expert.pk}/",
        {"capacity_days": 10, "affiliations": [{"vendor": vendor.pk, "relation": "former_employee"}]},
        format="json",
    )
    assert_field_error(response, "affiliations[0].ended_on")
    expert.refresh_from_db()
    assert expert.capacity_days == 96
    assert expert.affiliations.count() == 0


def test_coordinator_cannot_register_an_expert_in_another_prefecture(coordinator):
    response = client_for(coordinator).post("/api/v1/experts/", _expert_payload(registering_prefecture="19"),
                                            format="json")
    assert_field_error(response, "registering_prefecture")
    assert Expert.objects.count() == 0


def test_municipal_staff_cannot_post_a_need_for_another_municipality(municipal):
    response = client_for(municipal).post("/api/v1/needs/", {**VALID_NEED, "municipality": "202029"},
                                          format="json")
    assert response.status_code == 403, response.content  # not a party: a 403, not a 400 (issue 22)
    assert [e["field"] for e in response.json()["errors"]] == ["municipality"]
    assert Need.objects.count() == 0


def test_invalid_corporate_number_is_rejected(coordinator):
    response = client_for(coordinator).post("/api/v1/vendors/", {"name": "x", "corporate_number": "1234567890123"},
                                            format="json")
    errors = assert_field_error(response, "corporate_number")
    assert "check digit" in errors[0]["en"]


def test_bad_filter_value_is_a_400_not_a_500(coordinator):
    response = client_for(coordinator).get("/api/v1/needs/?fiscal_year=next")
    assert_field_error(response, "fiscal_year")


def test_valid_need_is_stored_with_days_per_year(coordinator):
    response = client_for(coordinator).post("/api/v1/needs/", {**VALID_NEED, "municipality": "202011",
                                                                 "pattern_days": 2}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["days_per_year"], body["weekly_days"]) == (96, 2)
    assert body["required_skills"] == {"security": 2}


def test_editing_a_need_keeps_what_was_not_sent(municipal):
    need = NeedFactory(municipality_id="202011", budget=2_400_000, priority=2)
    response = client_for(municipal).patch(f"/api/v1/needs/{need.pk}/", {"priority": 5}, format="json")
    assert response.status_code == 200, response.content
    need.refresh_from_db()
    assert (need.priority, need.budget) == (5, 2_400_000)
    assert list(need.skills.values_list("skill", "level")) == [("security", 2)]


def test_messages_drf_raises_already_translated_come_back_in_both_languages(client):
    # DRF renders this message in the request's language (Japanese) when it raises it.
    response = client.get("/api/v1/needs/", HTTP_AUTHORIZATION="Token")
    assert response.status_code in (401, 403)  # 403 because session authentication comes first
    (error,) = response.json()["errors"]
    assert error["en"] == "Invalid token header. No credentials provided."
    assert error["ja"] != error["en"] and "トークン" in error["ja"]


def test_a_method_not_allowed_is_named_in_each_language(coordinator):
    # DRF formats this one when it raises it; it used to come back in Japanese in the English field.
    response = client_for(coordinator).put("/api/v1/needs/", {}, format="json",
                                           HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 405
    (error,) = response.json()["errors"]
    assert error["en"] == 'Method "PUT" not allowed.'
    assert "PUT" in error["ja"] and error["ja"] != error["en"]


def test_an_unsupported_media_type_is_named_in_each_language(coordinator):
    response = client_for(coordinator).generic("POST", "/api/v1/needs/", b"a", content_type="text/csv",
                                               HTTP_ACCEPT_LANGUAGE="ja")
    assert response.status_code == 415
    (error,) = response.json()["errors"]
    assert error["en"] == 'Unsupported media type "text/csv" in request.'
    assert "text/csv" in error["ja"] and error["ja"] != error["en"]


def test_a_body_that_is_not_json_is_explained_in_japanese_too(coordinator):
    response = client_for(coordinator).generic("POST", "/api/v1/needs/", b"{", content_type="application/json")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["en"].startswith("JSON parse error")
    assert error["ja"].startswith("リクエストの本文を読み取れませんでした") and "JSON parse error" in error["ja"]


def test_the_error_handler_reads_no_private_catalogue():
    import inspect

    from backend.core import api

    assert "_catalog" not in inspect.getsource(api)


def test_a_body_over_the_upload_limit_is_a_json_400_naming_the_limit(coordinator):
    """Django refuses a body over DATA_UPLOAD_MAX_MEMORY_SIZE; the API says so in its own error shape."""
    response = client_for(coordinator).post("/api/v1/needs/", {**VALID_NEED, "municipality": "202011",
                                                                "description": "業務" * 1_200_000}, format="json")
    assert response.status_code == 400 and response["Content-Type"].startswith("application/json")
    (error,) = response.json()["errors"]
    assert error["code"] == "request_too_large" and "MB" in error["ja"] and "MB" in error["en"]
    assert Need.objects.count() == 0


@pytest.mark.parametrize(("affiliation", "field"), [({"relation": "employee"}, "affiliations[0].vendor"),
                                                    ({"vendor": None}, "affiliations[0]")])
def test_a_partial_update_with_half_an_affiliation_is_refused_naming_the_field(coordinator, affiliation, field):
    """Issue 21: PATCH with an affiliation lacking its vendor answered 500 (KeyError)."""
    expert = ExpertFactory(registering_prefecture_id="20")
    response = client_for(coordinator).patch(f"/api/v1/experts/{expert.pk}/", {"affiliations": [affiliation]},
                                             format="json")
    assert_field_error(response, field)
    assert not expert.affiliations.exists()


def test_json_nested_deeper_than_the_parser_follows_is_a_400(coordinator):
    """Issue 21: a deeply nested body raised RecursionError in the parser (500)."""
    expert = ExpertFactory(registering_prefecture_id="20", daily_rate=50_000)
    body = '{"skills":' + '{"a":' * 5000 + "1" + "}" * 5001
    response = client_for(coordinator).generic("PATCH", f"/api/v1/experts/{expert.pk}/", body,
                                               content_type="application/json")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["code"] == "too_deep" and error["field"] == "body"


def test_an_invitation_address_longer_than_a_login_name_is_refused_naming_it(coordinator):
    """Issue 21: an invitation e-mail over 150 characters answered 500 (the login name is the address)."""
    from backend.accounts.models import Invitation

    response = client_for(coordinator).post("/api/v1/invitations/", {
        "email": "a" * 160 + "@city.example.lg.jp", "role": "municipal", "municipality": "202011"}, format="json")
    assert_field_error(response, "email")
    assert not Invitation.objects.exists()


def test_brackets_inside_a_string_are_text_not_nesting(coordinator):
    response = client_for(coordinator).post("/api/v1/needs/", {**VALID_NEED, "municipality": "202011",
                                                                "description": "[{" * 100}, format="json")
    assert response.status_code == 201, response.content
