"""The claim pack (年度末の交付税算定資料, issue 24 item 3): a line per engagement of the municipality and scheme with
what its confirmed months paid, its days and visits, recruitment costs, the eligible amount, rate, cap and grant,
totals equal to the payments' confirmed months, numbers as numbers, no formulas, and who may make it."""

import csv
import datetime as dt
import io

import pytest
from openpyxl import load_workbook

from backend.costs.exports import claim_file
from backend.costs.selectors import claim_pack
from backend.funding.models import RecruitmentCost
from backend.geo.models import Municipality
from backend.payments.selectors import owed_by_month
from backend.worklog.models import WorkMonthStatus
from tests.backend.conftest import client_for
from tests.backend.costs.conftest import CIO, REGIONAL, financed, scheme
from tests.backend.payments.conftest import month_logged


@pytest.fixture
def nagano_cio(municipal):
    """長野市's 特別交付税（CIO補佐官等） of FY2027: a CIO adviser whose name would start a formula, with two confirmed
    months (one with on-site days and travel) and a submitted one that must not count; a CISO adviser confirmed in
    June; 55,000円 of recruitment; and a 地域力創造 engagement that belongs to another pack."""
    cio = financed(fee=2_400_000, travel=96_000, onsite_days=24, name="=HYPERLINK(\"x\")")
    month_logged(cio, 2027, 4, by=municipal, days=[(5, 7, True), (6, 7, True), (12, 6, False)])
    month_logged(cio, 2027, 5, by=municipal, days=[(10, 7, True)])
    month_logged(cio, 2027, 6, by=municipal, days=[(7, 7, True)], status=WorkMonthStatus.SUBMITTED)
    ciso = financed(role="ciso_adviser", fee=1_200_000, name="安曇 二郎")
    month_logged(ciso, 2027, 6, by=municipal, days=[(7, 6, False)])
    RecruitmentCost.objects.create(municipality_id="202011", fiscal_year=2027, need=ciso.need, kind="advertisement",
                                   amount=55_000, spent_on=dt.date(2027, 4, 20), note="求人広告")
    other = financed(role="other", kind=REGIONAL, fee=1_000_000, name="木曽 三郎")
    month_logged(other, 2027, 4, by=municipal, days=[(5, 7, True)])
    return {"cio": cio, "ciso": ciso}


def pack_of(user, kind=CIO):
    return claim_pack(user=user, municipality=Municipality.objects.get(code="202011"), scheme=scheme(kind),
                      fiscal_year=2027)


def test_the_packs_totals_are_the_confirmed_months_of_its_engagements(municipal, nagano_cio):
    pack = pack_of(municipal)
    mine = {nagano_cio["cio"].pk, nagano_cio["ciso"].pk}
    confirmed = [m for m in owed_by_month(user=municipal, fiscal_year=2027) if m.engagement.pk in mine and m.confirmed]
    assert sorted((m.year, m.month) for m in confirmed) == [(2027, 4), (2027, 5), (2027, 6)]  # not the June submitted
    assert pack.fee == sum(m.amount.fee for m in confirmed) == 200_000 * 2 + 100_000
    assert pack.travel == sum(m.amount.travel for m in confirmed) == 4_000 * 3  # 96,000 ÷ 24 on-site days
    assert (pack.recruitment, pack.days, pack.visits) == (55_000, 5, 2)  # 5-6 April is one stay, 10 May another
    assert pack.eligible == pack.fee + pack.travel + pack.recruitment
    assert pack.grant == sum(line.claim.grant for line in pack.lines) == (412_000 // 2) + (155_000 // 2)
    assert {line.engagement.expert.name for line in pack.lines} == {"=HYPERLINK(\"x\")", "安曇 二郎"}


def test_the_workbook_has_a_header_block_numbers_as_numbers_and_no_formula(municipal, nagano_cio):
    content, content_type, name = claim_file(pack_of(municipal), file="xlsx")
    assert content_type.startswith("application/vnd.openxmlformats") and name.endswith("-2027.xlsx")
    sheet = load_workbook(io.BytesIO(content)).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f"] == []
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[1][:2] == ["市区町村", "長野市（202011）"]
    assert rows[2][:2] == ["財源", "特別交付税（CIO補佐官等）"]
    assert rows[4][:2] == ["年度", "令和9年度"]
    assert rows[5][1].startswith("令和")
    header = rows.index(next(r for r in rows if r[0] == "専門人材"))
    assert rows[header][4:13] == ["確認済み日数", "訪問回数", "報酬支払額（円）", "費用弁償（円）", "募集経費（円）",
                                  "対象経費（円）", "措置率", "上限適用（円）", "交付税見込み（円）"]
    cio = next(r for r in rows if r[0] == "'=HYPERLINK(\"x\")")  # quoted: text, never a formula
    assert cio[1:4] == ["特別職非常勤職員", "CIO補佐官", "令和9年4月1日〜令和10年3月31日"]
    assert cio[4:13] == [4, 2, 400_000, 12_000, 0, 412_000, 0.5, None, 206_000]
    total = next(r for r in rows if r[0] == "合計")
    assert total[6:10] == [500_000, 12_000, 55_000, 567_000] and total[12] == 206_000 + 77_500


def test_the_csv_parses_back_with_plain_numbers(municipal, nagano_cio):
    content, content_type, _name = claim_file(pack_of(municipal), file="csv")
    assert content_type.startswith("text/csv") and content.startswith("\ufeff".encode())
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    total = next(r for r in rows if r and r[0] == "合計")
    assert total[6:10] == ["500000", "12000", "55000", "567000"]
    ciso = next(r for r in rows if r and r[0] == "安曇 二郎")
    assert ciso[3] == "令和9年4月1日〜令和10年3月31日" and ciso[10] == "0.5"


def test_a_threshold_not_met_by_the_confirmed_days_claims_nothing_and_says_why(municipal, nagano_cio):
    (line,) = pack_of(municipal, kind=REGIONAL).lines
    assert (line.paid_fee, line.claim.eligible_amount, line.claim.grant) == (83_333, 0, 0)
    assert line.tracker.startswith("10日中1日・5回中1回")


def test_who_may_make_a_claim_pack(coordinator, other_coordinator, municipal, other_municipal, expert_user,
                                   nagano_cio):
    url = f"/api/v1/costs/claims/?municipality=202011&scheme={scheme(CIO).pk}&fiscal_year=2027&format=csv"
    assert client_for(municipal).get(url).status_code == 200
    answer = client_for(coordinator).get(url.replace("format=csv", "format=xlsx"))
    assert answer.status_code == 200 and answer["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client_for(other_municipal).get(url).status_code == 404
    assert client_for(other_coordinator).get(url).status_code == 404
    assert client_for(expert_user).get(url).status_code == 403
    other_prefectures = url.replace(f"scheme={scheme(CIO).pk}", f"scheme={scheme(CIO, '19').pk}")
    assert client_for(municipal).get(other_prefectures).status_code == 404
    refused = client_for(municipal).get(url.replace("format=csv", "format=pdf"))
    assert refused.status_code == 400 and "format" in refused.content.decode()
