"""The version 2 fields of the instance a run solves, and where the result's new fields are stored."""

from backend.costs.services import prefecture_setting_update
from backend.placement.execution import _flags_by_assignment
from backend.placement.instance import scope_instance
from backend.runs.params import RunParams
from tests.backend.factories import ExpertFactory, NeedFactory


def test_the_instance_carries_offer_onsite_days_home_location_travel_rate_and_lead(coordinator):
    expert = ExpertFactory(home_municipality_id="202029")
    need = NeedFactory(onsite_required=True, onsite_days=10, offered_fee=2_400_000, fee_basis="annual",
                       fee_amount=2_400_000)
    plain = NeedFactory()
    doc = scope_instance(prefecture_codes=["20"], fiscal_year=2027)
    assert doc["format"] == "kenmu.instance/3" and doc["lead"] == ["priority"] and doc["travel_yen_per_km"] == 37
    (e,) = doc["experts"]
    assert e["id"] == f"E{expert.pk}" and e["home"] == {"lat": expert.home_municipality.lat,
                                                         "lon": expert.home_municipality.lon}
    needs = {n["id"]: n for n in doc["needs"]}
    assert needs[f"N{need.pk}"]["offered_fee"] == 2_400_000 and needs[f"N{need.pk}"]["onsite_days"] == 10
    assert "offered_fee" not in needs[f"N{plain.pk}"] and needs[f"N{plain.pk}"]["onsite_days"] == 0
    assert needs[f"N{need.pk}"]["location"]["lat"] == need.municipality.lat

    prefecture_setting_update(actor=coordinator, prefecture_id="20",
                              data={"travel_yen_per_km": 20})
    doc = scope_instance(prefecture_codes=["20"], fiscal_year=2027, lead=("coverage", "priority"))
    assert doc["travel_yen_per_km"] == 20 and doc["lead"] == ["coverage", "priority"]


def test_a_form_notice_goes_to_its_need_only():
    result = {"assignments": [{"need": "N1", "expert": "E1"}, {"need": "N2", "expert": "E1"}],
              "flags": [{"kind": "form_notice", "expert": "E1", "municipality": "202011", "need": "N2",
                         "vendor": None, "form": "special_part_time"},
                        {"kind": "pledge_required", "expert": "E1", "municipality": "202011", "vendor": None}]}
    flags = _flags_by_assignment(result, {"N1": "202011", "N2": "202011"})
    assert [f["kind"] for f in flags["N1"]] == ["pledge_required"]
    assert sorted(f["kind"] for f in flags["N2"]) == ["form_notice", "pledge_required"]


def test_a_run_stores_its_lead_and_the_run_page_names_it(client, coordinator):
    from backend.placement.services import run_enqueue

    run = run_enqueue(actor=coordinator, fiscal_year=2027, params=RunParams(lead=("coverage", "priority")))
    assert run.params["lead"] == ["coverage", "priority"]
    client.force_login(coordinator)
    assert "カバー優先" in client.get(f"/runs/{run.pk}/").content.decode()


def test_the_api_refuses_a_lead_the_engine_does_not_allow(coordinator):
    from tests.backend.conftest import client_for

    response = client_for(coordinator).post("/api/v1/runs/", {"fiscal_year": 2027, "lead": ["coverage"]},
                                            format="json")
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "lead"
