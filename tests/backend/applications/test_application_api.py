"""The applications API (/api/v1/applications/): a coordinator lists and reads the applications to their own
prefecture, accepts one (the expert, their login and the invitation, through the same service as the page)
or declines it with a reason. Nobody else sees them: another prefecture's coordinator gets 404, municipal
staff and experts 403."""

import pytest

from backend.accounts.models import Invitation, User
from backend.applications.services import expert_application_submit
from backend.experts.models import ApplicationStatus, Expert, ExpertApplication
from backend.geo.models import Prefecture
from backend.procurement.models import Vendor
from tests.backend.applications.test_applications import APPLICATION
from tests.backend.conftest import client_for
from tests.backend.factories import VendorFactory, corporate_number


def _apply(code: str = "20", **changes) -> ExpertApplication:
    return expert_application_submit(prefecture=Prefecture.objects.get(code=code), data={**APPLICATION, **changes},
                                     language="ja")


@pytest.fixture
def application(db):
    return _apply()


def test_a_coordinator_lists_and_reads_the_applications_to_their_prefecture(coordinator, application):
    _apply("19", email="kofu@example.jp")
    client = client_for(coordinator)
    body = client.get("/api/v1/applications/").json()
    assert [row["id"] for row in body["results"]] == [application.pk]
    detail = client.get(f"/api/v1/applications/{application.pk}/").json()
    assert (detail["name"], detail["prefecture"], detail["status"], detail["expert"]) == (
        "応募 次郎", "20", "pending", None)
    assert detail["skills"] == {"data": 2, "security": 3}
    assert detail["affiliations"][0] == {"vendor_name": "信州システム株式会社", "relation": "side_job",
                                         "ended_on": None}


def test_the_list_filters_by_status_and_refuses_one_that_does_not_exist(coordinator, application):
    client = client_for(coordinator)
    assert client.get("/api/v1/applications/?status=pending").json()["count"] == 1
    assert client.get("/api/v1/applications/?status=declined").json()["count"] == 0
    refused = client.get("/api/v1/applications/?status=maybe")
    assert refused.status_code == 400
    (error,) = refused.json()["errors"]
    assert error["field"] == "status" and error["ja"] != error["en"]


def test_accepting_registers_the_expert_with_the_vendors_chosen_and_invites_them(
        coordinator, application, django_capture_on_commit_callbacks):
    known = VendorFactory(name="信州システム株式会社")
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client_for(coordinator).post(f"/api/v1/applications/{application.pk}/accept/",
                                                {"vendors": [known.pk, None],
                                                 "vendor_numbers": ["", corporate_number(50)]}, format="json")
    assert response.status_code == 200, response.content
    body = response.json()
    expert = Expert.objects.get(name="応募 次郎")
    assert (body["status"], body["expert"], body["decided_by"]) == ("accepted", expert.pk, coordinator.username)
    assert set(expert.affiliations.values_list("vendor__name", "relation")) == {
        ("信州システム株式会社", "side_job"), ("新しい会社", "employee")}
    assert Vendor.objects.filter(name="信州システム株式会社").count() == 1  # the chosen one, not a copy
    assert Invitation.objects.get(user__expert=expert).state == "sent"
    assert len(queued) == 1  # the invitation mail leaves after the commit


def test_accepting_needs_one_vendor_or_null_per_affiliation(coordinator, application):
    client = client_for(coordinator)
    response = client.post(f"/api/v1/applications/{application.pk}/accept/", {"vendors": [None]}, format="json")
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["ja"]) == ("vendors", "所属事業者ごとに対応する事業者を選んでください。")
    missing = client.post(f"/api/v1/applications/{application.pk}/accept/", {"vendors": [999_999, None]},
                          format="json")
    assert missing.status_code == 400
    assert missing.json()["errors"][0]["ja"] == "事業者が見つかりません。登録済みの事業者から選んでください。"
    assert not Expert.objects.filter(name="応募 次郎").exists()
    assert ExpertApplication.objects.get(pk=application.pk).status == ApplicationStatus.PENDING


def test_declining_needs_a_reason_in_both_languages_and_stores_it(coordinator, application):
    client = client_for(coordinator)
    url = f"/api/v1/applications/{application.pk}/decline/"
    for body in ({}, {"reason": ""}):
        response = client.post(url, body, format="json")
        assert response.status_code == 400
        (error,) = response.json()["errors"]
        assert (error["field"], error["ja"], error["en"]) == (
            "reason", "見送る理由を入力してください（応募者にメールで伝えます）。",
            "Give a reason; the applicant is told it by mail.")
    declined = client.post(url, {"reason": "今年度の募集は終了しました。"}, format="json")
    assert declined.status_code == 200
    assert (declined.json()["status"], declined.json()["decision_reason"]) == ("declined", "今年度の募集は終了しました。")
    again = client.post(f"/api/v1/applications/{application.pk}/accept/", {"vendors": [None, None]}, format="json")
    assert again.status_code == 409
    assert again.json()["errors"][0]["ja"] == "この応募は既に審査済みです。"


def test_another_prefectures_coordinator_finds_nothing(other_coordinator, application):
    client = client_for(other_coordinator)
    assert client.get("/api/v1/applications/").json()["results"] == []
    assert client.get(f"/api/v1/applications/{application.pk}/").status_code == 404
    assert client.post(f"/api/v1/applications/{application.pk}/accept/", {"vendors": [None, None]},
                       format="json").status_code == 404
    assert client.post(f"/api/v1/applications/{application.pk}/decline/", {"reason": "x"},
                       format="json").status_code == 404
    assert ExpertApplication.objects.get(pk=application.pk).status == ApplicationStatus.PENDING


@pytest.mark.parametrize("who", ["municipal", "expert_user"])
def test_municipal_staff_and_experts_are_refused(request, who, application):
    client = client_for(request.getfixturevalue(who))
    responses = [client.get("/api/v1/applications/"), client.get(f"/api/v1/applications/{application.pk}/"),
                 client.post(f"/api/v1/applications/{application.pk}/accept/", {"vendors": [None, None]},
                             format="json"),
                 client.post(f"/api/v1/applications/{application.pk}/decline/", {"reason": "x"}, format="json")]
    assert [r.status_code for r in responses] == [403] * 4
    error = responses[0].json()["errors"][0]
    assert error["ja"] != error["en"]  # bilingual, like every other refusal
    assert ExpertApplication.objects.get(pk=application.pk).status == ApplicationStatus.PENDING
    assert not User.objects.filter(username="jiro@example.jp").exists()


def test_the_schema_documents_the_applications_endpoints():
    from drf_spectacular.generators import SchemaGenerator

    schema = SchemaGenerator().get_schema(request=None, public=True)
    listing = schema["paths"]["/api/v1/applications/"]["get"]
    assert {p["name"] for p in listing["parameters"]} == {"page", "status"}
    decline = schema["paths"]["/api/v1/applications/{id}/decline/"]["post"]
    body = decline["requestBody"]["content"]["application/json"]["schema"]["$ref"].rsplit("/", 1)[1]
    assert schema["components"]["schemas"][body]["required"] == ["reason"]
    assert {"200", "400", "403", "404", "409"} <= set(decline["responses"])


def test_an_administrator_accepts_into_the_prefecture_applied_to(application, django_capture_on_commit_callbacks):
    from tests.backend.factories import UserFactory

    with django_capture_on_commit_callbacks(execute=False):
        response = client_for(UserFactory(is_superuser=True)).post(
            f"/api/v1/applications/{application.pk}/accept/",
            {"vendors": [None, None], "vendor_numbers": [corporate_number(51), corporate_number(52)]}, format="json")
    assert response.status_code == 200, response.content
    assert Expert.objects.get(pk=response.json()["expert"]).registering_prefecture_id == "20"


def test_a_new_vendor_of_an_application_needs_its_corporate_number(coordinator, application):
    """issue 21: a vendor is a legal entity; the applicant's words name it, the coordinator gives its 法人番号."""
    response = client_for(coordinator).post(f"/api/v1/applications/{application.pk}/accept/",
                                            {"vendors": [None, None]}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "corporate_number"
    assert not Expert.objects.filter(name="応募 次郎").exists() and not Vendor.objects.exists()
