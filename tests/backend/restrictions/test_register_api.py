"""Reading the stored register through the API: titles, states, scope, exports and the may-bid question."""

import csv
import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tests.backend.conftest import client_for
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    ProcurementFactory,
    VendorFactory,
)
from tests.backend.restrictions.conftest import STATE_LABELS, expert_user, serve, state_on_today, today

TITLE = "基幹系システム標準化移行支援業務"


@pytest.fixture
def serving(db):
    """An employed expert serving 長野市 in 令和9年度, with a planned procurement there."""
    employed = AffiliationFactory(relation="employee")
    planned = ProcurementFactory(municipality_id="202011", status="planned", incumbent_vendor=None, title=TITLE,
                                 category="planning_support", fiscal_year=2027)
    return serve(employed.expert), employed.vendor, planned


def test_register_rows_name_the_affected_planned_procurements_by_title(coordinator, serving):
    engagement, vendor, planned = serving
    ProcurementFactory(municipality_id="202011", status="ongoing", title="既に契約中の業務")
    (row,) = client_for(coordinator).get("/api/v1/restrictions/").json()["results"]
    assert row["affected_procurements"] == [{"id": planned.pk, "title": TITLE}]
    assert row["categories"] == ["planning_support", "design_development", "operations", "audit"]


def test_the_csv_and_excel_exports_name_the_procurements_by_title_not_by_id(coordinator, serving):
    engagement, vendor, planned = serving
    client = client_for(coordinator)
    header, row = csv.reader(io.StringIO(client.get("/api/v1/restrictions/export/?file=csv").content.decode(
        "utf-8-sig")))
    assert row[header.index("影響を受ける予定調達")] == TITLE
    assert f"P{planned.pk}" not in row
    sheet = load_workbook(io.BytesIO(client.get("/api/v1/restrictions/export/?file=xlsx").content)).active
    header = [cell.value for cell in sheet[1]]
    assert sheet.cell(row=2, column=header.index("影響を受ける予定調達") + 1).value == TITLE
    assert sheet.cell(row=2, column=header.index("状態") + 1).value == STATE_LABELS[
        state_on_today(engagement.starts_on, engagement.ends_on)]


def test_the_excel_register_has_date_cells_shown_in_reiwa_and_the_csv_iso_dates(coordinator, serving):
    engagement, vendor, planned = serving
    client = client_for(coordinator)
    sheet = load_workbook(io.BytesIO(client.get("/api/v1/restrictions/export/?file=xlsx").content)).active
    header = [cell.value for cell in sheet[1]]
    starts = sheet.cell(row=2, column=header.index("制限開始日") + 1)
    assert starts.value.date() == engagement.starts_on  # a date cell that sorts and filters as one
    assert starts.number_format == '[$-411]ggge"年"m"月"d"日"'
    header, row = csv.reader(io.StringIO(client.get("/api/v1/restrictions/export/?file=csv").content.decode(
        "utf-8-sig")))
    assert row[header.index("制限終了日")] == engagement.ends_on.isoformat()


def test_each_row_carries_its_state_and_ended_rows_stay_listed_newest_first(coordinator):
    ended, in_force, not_started = (AffiliationFactory(relation="side_job") for _ in range(3))
    serve(ended.expert, starts_on=today() - dt.timedelta(days=200), ends_on=today() - dt.timedelta(days=10))
    serve(in_force.expert, starts_on=today() - dt.timedelta(days=9), ends_on=today() + dt.timedelta(days=30))
    serve(not_started.expert, starts_on=today() + dt.timedelta(days=31), ends_on=today() + dt.timedelta(days=90))
    client = client_for(coordinator)
    rows = client.get("/api/v1/restrictions/").json()["results"]
    assert [(r["vendor"], r["state"]) for r in rows] == [
        (not_started.vendor_id, "not_started"), (in_force.vendor_id, "in_force"), (ended.vendor_id, "ended")]
    for state, affiliation in [("ended", ended), ("in_force", in_force), ("not_started", not_started)]:
        only = client.get("/api/v1/restrictions/", {"state": state}).json()["results"]
        assert [r["vendor"] for r in only] == [affiliation.vendor_id]
    assert len(client.get("/api/v1/restrictions/", {"state": "all"}).json()["results"]) == 3
    assert client.get("/api/v1/restrictions/", {"state": "soon"}).status_code == 400


def test_the_register_list_reads_its_history_in_a_fixed_number_of_queries(coordinator):
    def queries_for_register() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as captured:
            rows = client.get("/api/v1/restrictions/").json()["results"]
        return len(rows), len(captured)

    client = client_for(coordinator)
    for _ in range(2):  # replaced early: ended engagements whose rows stay
        affiliation = AffiliationFactory(relation="employee")
        serve(ExpertFactory(), replaces=serve(affiliation.expert), starts_on=dt.date(2027, 10, 1))
    ProcurementFactory(municipality_id="202011", status="planned", fiscal_year=2027)
    few, few_queries = queries_for_register()
    for _ in range(4):
        affiliation = AffiliationFactory(relation="side_job")
        serve(affiliation.expert, municipality="202029")
    many, many_queries = queries_for_register()
    assert (few, many) == (2, 6)
    assert few_queries == many_queries


def test_the_register_is_scoped_to_the_prefecture_the_municipality_and_the_expert_history_included(serving):
    engagement, vendor, planned = serving
    other = AffiliationFactory(relation="employee")
    ended = serve(other.expert, municipality="202029")  # 松本市, replaced early: its row stays
    serve(ExpertFactory(), replaces=ended, starts_on=dt.date(2027, 10, 1))

    def vendors(user) -> list[int]:
        return sorted(r["vendor"] for r in client_for(user).get("/api/v1/restrictions/").json()["results"])

    assert vendors(CoordinatorFactory(prefecture_id="20")) == sorted([vendor.pk, other.vendor_id])
    assert vendors(CoordinatorFactory(prefecture_id="19")) == []
    assert vendors(MunicipalStaffFactory(municipality_id="202011")) == [vendor.pk]
    assert vendors(MunicipalStaffFactory(municipality_id="202029")) == [other.vendor_id]
    assert vendors(MunicipalStaffFactory(municipality_id="192015")) == []  # 甲府市
    assert vendors(expert_user(other.expert)) == [other.vendor_id]
    assert vendors(ExpertUserFactory()) == []


def test_may_bid_answers_no_with_the_engagement_behind_it_yes_for_another_and_404_out_of_scope(serving):
    engagement, vendor, planned = serving
    query = {"vendor": vendor.pk, "procurement": planned.pk}
    client = client_for(MunicipalStaffFactory(municipality_id="202011"))
    no = client.get("/api/v1/may-bid/", query).json()
    assert no["allowed"] is False
    assert engagement.expert.name in no["reason"]["ja"] and "長野市" in no["reason"]["ja"]
    # Issue 21: the clerk reads 令和 dates (the reason showed ISO dates); English keeps ISO.
    assert "令和9年4月1日" in no["reason"]["ja"] and "令和10年3月31日" in no["reason"]["ja"]
    assert "2027-04-01" not in no["reason"]["ja"]
    # No number in the words (issue 21): the engagement is who serves where and when; its id is in restrictions.
    assert "#" not in no["reason"]["ja"] and "#" not in no["reason"]["en"]
    assert engagement.expert.name in no["reason"]["en"] and no["reason"]["en"].startswith("Not allowed")
    (behind,) = no["restrictions"]
    assert (behind["engagement"], behind["expert_name"], behind["state"]) == (
        engagement.pk, engagement.expert.name, state_on_today(engagement.starts_on, engagement.ends_on))
    assert behind["affected_procurements"] == [{"id": planned.pk, "title": TITLE}]
    yes = client.get("/api/v1/may-bid/", {"vendor": VendorFactory().pk, "procurement": planned.pk}).json()
    assert (yes["allowed"], yes["restrictions"]) == (True, [])
    for outsider in (MunicipalStaffFactory(municipality_id="202029"), CoordinatorFactory(prefecture_id="19"),
                     expert_user(engagement.expert)):
        assert client_for(outsider).get("/api/v1/may-bid/", query).status_code == 404
