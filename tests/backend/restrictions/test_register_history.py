"""The register remembers: rows are recorded when an engagement becomes active and outlive it.

Nobody can otherwise answer "was vendor X restricted at 長野市 on 1 June?" once the engagement has ended,
or once the expert's affiliation has changed.
"""

import datetime as dt

import pytest

from tests.backend.conftest import client_for
from tests.backend.factories import AffiliationFactory, ExpertFactory, ProcurementFactory, VendorFactory
from tests.backend.restrictions.conftest import FY_END, FY_START, serve, today


def _register(client, **query) -> list[dict]:
    response = client.get("/api/v1/restrictions/", query)
    assert response.status_code == 200, response.content
    return response.json()["results"]


@pytest.fixture
def replaced_early(coordinator):
    """An employed expert served 長野市 from 1 April; a successor took over on 1 October."""
    employed = AffiliationFactory(relation="employee")
    old = serve(employed.expert)
    serve(ExpertFactory(), replaces=old, starts_on=dt.date(2027, 10, 1))
    return old, employed.vendor


def test_an_engagement_replaced_early_keeps_its_rows_with_the_shortened_period(coordinator, replaced_early):
    old, vendor = replaced_early
    (row,) = _register(client_for(coordinator), vendor=vendor.pk)
    assert row["engagement"] == old.pk and row["municipality_name"] == "長野市"
    assert (row["starts_on"], row["ends_on"]) == ("2027-04-01", "2027-09-30")


def test_was_the_vendor_restricted_at_nagano_on_1_june_is_answered_after_the_engagement_ended(
        coordinator, replaced_early):
    old, vendor = replaced_early
    client = client_for(coordinator)
    assert [r["engagement"] for r in _register(client, vendor=vendor.pk, on="2027-06-01")] == [old.pk]
    assert _register(client, vendor=vendor.pk, on="2027-11-01") == []
    planned = ProcurementFactory(municipality_id="202011", status="planned", incumbent_vendor=None)
    june = client.get("/api/v1/may-bid/", {"vendor": vendor.pk, "procurement": planned.pk, "on": "2027-06-01"}).json()
    assert june["allowed"] is False and old.expert.name in june["reason"]["ja"]
    assert "令和9年9月30日" in june["reason"]["ja"]  # 令和 dates for the clerk (issue 21)
    november = client.get("/api/v1/may-bid/", {"vendor": vendor.pk, "procurement": planned.pk, "on": "2027-11-01"})
    assert november.json()["allowed"] is True


def test_an_affiliation_added_during_an_active_engagement_restricts_its_vendor_from_today(coordinator):
    expert = ExpertFactory()
    engagement = serve(expert, starts_on=today() - dt.timedelta(days=60), ends_on=today() + dt.timedelta(days=100))
    vendor = VendorFactory()
    client = client_for(coordinator)
    response = client.patch(f"/api/v1/experts/{expert.pk}/",
                            {"affiliations": [{"vendor": vendor.pk, "relation": "side_job"}]}, format="json")
    assert response.status_code == 200, response.content
    (row,) = _register(client)
    assert (row["vendor"], row["relation"], row["engagement"]) == (vendor.pk, "side_job", engagement.pk)
    assert (row["starts_on"], row["ends_on"]) == (str(today()), str(engagement.ends_on))
    assert row["state"] == "in_force"


@pytest.mark.parametrize("kept", ["nothing", "former_employee"])
def test_removing_or_ending_an_affiliation_keeps_the_restriction_already_recorded(coordinator, kept):
    employed = AffiliationFactory(relation="employee")
    engagement = serve(employed.expert)
    after = [] if kept == "nothing" else [{"vendor": employed.vendor_id, "relation": "former_employee",
                                          "ended_on": str(today())}]
    client = client_for(coordinator)
    response = client.patch(f"/api/v1/experts/{employed.expert_id}/", {"affiliations": after}, format="json")
    assert response.status_code == 200, response.content
    (row,) = _register(client)
    assert (row["vendor"], row["relation"]) == (employed.vendor_id, "employee")
    assert (row["starts_on"], row["ends_on"]) == (str(FY_START), str(FY_END))
    planned = ProcurementFactory(municipality_id="202011", status="planned", incumbent_vendor=None)
    answer = client.get("/api/v1/may-bid/", {"vendor": employed.vendor_id, "procurement": planned.pk}).json()
    assert answer["allowed"] is False and engagement.expert.name in answer["reason"]["ja"]


def test_every_affiliation_change_is_audited_with_vendor_names_and_relations(coordinator):
    employed = AffiliationFactory(relation="employee", vendor=VendorFactory(name="信州システム株式会社"))
    other = VendorFactory(name="甲信データ株式会社")
    client = client_for(coordinator)
    changed = [{"vendor": other.pk, "relation": "side_job"}]
    for _ in range(2):  # the second update leaves the affiliations as they were: no second row
        response = client.patch(f"/api/v1/experts/{employed.expert_id}/", {"affiliations": changed}, format="json")
        assert response.status_code == 200, response.content
    (row,) = client.get("/api/v1/audit-log/", {"action": "affiliation.change"}).json()["results"]
    assert row["object_type"] == "Expert" and row["object_id"] == str(employed.expert_id)
    assert row["before"]["affiliations"] == [{"vendor": "信州システム株式会社", "relation": "employee"}]
    assert row["after"]["affiliations"] == [{"vendor": "甲信データ株式会社", "relation": "side_job"}]
