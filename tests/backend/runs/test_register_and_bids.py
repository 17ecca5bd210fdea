"""The restriction register (入札参加制限), its exports, and the may-bid question."""

import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import engagement_respond
from backend.placement.services import proposal_approve
from tests.backend.conftest import client_for
from tests.backend.factories import (
    AffiliationFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
    VendorFactory,
)


@pytest.fixture
def active_engagement(coordinator):
    """An active engagement in 長野市 of an expert employed by a vendor, with a planned procurement there."""
    affiliation = AffiliationFactory(relation="employee")
    AffiliationFactory(expert=affiliation.expert, relation="former_employee", ended_on="2020-03-31")
    planned = ProcurementFactory(municipality_id="202011", status="planned", incumbent_vendor=None,
                                 category="planning_support")
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(
        expert=affiliation.expert, need=NeedFactory(municipality_id="202011")))
    engagement_respond(actor=MunicipalStaffFactory(municipality_id="202011"), engagement=engagement, accept=True)
    engagement_respond(actor=ExpertUserFactory(expert=affiliation.expert), engagement=engagement, accept=True,
                       pledge_version=PLEDGE_VERSION)
    return engagement, affiliation.vendor, planned


def test_register_lists_the_active_affiliation_with_all_four_categories(coordinator, active_engagement):
    engagement, vendor, planned = active_engagement
    rows = client_for(coordinator).get("/api/v1/restrictions/").json()["results"]
    assert len(rows) == 1  # the former employer is not restricted
    (row,) = rows
    assert row["vendor"] == vendor.pk and row["municipality"] == "202011"
    assert row["categories"] == ["planning_support", "design_development", "operations", "audit"]
    assert row["affected_procurements"] == [{"id": planned.pk, "title": planned.title}]
    assert row["state"] == ("not_started" if engagement.starts_on > dt.date.today() else "in_force")
    assert (row["starts_on"], row["ends_on"]) == (str(engagement.starts_on), str(engagement.ends_on))


def test_an_offer_not_yet_accepted_restricts_nobody(coordinator):
    affiliation = AffiliationFactory(relation="employee")
    proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=affiliation.expert))
    assert client_for(coordinator).get("/api/v1/restrictions/").json()["results"] == []


def test_register_is_scoped_to_the_coordinators_prefecture(other_coordinator, active_engagement):
    assert client_for(other_coordinator).get("/api/v1/restrictions/").json()["results"] == []


def test_register_exports_csv_and_excel_with_japanese_headers(coordinator, active_engagement):
    client = client_for(coordinator)
    csv_response = client.get("/api/v1/restrictions/export/?file=csv")
    text = csv_response.content.decode("utf-8-sig")
    assert text.splitlines()[0].startswith("事業者,事業者ID,市区町村,団体コード,制限される契約区分")
    assert "長野市" in text and "システム監査" in text
    xlsx = client.get("/api/v1/restrictions/export/?file=xlsx")
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    assert sheet["A1"].value == "事業者" and sheet["C2"].value == "長野市"


def test_may_bid_says_no_for_the_experts_vendor_and_yes_for_another(coordinator, active_engagement):
    engagement, vendor, planned = active_engagement
    client = client_for(coordinator)
    no = client.get(f"/api/v1/may-bid/?vendor={vendor.pk}&procurement={planned.pk}").json()
    assert no["allowed"] is False
    assert engagement.expert.name in no["reason"]["ja"] and "Not allowed" in no["reason"]["en"]
    other = VendorFactory()
    yes = client.get(f"/api/v1/may-bid/?vendor={other.pk}&procurement={planned.pk}").json()
    assert yes["allowed"] is True


def test_may_bid_after_the_engagement_period_is_yes(coordinator, active_engagement):
    engagement, vendor, planned = active_engagement
    response = client_for(coordinator).get(
        f"/api/v1/may-bid/?vendor={vendor.pk}&procurement={planned.pk}&on=2030-01-01")
    assert response.json()["allowed"] is True


@pytest.mark.parametrize("query", ["vendor=x&procurement=1", "procurement=1", "vendor=1&procurement=1&on=soon"])
def test_may_bid_with_bad_parameters_is_a_400(coordinator, query):
    assert client_for(coordinator).get(f"/api/v1/may-bid/?{query}").status_code == 400
