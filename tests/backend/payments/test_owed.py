"""What is owed, read as each role reads it (issue 23, item 5): confirmed months only, year to date against the
budget with a warning before it is exceeded, adjusted months marked, and the payment sheets as Excel and CSV."""

import csv
import datetime as dt
import io

from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from backend.payments.exports import sheet_csv, sheet_xlsx
from backend.payments.selectors import owed_by_month, payment_sheet_rows, payment_year, sheet_municipality
from backend.worklog.models import WorkMonthStatus
from tests.backend.conftest import client_for
from tests.backend.factories import ExpertFactory
from tests.backend.payments.conftest import adjusted, engaged, month_logged


def test_a_month_not_confirmed_shows_its_status_and_owes_nothing_yet(municipal):
    engagement = engaged(basis="daily", fee=960_000, fee_amount=20_000)
    month_logged(engagement, 2027, 4, by=municipal, days=[(5, 6, False), (12, 6, False)])
    month_logged(engagement, 2027, 5, by=municipal, days=[(10, 6, False)], status=WorkMonthStatus.SUBMITTED)
    rows = {(r.year, r.month): r for r in owed_by_month(user=municipal, fiscal_year=2027)}
    assert len(rows) == 12
    assert rows[2027, 4].amount.fee == 40_000
    assert (rows[2027, 5].status, rows[2027, 5].amount) == ("submitted", None)
    assert (rows[2027, 6].status, rows[2027, 6].amount) == ("not_started", None)
    assert payment_year(user=municipal, fiscal_year=2027).engagements[0].so_far == 40_000


def test_the_budget_warning_comes_before_the_budget_is_exceeded(municipal):
    # 48 days at 20,000 = 960,000 planned; 20 agreed days beyond the contract in April make 68 × 20,000 =
    # 1,360,000 projected against a budget of 1,300,000, while 400,000 confirmed is still far within it.
    engagement = engaged(basis="daily", fee=960_000, fee_amount=20_000, budget=1_300_000)
    month_logged(engagement, 2027, 4, by=municipal, days=[
        {"day": d, "beyond_contract": True, "agreed_at": dt.datetime(2027, 4, 30, tzinfo=dt.UTC)}
        for d in range(1, 21)])
    year = payment_year(user=municipal, fiscal_year=2027)
    (row,) = year.engagements
    assert (row.so_far, row.projected, row.budget, row.exceeded) == (400_000, 1_360_000, 1_300_000, False)
    assert str(row.warning) == "このままでは予算を60,000円超えます。"
    (town,) = year.municipalities
    assert (town.code, town.so_far, town.budget, str(town.warning)) == (
        "202011", 400_000, 1_300_000, "このままでは予算を60,000円超えます。")


def test_a_contract_within_its_budget_warns_of_nothing(municipal):
    engaged(basis="annual", fee=1_200_000, budget=1_300_000)
    (row,) = payment_year(user=municipal, fiscal_year=2027).engagements
    assert (row.projected, row.over_by, row.warning) == (1_200_000, 0, "")


def test_a_month_corrected_after_confirmation_is_marked(municipal):
    engagement = engaged()
    adjusted(month_logged(engagement, 2027, 4, by=municipal, days=[(5, 6, False)]), by=municipal)
    rows = owed_by_month(user=municipal, fiscal_year=2027, month=4)
    assert [r.adjusted for r in rows] == [True]
    assert payment_year(user=municipal, fiscal_year=2027).engagements[0].adjusted


def _sheet(municipal, *, expert_name="=HYPERLINK(\"x\")"):
    engagement = engaged(basis="daily", fee=960_000, fee_amount=20_000, travel=38_520, onsite_days=12,
                         expert=ExpertFactory(name=expert_name))
    month_logged(engagement, 2027, 5, by=municipal, days=[(10, 6, True), (17, "7.5", False)])
    municipality = sheet_municipality(user=municipal, code="202011")
    return payment_sheet_rows(user=municipal, municipality=municipality, year=2027, month=5)


def test_the_excel_sheet_has_numbers_as_numbers_no_formula_and_a_reiwa_date(municipal):
    sheet = load_workbook(io.BytesIO(sheet_xlsx(_sheet(municipal), year=2027, month=5))).active
    header, row = [c.value for c in sheet[1]], sheet[2]
    values = dict(zip(header, row, strict=True))
    assert sheet.title == "令和9年5月分"
    assert values["専門人材"].value == "'=HYPERLINK(\"x\")" and values["専門人材"].data_type == "s"
    assert [values[k].value for k in ("単価（円）", "確認日数", "時間", "現地日数", "報酬（円）", "費用弁償（円）", "計（円）")] == [
        20_000, 2, 13.5, 1, 40_000, 3_210, 43_210]
    assert all(values[k].data_type == "n" for k in ("報酬（円）", "費用弁償（円）", "計（円）"))
    assert not any(c.data_type == "f" for c in row)
    assert isinstance(values["確認日"].value, dt.datetime) and "ggge" in values["確認日"].number_format


def test_the_csv_sheet_parses_back_with_its_bom_and_a_reiwa_date(municipal):
    data = sheet_csv(_sheet(municipal, expert_name="山田 花子"))
    assert data.startswith("\ufeff".encode())
    header, row = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    values = dict(zip(header, row, strict=True))
    assert (values["専門人材"], values["計（円）"], values["時間"], values["報酬の定め方"]) == ("山田 花子", "43210", "13.5", "日額")
    assert values["確認日"].startswith("令和")


def test_the_sheets_are_refused_to_experts_and_hidden_outside_the_users_municipality(municipal, other_municipal,
                                                                                      expert_user):
    engaged(expert=expert_user.expert)
    url = "/api/v1/payments/sheet/?municipality=202011&year=2027&month=5&file=csv"
    assert client_for(municipal).get(url).status_code == 200
    assert client_for(other_municipal).get(url).status_code == 404
    assert client_for(expert_user).get(url).status_code == 403


def test_each_role_reads_the_amounts_of_its_own_engagements_only(municipal, other_municipal, expert_user,
                                                                 other_coordinator):
    mine = engaged(expert=expert_user.expert)
    month_logged(mine, 2027, 4, by=municipal, days=[(5, 6, False)])
    engaged(municipality="202029")
    url = "/api/v1/payments/owed/?fiscal_year=2027&month=4"
    assert [r["engagement"] for r in client_for(municipal).get(url).json()] == [mine.pk]
    assert [r["amount"]["fee"] for r in client_for(expert_user).get(url).json()] == [100_000]
    assert [r["engagement"] for r in client_for(other_municipal).get(url).json()] != [mine.pk]
    assert client_for(other_coordinator).get(url).json() == []
    year = client_for(expert_user).get("/api/v1/payments/year/?fiscal_year=2027").json()
    assert ([e["engagement"] for e in year["engagements"]], year["municipalities"]) == ([mine.pk], [])


def test_the_year_is_read_in_the_same_number_of_queries_for_one_engagement_or_three(municipal):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            payment_year(user=municipal, fiscal_year=2027)
        return len(captured)

    month_logged(engaged(), 2027, 4, by=municipal, days=[(5, 6, True)])
    one = queries()
    for _ in range(2):
        month_logged(engaged(), 2027, 4, by=municipal, days=[(5, 6, True)])
    assert queries() == one


def test_a_month_or_municipality_that_cannot_be_read_is_refused_by_name(municipal):
    answer = client_for(municipal).get("/api/v1/payments/owed/?month=13")
    assert answer.status_code == 400 and "month" in answer.content.decode()
    assert client_for(municipal).get("/api/v1/payments/sheet/?year=2027&month=5").status_code == 400
