"""What it costs (issue 13, item 7): committed fees and travel against budgets, the estimated 特別交付税 on the
CIO and CISO advisers only at the prefecture's own rate, and the net cost, checked against sums by hand."""

import datetime as dt
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from backend.core.audit import AuditAction
from backend.core.errors import ForbiddenError
from backend.core.models import AuditLog
from backend.costs.exports import cost_xlsx
from backend.costs.selectors import cost_table
from backend.costs.services import prefecture_setting_update
from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.geo.models import PrefectureSetting
from tests.backend.factories import ExpertFactory, NeedFactory


def engaged(*, municipality, role, budget, fee, travel, status="active", fiscal_year=2027):
    need = NeedFactory(municipality_id=municipality, fiscal_year=fiscal_year, role=role, budget=budget,
                       status="filled" if status in ("active", "offered") else "open")
    active = status == "active"
    return Engagement.objects.create(
        expert=ExpertFactory(), municipality_id=municipality, need=need, fiscal_year=fiscal_year,
        starts_on=dt.date(fiscal_year, 4, 1), ends_on=dt.date(fiscal_year + 1, 3, 31), weekdays=["mon"],
        days_per_year=48, fee=fee, travel_cost=travel, employment_form="contract", status=status,
        pledge_signed_at=timezone.now() if active else None, pledge_version=PLEDGE_VERSION if active else "")


@pytest.fixture
def fiscal_2027():
    """長野市: a CIO adviser (active) and a DX supporter (offered) and an open need; 松本市: a CISO adviser
    (active), an ended engagement and a withdrawn need that count for nothing; 長野県's rate 0.4;
    甲府市 (山梨県, default rate 0.5): a CIO adviser; and 2026 figures that must not show in 2027."""
    PrefectureSetting.objects.create(prefecture_id="20", special_grant_rate=Decimal("0.4"))
    engaged(municipality="202011", role="cio_adviser", budget=3_000_000, fee=2_400_000, travel=123_457)
    engaged(municipality="202011", role="dx_supporter", budget=1_500_000, fee=1_200_000, travel=50_000,
            status="offered")
    NeedFactory(municipality_id="202011", fiscal_year=2027, budget=700_000)
    engaged(municipality="202029", role="ciso_adviser", budget=2_000_000, fee=1_800_000, travel=0)
    engaged(municipality="202029", role="cio_adviser", budget=900_000, fee=900_000, travel=9_999, status="ended")
    NeedFactory(municipality_id="202029", fiscal_year=2027, budget=5_000_000, status="withdrawn")
    engaged(municipality="192015", role="cio_adviser", budget=2_000_000, fee=1_000_001, travel=0)
    engaged(municipality="202011", role="cio_adviser", budget=9_000_000, fee=8_000_000, travel=1, fiscal_year=2026)


# By hand. 長野市: budget 3,000,000 + 1,500,000 + 700,000 = 5,200,000; fee 2,400,000 + 1,200,000 = 3,600,000;
# travel 123,457 + 50,000 = 173,457; committed 3,773,457; grant on the CIO only: 0.4 × 2,523,457 = 1,009,382.8
# → 1,009,382; net 2,764,075. 松本市: budget 2,000,000 + 900,000 (the ended engagement's need is open again and
# counts; the withdrawn need does not), fee 1,800,000 (not the ended 900,000), grant 0.4 × 1,800,000 = 720,000.
NAGANO = {"budget": 5_200_000, "fee": 3_600_000, "travel": 173_457, "grant": 1_009_382}
MATSUMOTO = {"budget": 2_900_000, "fee": 1_800_000, "travel": 0, "grant": 720_000}


def figures(row) -> dict:
    return {"budget": row.budget, "fee": row.fee, "travel": row.travel, "grant": row.grant}


def test_the_coordinator_sees_a_row_per_municipality_and_the_total(coordinator, fiscal_2027):
    table = cost_table(user=coordinator, fiscal_year=2027)
    assert [r.name for r in table.rows] == ["長野市", "松本市"]
    assert [figures(r) for r in table.rows] == [NAGANO, MATSUMOTO]
    assert figures(table.total) == {k: NAGANO[k] + MATSUMOTO[k] for k in NAGANO}
    nagano = table.rows[0]
    assert (nagano.committed, nagano.net, nagano.remaining) == (3_773_457, 2_764_075, 1_426_543)
    assert table.rates == {"20": Decimal("0.400")}


def test_the_grant_uses_each_prefectures_own_rate_and_the_default(other_coordinator, fiscal_2027):
    (kofu,) = cost_table(user=other_coordinator, fiscal_year=2027).rows
    assert kofu.grant == 500_000  # 0.5 × 1,000,001 rounded down
    assert cost_table(user=other_coordinator, fiscal_year=2027).rates == {"19": Decimal("0.5")}


def test_municipal_staff_see_their_municipality_only(municipal, expert_user, fiscal_2027):
    table = cost_table(user=municipal, fiscal_year=2027)
    assert [(r.name, figures(r)) for r in table.rows] == [("長野市", NAGANO)]
    assert cost_table(user=expert_user, fiscal_year=2027).rows == []


def test_the_table_is_two_queries(coordinator, fiscal_2027):
    """The rows, and the multi-year terms of earlier years carried into the year (issue 21: prorated in Python)."""
    with CaptureQueriesContext(connection) as queries:
        cost_table(user=coordinator, fiscal_year=2027)
    assert len(queries) == 2


def test_the_workbook_has_no_formula_and_the_same_totals(coordinator, fiscal_2027):
    table = cost_table(user=coordinator, fiscal_year=2027)
    sheet = load_workbook(io.BytesIO(cost_xlsx(table))).active
    cells = [c for row in sheet.iter_rows() for c in row]
    assert [c.coordinate for c in cells if c.data_type == "f" or str(c.value or "").startswith("=")] == []
    rows = [[c.value for c in row] for row in sheet.iter_rows(values_only=False)]
    total = next(r for r in rows if r[1] == "合計")
    assert total[2:9] == [8_100_000, 5_400_000, 173_457, 5_573_457, 1_729_382, 3_844_075, 2_526_543]
    assert any("単位：円" in str(r[0]) for r in rows)


def test_a_coordinator_changes_their_prefectures_settings_and_it_is_audited(coordinator, other_coordinator):
    setting = prefecture_setting_update(actor=coordinator, prefecture_id="20",
                                        data={"special_grant_rate": Decimal("0.35"), "travel_yen_per_km": 40})
    assert (setting.special_grant_rate, setting.travel_yen_per_km) == (Decimal("0.350"), 40)
    log = AuditLog.objects.get(action=AuditAction.PREFECTURE_SETTING_UPDATE)
    # The matching season joined the settings in issue 21 (None: the default rule).
    assert log.before == {"special_grant_rate": "0.500", "travel_yen_per_km": 37, "matching_season": None,
                          "confirmation_working_day": 5}
    assert log.after == {"special_grant_rate": "0.350", "travel_yen_per_km": 40, "matching_season": None,
                         "confirmation_working_day": 5}
    with pytest.raises(ForbiddenError):
        prefecture_setting_update(actor=other_coordinator, prefecture_id="20", data={"travel_yen_per_km": 1})
    assert PrefectureSetting.objects.get(pk="20").travel_yen_per_km == 40


def test_the_matching_season_is_a_setting_of_record(coordinator):
    prefecture_setting_update(actor=coordinator, prefecture_id="20", data={"matching_season": 2027})
    log = AuditLog.objects.get(action=AuditAction.PREFECTURE_SETTING_UPDATE)
    assert (log.before["matching_season"], log.after["matching_season"]) == (None, 2027)
