"""The API of conflicts found after the offer (issue 21, item 2): the clerk's registration answers 201 and records the
conflict, the coordinator lists and resolves it; a planned procurement naming a restricted vendor answers its
warning in both languages."""

import datetime as dt

from backend.engagements.models import CoiOverride, Engagement, EngagementConflict
from backend.restrictions.models import BidRestriction
from tests.backend.conftest import client_for
from tests.backend.factories import AffiliationFactory, ExpertFactory, MunicipalStaffFactory, VendorFactory
from tests.backend.placement.test_conflicts_later import NOZAWA, engagement_at

OPERATIONS = {"title": "住民情報システム運用保守", "category": "operations", "status": "ongoing", "fiscal_year": 2027}


def _world():
    expert, vendor = ExpertFactory(name="伊藤 健一"), VendorFactory(name="信州情報システム株式会社")
    AffiliationFactory(expert=expert, vendor=vendor)
    return expert, vendor, engagement_at(NOZAWA, expert), MunicipalStaffFactory(municipality_id=NOZAWA)


def test_the_clerks_registration_through_the_api_records_the_conflict_the_coordinator_lists(coordinator,
                                                                                           other_coordinator):
    _expert, vendor, engagement, clerk = _world()
    answer = client_for(clerk).post("/api/v1/procurements/", {**OPERATIONS, "incumbent_vendor": vendor.pk},
                                    format="json")
    assert answer.status_code == 201, answer.content
    assert answer.json()["warnings"] == []

    listed = client_for(coordinator).get("/api/v1/engagement-conflicts/?state=open").json()["results"]
    assert [(c["engagement"], c["vendor_name"], c["procurement_title"], c["state"]) for c in listed] == [
        (engagement.pk, "信州情報システム株式会社", "住民情報システム運用保守", "open")]
    assert client_for(other_coordinator).get("/api/v1/engagement-conflicts/").json()["results"] == []


def test_the_coordinator_resolves_through_the_api_with_an_exception_and_the_clerk_may_not(coordinator):
    _expert, vendor, engagement, clerk = _world()
    client_for(clerk).post("/api/v1/procurements/", {**OPERATIONS, "incumbent_vendor": vendor.pk}, format="json")
    conflict = EngagementConflict.objects.get()
    url = f"/api/v1/engagement-conflicts/{conflict.pk}/except/"

    assert client_for(clerk).post(url, {"reason": "理由"}, format="json").status_code == 403
    missing = client_for(coordinator).post(url, {}, format="json")
    assert missing.status_code == 400 and missing.json()["errors"][0]["field"] == "reason"
    answer = client_for(coordinator).post(url, {"reason": "仕様策定に関与しない"}, format="json")

    assert answer.status_code == 200, answer.content
    assert answer.json()["state"] == "resolved" and answer.json()["exception_reason"] == "仕様策定に関与しない"
    assert Engagement.objects.get(pk=engagement.pk).coi_override == CoiOverride.objects.get()
    again = client_for(coordinator).post(f"/api/v1/engagement-conflicts/{conflict.pk}/end/", {}, format="json")
    assert again.status_code == 409


def test_the_coordinator_ends_the_engagement_through_the_api(coordinator):
    _expert, vendor, engagement, clerk = _world()
    client_for(clerk).post("/api/v1/procurements/", {**OPERATIONS, "incumbent_vendor": vendor.pk}, format="json")
    conflict = EngagementConflict.objects.get()

    answer = client_for(coordinator).post(f"/api/v1/engagement-conflicts/{conflict.pk}/end/", {}, format="json")

    assert answer.status_code == 200, answer.content
    assert (answer.json()["resolution"], answer.json()["engagement_status"]) == ("ended", "ended")


def test_a_planned_procurement_naming_a_restricted_vendor_answers_its_warning_in_both_languages():
    expert, vendor, engagement, clerk = _world()
    restriction = BidRestriction.objects.create(vendor=vendor, expert=expert, municipality_id=NOZAWA,
                                                engagement=engagement, relation="employee",
                                                starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2028, 3, 31))

    answer = client_for(clerk).post("/api/v1/procurements/", {**OPERATIONS, "status": "planned",
                                                               "incumbent_vendor": vendor.pk}, format="json")

    assert answer.status_code == 201, answer.content
    [warning] = answer.json()["warnings"]
    assert (warning["code"], warning["vendor"], warning["restriction"]) == ("restricted_vendor", vendor.pk,
                                                                          restriction.pk)
    assert "信州情報システム株式会社" in warning["ja"] and "伊藤 健一" in warning["ja"] and warning["en"]
