"""The autumn budget estimate's page (予算要求見込み): the clerk's needs with the figures in 円, the total to request,
a what-if as a plain GET form that stores nothing; the coordinator picks a municipality by name; an expert is
refused."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.needs.models import Need
from frontend.todo import todo_list
from tests.backend.factories import (
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    NeedFactory,
)

pytestmark = pytest.mark.django_db
URL = "/costs/estimate/"


@pytest.fixture
def need(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 10, 1))
    ExpertFactory(daily_rate=40_000)
    return NeedFactory(fiscal_year=2027, title="窓口DX", budget=3_000_000, fee_basis="annual", fee_amount=2_300_000,
                       offered_fee=2_300_000)


def test_the_clerk_sees_the_figures_the_total_and_a_what_if_that_changes_nothing(client, need):
    client.force_login(MunicipalStaffFactory())
    page = client.get(URL).content.decode()
    assert "窓口DX" in page and "1,920,000円〜2,300,000円" in page and "予算要求額（歳出）" in page
    answer = client.get(URL, {"fy": 2027, "need": need.pk, "budget": "200", "days_per_year": "30",
                              "onsite_days": "0", "offered_fee": "150"})
    assert answer.status_code == 200
    assert "1,200,000円〜1,500,000円" in answer.content.decode()  # 30 days × 40,000 … the changed offer
    assert Need.objects.get(pk=need.pk).budget == 3_000_000
    refused = client.get(URL, {"need": need.pk, "budget": "100", "days_per_year": "48", "onsite_days": "0",
                               "offered_fee": "230"})
    assert refused.status_code == 400 and "年間予算 1,000,000円 を超えています" in refused.content.decode()


def test_the_coordinator_filters_by_municipality_and_an_expert_is_refused(client, need):
    NeedFactory(fiscal_year=2027, municipality_id="202029", title="松本のCIO")
    client.force_login(CoordinatorFactory())
    page = client.get(URL).content.decode()
    assert "長野市" in page and "松本のCIO" in page
    assert "松本のCIO" not in client.get(URL, {"municipality": "202011"}).content.decode()
    client.force_login(ExpertUserFactory())
    assert client.get(URL).status_code == 403


def test_before_september_the_page_says_from_when(client, need, monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 8, 1))
    client.force_login(MunicipalStaffFactory())
    page = client.get(URL, {"fy": 2027}).content.decode()
    assert "令和9年度の予算要求見込みは令和8年9月1日から表示します。" in page and "窓口DX" not in page


def test_from_september_the_municipal_home_lists_the_needs_to_estimate(need, monkeypatch):
    staff = MunicipalStaffFactory()
    assert {i.key: (i.count, i.url) for i in todo_list(user=staff)}["estimate"] == (1, "/costs/estimate/?fy=2027")
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 8, 31))
    assert {i.key: i.count for i in todo_list(user=staff)}["estimate"] == 0
