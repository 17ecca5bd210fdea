"""What it costs by each engagement's funding scheme (issue 24, item 2): paid so far from the confirmed months,
committed to year end, the eligible amount (capped, recruitment costs where the scheme counts them), the estimated
grant (0 for an ineligible engagement; one short of its threshold by its plan) and the net, checked by hand."""

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from backend.core.audit import AuditAction
from backend.core.errors import ForbiddenError
from backend.core.models import AuditLog
from backend.costs.exports import cost_xlsx
from backend.costs.selectors import PLAN_MEETS, PLAN_SHORT, cost_table
from backend.costs.services import prefecture_setting_update
from backend.funding.models import RecruitmentCost
from backend.geo.models import PrefectureSetting
from backend.payments.selectors import payment_year
from backend.visits.models import PlannedVisit
from backend.worklog.models import WorkMonthStatus
from tests.backend.costs.conftest import CIO, REGIONAL, financed
from tests.backend.factories import MatchRunFactory, NeedFactory
from tests.backend.payments.conftest import month_logged


@pytest.fixture
def year_2027(municipal):
    """長野市 in FY2027: a CIO adviser under the default 特別交付税（CIO補佐官等） with a confirmed April, a submitted May
    and 55,000円 of recruitment costs; a DX supporter named under that scheme (not a role it finances); two
    地域力創造アドバイザー not yet at their threshold, one whose 24 planned on-site days reach it (and a fee over the
    560万円 cap), one whose 4 do not."""
    cio = financed(fee=2_400_000, budget=3_000_000, name="信州 一郎")
    month_logged(cio, 2027, 4, by=municipal, days=[(5, 6, False), (12, 6, False)])
    month_logged(cio, 2027, 5, by=municipal, days=[(10, 6, False)], status=WorkMonthStatus.SUBMITTED)
    RecruitmentCost.objects.create(municipality_id="202011", fiscal_year=2027, need=cio.need, kind="advertisement",
                                   amount=55_000, spent_on=dt.date(2027, 3, 1), note="求人広告")
    dx = financed(role="dx_supporter", kind=CIO, fee=1_200_000, budget=1_500_000, name="安曇 二郎")
    planned = financed(role="other", kind=REGIONAL, fee=6_000_000, budget=6_000_000, onsite_days=24, name="木曽 三郎")
    short = financed(role="other", kind=REGIONAL, fee=1_000_000, budget=1_000_000, onsite_days=4, name="伊那 四郎")
    return {"cio": cio, "dx": dx, "planned": planned, "short": short}


def by_engagement(table) -> dict:
    return {line.engagement.pk: line for row in table.rows for line in row.lines if line.engagement}


def test_each_engagement_is_estimated_by_its_own_scheme(municipal, year_2027):
    lines = by_engagement(cost_table(user=municipal, fiscal_year=2027))
    cio, dx, planned, short = (lines[year_2027[k].pk] for k in ("cio", "dx", "planned", "short"))
    # CIO補佐官等: 0.5 of fee + recruitment (2,400,000 + 55,000), paid so far the confirmed April only
    assert (cio.scheme.kind, cio.paid, cio.committed, cio.recruitment, cio.eligible, cio.grant) == (
        "cio_grant", 200_000, 2_400_000, 55_000, 2_455_000, 1_227_500)
    assert (str(dx.state_label), dx.eligible, dx.grant) == ("対象外", 0, 0)
    assert "この財源は、この役割を対象としていません。" in [str(r) for r in dx.reasons]
    # 地域力創造: 0 of 10 days confirmed, but 24 planned on-site days reach the threshold; capped at 560万円 × 1.0
    assert (planned.state, planned.eligible, planned.estimate.cap, planned.grant) == (
        PLAN_MEETS, 5_600_000, 5_600_000, 5_600_000)
    assert planned.tracker == "10日中0日・5回中0回。令和10年3月31日までにあと10日またはあと5回"
    assert (short.state, short.eligible, short.grant) == (PLAN_SHORT, 0, 0)


def test_the_municipality_row_sums_its_lines_against_the_budget(municipal, year_2027):
    (row,) = cost_table(user=municipal, fiscal_year=2027).rows
    assert (row.name, row.budget, row.paid, row.committed, row.recruitment) == (
        "長野市", 11_500_000, 200_000, 10_600_000, 55_000)
    assert (row.eligible, row.grant) == (8_055_000, 6_827_500)
    assert (row.net, row.remaining) == (10_600_000 + 55_000 - 6_827_500, 900_000)
    assert row.paid == payment_year(user=municipal, fiscal_year=2027).municipalities[0].so_far
    assert [s.kind for s in row.claim_schemes] == ["cio_grant", "regional_adviser"]


def test_a_visit_plan_decides_an_engagement_short_of_its_threshold(municipal):
    """Five planned on-site dates in separate weeks are five visits (the threshold); four are not enough."""
    five = financed(role="other", kind=REGIONAL, fee=1_000_000)
    four = financed(role="other", kind=REGIONAL, fee=1_000_000)
    for engagement, count in ((five, 5), (four, 4)):
        for week in range(count):
            PlannedVisit.objects.create(engagement=engagement, expert=engagement.expert, onsite=True,
                                        date=dt.date(2027, 6, 7) + dt.timedelta(weeks=week))
    lines = by_engagement(cost_table(user=municipal, fiscal_year=2027))
    assert (lines[five.pk].state, lines[five.pk].grant) == (PLAN_MEETS, 1_000_000)
    assert (lines[four.pk].state, lines[four.pk].grant) == (PLAN_SHORT, 0)


def test_an_ended_engagement_commits_what_it_was_paid(municipal):
    ended = financed(status="ended", fee=1_200_000)
    month_logged(ended, 2027, 4, by=municipal, days=[(5, 6, False)])
    never = financed(status="ended", fee=900_000)
    lines = by_engagement(cost_table(user=municipal, fiscal_year=2027))
    assert (lines[ended.pk].paid, lines[ended.pk].committed, lines[ended.pk].grant) == (100_000, 100_000, 50_000)
    assert never.pk not in lines


def test_each_role_sees_its_own_municipalities(coordinator, other_coordinator, municipal, other_municipal,
                                                expert_user, year_2027):
    financed(municipality="202029", fee=1_000_000)
    financed(municipality="192015", fee=1_000_001)
    assert [r.name for r in cost_table(user=coordinator, fiscal_year=2027).rows] == ["長野市", "松本市"]
    assert [r.name for r in cost_table(user=other_municipal, fiscal_year=2027).rows] == ["松本市"]
    (kofu,) = cost_table(user=other_coordinator, fiscal_year=2027).rows
    assert (kofu.name, kofu.grant) == ("甲府市", 500_000)  # 山梨県's own CIO scheme, 0.5 rounded down
    assert cost_table(user=expert_user, fiscal_year=2027).rows == []


def test_the_table_reads_the_same_number_of_queries_for_one_engagement_or_many(coordinator, municipal):
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            cost_table(user=coordinator, fiscal_year=2027)
        return len(captured)

    first = financed(role="other", kind=REGIONAL, onsite_days=12)
    month_logged(first, 2027, 4, by=municipal, days=[(5, 6, True)])
    cost_table(user=coordinator, fiscal_year=2027)  # the prefecture's schemes are seeded on the first read
    one = queries()
    for municipality in ("202011", "202029"):
        engagement = financed(municipality=municipality)
        month_logged(engagement, 2027, 4, by=municipal, days=[(5, 6, True)])
        financed(municipality=municipality, role="other", kind=REGIONAL, onsite_days=3)
    assert queries() == one <= 12


def test_the_workbook_has_the_columns_by_scheme_no_formula_and_the_same_totals(coordinator, year_2027):
    table = cost_table(user=coordinator, fiscal_year=2027)
    sheet = load_workbook(io.BytesIO(cost_xlsx(table))).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f" or str(c.value or "").startswith("=")] == []
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert rows[0][5:] == ["予算（円）", "支払済み（円）", "年度末までの支出見込み（円）", "募集経費（円）", "対象経費（円）",
                           "交付税見込み（円）", "実質負担（円）", "予算残（円）"]
    total = next(r for r in rows if r[1] == "合計")
    t = table.total
    assert total[5:] == [t.budget, t.paid, t.committed, t.recruitment, t.eligible, t.grant, t.net, t.remaining]
    line = next(r for r in rows if r[2] and r[2].startswith("木曽 三郎"))
    assert line[3:5] == ["地域力創造アドバイザー（外部専門家）", "要件未達（計画では達する見込み）"]
    assert line[9:11] == [5_600_000, 5_600_000]
    assert any("単位：円" in str(r[0]) for r in rows)


def test_a_coordinator_changes_their_prefectures_settings_and_it_is_audited(coordinator, other_coordinator):
    setting = prefecture_setting_update(actor=coordinator, prefecture_id="20", data={"travel_yen_per_km": 40})
    assert setting.travel_yen_per_km == 40
    log = AuditLog.objects.get(action=AuditAction.PREFECTURE_SETTING_UPDATE)
    # The grant rate left the settings in issue 24: the funding schemes' rates replace it.
    assert log.before == {"travel_yen_per_km": 37, "matching_season": None, "confirmation_working_day": 5,
                          "offer_answer_days": 14}
    assert log.after == {"travel_yen_per_km": 40, "matching_season": None, "confirmation_working_day": 5,
                         "offer_answer_days": 14}
    assert not hasattr(setting, "special_grant_rate")
    with pytest.raises(ForbiddenError):
        prefecture_setting_update(actor=other_coordinator, prefecture_id="20", data={"travel_yen_per_km": 1})
    assert PrefectureSetting.objects.get(pk="20").travel_yen_per_km == 40


def test_the_matching_season_is_a_setting_of_record(coordinator):
    prefecture_setting_update(actor=coordinator, prefecture_id="20", data={"matching_season": 2027})
    log = AuditLog.objects.get(action=AuditAction.PREFECTURE_SETTING_UPDATE)
    assert (log.before["matching_season"], log.after["matching_season"]) == (None, 2027)


def test_recruitment_costs_with_no_engagement_of_the_year_stand_on_a_line_of_their_own(municipal):
    """A need not yet filled and a round (a run): under the need's planned scheme and 特別交付税（CIO補佐官等）."""
    need = NeedFactory(municipality_id="202011", fiscal_year=2027, role="cio_adviser", budget=2_000_000)
    RecruitmentCost.objects.create(municipality_id="202011", fiscal_year=2027, need=need, kind="advertisement",
                                   amount=40_000, spent_on=dt.date(2027, 5, 1), note="求人広告")
    RecruitmentCost.objects.create(municipality_id="202011", fiscal_year=2027, run=MatchRunFactory(),
                                   kind="interview_travel", amount=20_001, spent_on=dt.date(2027, 6, 1), note="面接")
    (row,) = cost_table(user=municipal, fiscal_year=2027).rows
    (line,) = row.lines
    assert (line.engagement, line.scheme.kind, line.recruitment, line.eligible, line.grant) == (
        None, "cio_grant", 60_001, 60_001, 30_000)
    assert str(line.label) == f"募集経費（{need}、募集回）"
    assert (row.committed, row.recruitment, row.net) == (0, 60_001, 30_001)
