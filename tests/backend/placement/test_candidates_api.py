"""GET /api/v1/needs/{id}/candidates/ (issue 21 item 12): the candidates page as data, each standing in words."""

import pytest

from backend.placement.candidates import need_candidates
from tests.backend.conftest import client_for
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    need = NeedFactory(municipality_id="202011", budget=3_000_000)
    eligible = ExpertFactory(name="適格 一郎")
    ExpertFactory(name="高額 二郎", daily_rate=100_000)
    employed = ExpertFactory(name="受託 三郎")
    ProcurementFactory(municipality_id="202011", incumbent_vendor=AffiliationFactory(expert=employed).vendor)
    return {"need": need, "eligible": eligible, "coordinator": CoordinatorFactory(prefecture_id="20")}


def test_the_api_answers_the_pages_list_in_its_order_with_the_standing_in_words(world):
    need, coordinator = world["need"], world["coordinator"]
    response = client_for(coordinator).get(f"/api/v1/needs/{need.pk}/candidates/")
    assert response.status_code == 200
    rows = response.json()
    page = need_candidates(user=coordinator, need=need)
    assert [r["expert"] for r in rows] == [c.expert.pk for c in page]
    by_name = {r["expert_name"]: r for r in rows}
    assert by_name["適格 一郎"]["eligible"] is True and by_name["適格 一郎"]["rule"] is None
    assert by_name["適格 一郎"]["standing"]["ja"] == "適格"
    dear = by_name["高額 二郎"]
    assert (dear["eligible"], dear["reason"], dear["rule"]["ja"]) == (False, "over_budget", "予算")
    assert dear["standing"]["ja"].startswith("報酬が予算を超える") and dear["standing"]["en"]
    conflicted = by_name["受託 三郎"]
    assert conflicted["placeable_with_exception"] is True and conflicted["rule"]["ja"] == "利益相反"
    assert by_name["適格 一郎"]["free_weekdays"] == ["mon", "tue", "wed", "thu", "fri"]
    assert all("ルール" not in r["standing"]["ja"] for r in rows)  # words, not rule numbers


def test_the_municipalitys_staff_are_refused_and_other_prefectures_see_nothing(world):
    need = world["need"]
    assert client_for(MunicipalStaffFactory(municipality_id="202011")).get(
        f"/api/v1/needs/{need.pk}/candidates/").status_code == 403
    assert client_for(CoordinatorFactory(prefecture_id="19")).get(
        f"/api/v1/needs/{need.pk}/candidates/").status_code == 404
    assert client_for(world["coordinator"]).get("/api/v1/needs/999999/candidates/").status_code == 404


def test_the_candidates_endpoint_is_in_the_schema(world):
    schema = client_for(world["coordinator"]).get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/needs/{id}/candidates/"]["get"]
    items = operation["responses"]["200"]["content"]["application/json"]["schema"]["items"]["$ref"]
    component = schema["components"]["schemas"][items.rsplit("/", 1)[-1]]
    assert {"expert", "eligible", "reason", "rule", "standing", "placeable_with_exception"} <= set(
        component["properties"])
