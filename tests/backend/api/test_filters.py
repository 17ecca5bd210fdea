"""List filters are django-filter FilterSets: documented in the schema, and a value they cannot read is a
400 that names the parameter in both languages."""

import pytest
from drf_spectacular.generators import SchemaGenerator

from backend.needs.models import NeedStatus
from tests.backend.factories import CoordinatorFactory, ExpertFactory, NeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def schema():
    return SchemaGenerator().get_schema(request=None, public=True)


def _parameters(schema, path: str) -> dict[str, dict]:
    return {p["name"]: p for p in schema["paths"][path]["get"]["parameters"]}


def test_the_needs_filters_are_in_the_schema_with_their_types(schema):
    parameters = _parameters(schema, "/api/v1/needs/")
    assert {"municipality", "prefecture", "fiscal_year", "status", "role", "page"} <= set(parameters)
    assert parameters["status"]["schema"]["enum"] == sorted(NeedStatus.values)
    assert parameters["fiscal_year"]["schema"]["type"] in ("number", "integer")


@pytest.mark.parametrize("path", ["/api/v1/experts/", "/api/v1/engagements/", "/api/v1/procurements/",
                                  "/api/v1/runs/", "/api/v1/audit-log/", "/api/v1/municipalities/",
                                  "/api/v1/applications/"])
def test_every_list_documents_more_than_its_page(schema, path):
    assert set(_parameters(schema, path)) - {"page"}


def test_a_year_that_is_not_a_number_is_refused_by_name(client):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    response = client.get("/api/v1/needs/", {"fiscal_year": "令和9"})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == ("fiscal_year", "invalid_filter")
    assert error["en"] == "Enter a whole number." and error["ja"] != error["en"]


def test_a_status_that_does_not_exist_is_refused_not_answered_with_nothing(client):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    response = client.get("/api/v1/needs/", {"status": "gone"})
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "status"


def test_filters_narrow_the_list(client):
    NeedFactory(municipality_id="202011", fiscal_year=2027)
    NeedFactory(municipality_id="202011", fiscal_year=2028)
    ExpertFactory(registering_prefecture_id="20", skill_levels={"security": 3})
    ExpertFactory(registering_prefecture_id="20", skill_levels={"network": 2, "data": 1})
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    assert client.get("/api/v1/needs/", {"fiscal_year": 2028}).json()["count"] == 1
    skilled = client.get("/api/v1/experts/", {"skill": "network"}).json()
    assert skilled["count"] == 1 and skilled["results"][0]["skills"] == {"network": 2, "data": 1}


def test_active_takes_true_or_false_only(client):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    assert client.get("/api/v1/experts/", {"listed": "true"}).status_code == 200
    response = client.get("/api/v1/experts/", {"listed": "null"})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert error["field"] == "listed" and error["ja"] == "true か false で指定してください。"
    assert error["en"] == "Enter true or false."
