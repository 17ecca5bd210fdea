"""The vendor register through the API (issue 21, item 1): the 法人番号 required and unique, a folded name refused,
merge, retire and the duplicate list."""

import pytest

from backend.procurement.models import Vendor, VendorDuplicate
from tests.backend.conftest import client_for
from tests.backend.factories import AffiliationFactory, ProcurementFactory, VendorFactory, corporate_number

pytestmark = pytest.mark.django_db

CHIKUMA = "千曲テクノロジー株式会社"


def test_a_vendor_without_a_number_is_a_400_naming_the_field(municipal):
    response = client_for(municipal).post("/api/v1/vendors/", {"name": CHIKUMA}, format="json")
    assert response.status_code == 400
    assert response.json()["errors"][0]["field"] == "corporate_number"
    assert not Vendor.objects.exists()


def test_a_second_chikuma_is_a_409_naming_the_first_in_both_languages(municipal):
    first = VendorFactory(name=CHIKUMA)
    response = client_for(municipal).post("/api/v1/vendors/", {"name": "千曲テクノロジー（株）",
                                                               "corporate_number": corporate_number(77)}, format="json")
    assert response.status_code == 409
    error = response.json()["errors"][0]
    assert error["code"] == "duplicate" and first.corporate_number in error["ja"] and first.corporate_number in error["en"]


def test_a_vendor_is_read_with_its_label_and_state(municipal):
    vendor = VendorFactory(name=CHIKUMA)
    body = client_for(municipal).get(f"/api/v1/vendors/{vendor.pk}/").json()
    assert body["label_ja"] == f"{CHIKUMA}（法人番号 {vendor.corporate_number}）"
    assert body["label"] == f"{CHIKUMA} (corporate number {vendor.corporate_number})"  # the API speaks English
    assert (body["retired_at"], body["merged_into"]) == (None, None)


def test_a_coordinator_merges_through_the_api_and_everything_moves(coordinator):
    first, second = VendorFactory(name=CHIKUMA, prefecture_id="20"), VendorFactory(name="㈱千曲テクノロジー", prefecture_id="20")
    affiliation = AffiliationFactory(vendor=second, relation="employee")
    procurement = ProcurementFactory(incumbent_vendor=second)
    response = client_for(coordinator).post(f"/api/v1/vendors/{first.pk}/merge/",
                                            {"absorbed": second.pk, "reason": "同一法人"}, format="json")
    assert response.status_code == 200, response.content
    affiliation.refresh_from_db()
    procurement.refresh_from_db()
    assert affiliation.vendor == first and procurement.incumbent_vendor == first
    absorbed = client_for(coordinator).get(f"/api/v1/vendors/{second.pk}/").json()
    assert absorbed["merged_into"] == first.pk and absorbed["retired_at"] is not None


def test_a_merge_by_another_prefectures_coordinator_is_a_403(other_coordinator):
    first, second = VendorFactory(prefecture_id="20"), VendorFactory(prefecture_id="20")
    response = client_for(other_coordinator).post(f"/api/v1/vendors/{first.pk}/merge/",
                                                  {"absorbed": second.pk, "reason": "同一法人"}, format="json")
    assert response.status_code == 403
    assert Vendor.objects.get(pk=second.pk).retired_at is None


def test_a_merge_into_itself_or_without_a_reason_is_a_400(coordinator):
    vendor = VendorFactory(prefecture_id="20")
    client = client_for(coordinator)
    itself = client.post(f"/api/v1/vendors/{vendor.pk}/merge/", {"absorbed": vendor.pk, "reason": "x"}, format="json")
    no_reason = client.post(f"/api/v1/vendors/{vendor.pk}/merge/", {"absorbed": VendorFactory(prefecture_id="20").pk},
                            format="json")
    assert (itself.status_code, no_reason.status_code) == (400, 400)


def test_a_retired_vendor_is_refused_as_a_new_incumbent(coordinator, municipal):
    vendor = VendorFactory(prefecture_id="20")
    assert client_for(coordinator).post(f"/api/v1/vendors/{vendor.pk}/retire/", {"reason": "解散"},
                                        format="json").status_code == 200
    again = client_for(coordinator).post(f"/api/v1/vendors/{vendor.pk}/retire/", {"reason": "解散"}, format="json")
    assert again.status_code == 409
    response = client_for(municipal).post("/api/v1/procurements/", {
        "title": "庁内LAN", "category": "operations", "status": "ongoing", "incumbent_vendor": vendor.pk,
        "fiscal_year": 2027}, format="json")
    assert response.status_code == 409 and response.json()["errors"][0]["field"] == "incumbent_vendor"


def test_the_duplicate_list_is_the_coordinators_and_a_pair_is_dismissed(coordinator, other_coordinator, municipal):
    first, second = VendorFactory(name=CHIKUMA, prefecture_id="20"), VendorFactory(name="㈱千曲テクノロジー", prefecture_id="20")
    pair = VendorDuplicate.objects.create(first=first, second=second, reason="name")
    assert [d["id"] for d in client_for(coordinator).get("/api/v1/vendor-duplicates/").json()["results"]] == [pair.pk]
    assert client_for(other_coordinator).get("/api/v1/vendor-duplicates/").json()["results"] == []
    assert client_for(municipal).get("/api/v1/vendor-duplicates/").json()["results"] == []
    response = client_for(coordinator).post(f"/api/v1/vendor-duplicates/{pair.pk}/dismiss/", {}, format="json")
    assert response.status_code == 200 and response.json()["resolved_at"] is not None
    assert client_for(coordinator).get("/api/v1/vendor-duplicates/").json()["results"] == []


def test_the_vendor_list_filters_current_or_retired_vendors(municipal):
    current, retired = VendorFactory(), VendorFactory(retired_at="2026-01-01T00:00:00Z")
    client = client_for(municipal)
    assert [v["id"] for v in client.get("/api/v1/vendors/?retired=false").json()["results"]] == [current.pk]
    assert [v["id"] for v in client.get("/api/v1/vendors/?retired=true").json()["results"]] == [retired.pk]
