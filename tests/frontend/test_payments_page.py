"""The 「支払額」 page and the engagement page's 「支払額（年度累計）」 box (issue 23, item 5): yen with thousands
separators, the budget warning, the download links, and who may open what."""

import datetime as dt

import pytest

from tests.backend.factories import CoordinatorFactory, ExpertUserFactory, MunicipalStaffFactory
from tests.backend.payments.conftest import engaged, month_logged

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return MunicipalStaffFactory(municipality_id="202011")


@pytest.fixture
def over_budget(clerk):
    engagement = engaged(basis="daily", fee=960_000, fee_amount=20_000, budget=1_300_000)
    month_logged(engagement, 2027, 5, by=clerk, days=[
        {"day": d, "beyond_contract": True, "agreed_at": dt.datetime(2027, 5, 31, tzinfo=dt.UTC)}
        for d in range(1, 21)])
    return engagement


def test_the_clerk_sees_the_months_amounts_the_warning_and_the_sheets(client, clerk, over_budget):
    client.force_login(clerk)
    page = client.get("/payments/?fy=2027&month=5").content.decode()
    assert "400,000円" in page and "20,000円" in page
    assert "このままでは予算を60,000円超えます。" in page
    assert "/payments/sheet/?municipality=202011&amp;year=2027&amp;month=5&amp;file=xlsx" in page
    june = client.get("/payments/?fy=2027&month=6").content.decode()
    assert "記録なし" in june and "確認後に計算します" in june
    sheet = client.get("/payments/sheet/?municipality=202011&year=2027&month=5&file=csv")
    assert sheet.status_code == 200 and sheet["Content-Disposition"].endswith("payments-202011-2027-05.csv\"")
    assert client.get("/payments/sheet/?municipality=202029&year=2027&month=5").status_code == 404


def test_the_coordinator_filters_by_municipality_and_the_expert_is_refused(client, over_budget):
    engaged(municipality="202029")
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    assert "松本市" in client.get("/payments/?fy=2027&month=5").content.decode()
    only = client.get("/payments/?fy=2027&month=5&municipality=202011").content.decode()
    assert "400,000円" in only and "<td>松本市</td>" not in only
    client.force_login(ExpertUserFactory(expert=over_budget.expert))
    assert client.get("/payments/").status_code == 403
    assert client.get("/payments/sheet/?municipality=202011&year=2027&month=5").status_code == 403


def test_the_engagement_page_shows_the_year_so_far(client, clerk, over_budget):
    client.force_login(clerk)
    page = client.get(f"/engagements/{over_budget.pk}/").content.decode()
    assert "支払額（年度累計）" in page and "400,000円" in page and "このままでは予算を60,000円超えます。" in page
