"""The permission matrix: 3 roles × every endpoint × own / other object."""

import pytest
from rest_framework.test import APIClient

from tests.backend.conftest import client_for
from tests.backend.factories import (
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
    VendorFactory,
)


@pytest.fixture
def world(db):
    """Two of everything: one inside 長野市/長野県 (own), one outside (other)."""
    own_expert = ExpertFactory(registering_prefecture_id="20")
    return {
        "users": {
            "coordinator": CoordinatorFactory(prefecture_id="20"),
            "municipal": MunicipalStaffFactory(municipality_id="202011"),
            "expert": ExpertUserFactory(expert=own_expert),
        },
        "experts": {"own": own_expert, "other": ExpertFactory(registering_prefecture_id="19")},
        "needs": {"own": NeedFactory(municipality_id="202011"),
                  "other": NeedFactory(municipality_id="192015")},  # 甲府市
        "procurements": {"own": ProcurementFactory(municipality_id="202011"),
                         "other": ProcurementFactory(municipality_id="192015")},
        "vendors": {"own": VendorFactory(prefecture_id="20"), "other": VendorFactory(prefecture_id="19")},
    }


PATCHES = {
    "experts": {"capacity_days": 120},
    "needs": {"priority": 5},
    "procurements": {"title": "変更後の件名"},
    "vendors": {"name": "改称システム株式会社"},
}

# (endpoint, role, which) -> (GET status, PATCH status)
MATRIX = {
    ("experts", "coordinator", "own"): (200, 200),
    ("experts", "coordinator", "other"): (404, 404),
    ("experts", "municipal", "own"): (404, 404),
    ("experts", "municipal", "other"): (404, 404),
    ("experts", "expert", "own"): (200, 200),
    ("experts", "expert", "other"): (404, 404),
    ("needs", "coordinator", "own"): (200, 200),
    ("needs", "coordinator", "other"): (404, 404),
    ("needs", "municipal", "own"): (200, 200),
    ("needs", "municipal", "other"): (404, 404),
    ("needs", "expert", "own"): (404, 404),
    ("needs", "expert", "other"): (404, 404),
    ("procurements", "coordinator", "own"): (200, 403),
    ("procurements", "coordinator", "other"): (404, 404),
    ("procurements", "municipal", "own"): (200, 200),
    ("procurements", "municipal", "other"): (404, 404),
    ("procurements", "expert", "own"): (404, 404),
    ("procurements", "expert", "other"): (404, 404),
    ("vendors", "coordinator", "own"): (200, 200),
    ("vendors", "municipal", "own"): (200, 403),
    ("vendors", "expert", "own"): (200, 403),
}


@pytest.mark.parametrize(("endpoint", "role", "which"), list(MATRIX))
def test_role_sees_and_changes_only_its_own_objects(world, endpoint, role, which):
    obj = world[endpoint][which]
    client = client_for(world["users"][role])
    url = f"/api/v1/{endpoint}/{obj.pk}/"
    expected_get, expected_patch = MATRIX[(endpoint, role, which)]
    assert client.get(url).status_code == expected_get
    response = client.patch(url, PATCHES[endpoint], format="json")
    assert response.status_code == expected_patch, response.content
    if expected_patch != 200:
        obj.refresh_from_db()
        field, value = next(iter(PATCHES[endpoint].items()))
        assert getattr(obj, field) != value


@pytest.mark.parametrize("endpoint", ["experts", "needs", "procurements"])
@pytest.mark.parametrize("role", ["coordinator", "municipal", "expert"])
def test_lists_contain_only_objects_in_scope(world, endpoint, role):
    response = client_for(world["users"][role]).get(f"/api/v1/{endpoint}/")
    assert response.status_code == 200
    ids = {row["id"] for row in response.json()["results"]}
    for which in ("own", "other"):
        visible = MATRIX[(endpoint, role, which)][0] == 200
        assert (world[endpoint][which].pk in ids) == visible


@pytest.mark.parametrize(("endpoint", "role", "payload"), [
    ("experts", "municipal", {"name": "x"}),
    ("experts", "expert", {"name": "x"}),
    ("needs", "expert", {"role": "cio_adviser"}),
    ("procurements", "coordinator", {"title": "x"}),
    ("procurements", "expert", {"title": "x"}),
    ("vendors", "expert", {"name": "x"}),
])
def test_roles_cannot_create_outside_their_job(world, endpoint, role, payload):
    response = client_for(world["users"][role]).post(f"/api/v1/{endpoint}/", payload, format="json")
    assert response.status_code == 403


@pytest.mark.parametrize("url", ["/api/v1/experts/", "/api/v1/needs/", "/api/v1/procurements/",
                                 "/api/v1/vendors/", "/api/v1/municipalities/", "/api/v1/me/"])
def test_anonymous_requests_are_refused(db, url):
    assert APIClient().get(url).status_code in (401, 403)


def test_register_is_readable_by_every_role(world):
    for user in world["users"].values():
        client = client_for(user)
        assert client.get("/api/v1/municipalities/202011/").json()["name"] == "長野市"
        assert len(client.get("/api/v1/prefectures/").json()) == 47
        assert client.patch("/api/v1/municipalities/202011/", {"name": "x"}, format="json").status_code == 405
