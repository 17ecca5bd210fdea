"""The fiscal year (issue 21, item 6): one rule for the default year (the prefecture's matching season, else the
coming fiscal year from October and the current one before), and every writable year within the current
one −1 … +3, refused in the API with a message naming the field in Japanese and English."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.core import fiscal
from backend.needs.models import Need
from backend.procurement.models import Procurement
from backend.runs.models import MatchRun, ScopeConsent
from tests.backend.api.test_bad_input import VALID_NEED
from tests.backend.conftest import client_for
from tests.backend.factories import CoordinatorFactory, NeedFactory, VendorFactory


def on(monkeypatch, day: dt.date) -> None:
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)


@pytest.fixture
def autumn_2026(monkeypatch):
    """1 October 2026: fiscal year 2026 (令和8年度); years 2025 … 2029 may be written; the default is 2027."""
    on(monkeypatch, dt.date(2026, 10, 1))


@pytest.mark.parametrize(("today", "year"), [
    (dt.date(2026, 4, 1), 2026), (dt.date(2026, 9, 30), 2026),  # April to September: the current year
    (dt.date(2026, 10, 1), 2027), (dt.date(2026, 12, 31), 2027),  # from October: the coming year
    (dt.date(2027, 1, 5), 2027), (dt.date(2027, 3, 31), 2027),  # January to March: still the coming year
])
def test_the_default_year_is_the_coming_one_from_october_and_the_current_one_before(monkeypatch, today, year):
    on(monkeypatch, today)
    assert fiscal.default_fiscal_year() == year


def test_a_season_set_by_the_prefecture_wins_while_it_may_still_be_written(monkeypatch):
    on(monkeypatch, dt.date(2026, 9, 30))
    assert fiscal.default_fiscal_year(season=2028) == 2028
    assert fiscal.default_fiscal_year(season=2019) == 2026  # a stale season falls back to the rule


def test_the_writable_years_are_the_current_one_minus_one_to_plus_three(autumn_2026):
    assert list(fiscal.writable_fiscal_years()) == [2025, 2026, 2027, 2028, 2029]


def _refused(response) -> dict:
    assert response.status_code == 400, response.content
    (error,) = [e for e in response.json()["errors"] if e["field"] == "fiscal_year"]
    assert error["code"] == "fiscal_year_out_of_range"
    assert error["ja"].startswith("年度は令和7年度から令和11年度までの間で指定してください") and error["en"]
    return error


@pytest.mark.parametrize("year", [2099, 2020, 2024, 2030])
def test_the_api_refuses_a_need_for_a_year_out_of_range(coordinator, autumn_2026, year):
    """Quoted: a clerk created needs for 2099 and 2020 through the API; every page then defaulted to 令和81年度."""
    response = client_for(coordinator).post("/api/v1/needs/", {**VALID_NEED, "municipality": "202011",
                                                                 "fiscal_year": year}, format="json")
    assert f"令和{year - 2018}年度は指定できません" in _refused(response)["ja"]
    assert not Need.objects.exists()


def test_the_api_accepts_the_edges_of_the_range(coordinator, autumn_2026):
    for year in (2025, 2029):
        response = client_for(coordinator).post("/api/v1/needs/", {**VALID_NEED, "municipality": "202011",
                                                                     "fiscal_year": year}, format="json")
        assert response.status_code == 201, response.content


def test_an_old_need_stays_editable_but_cannot_be_moved_out_of_range(coordinator, autumn_2026):
    need = NeedFactory(municipality_id="202011", fiscal_year=2023)
    client = client_for(coordinator)
    kept = client.patch(f"/api/v1/needs/{need.pk}/", {"fiscal_year": 2023, "title": "継続案件"}, format="json")
    assert kept.status_code == 200, kept.content
    _refused(client.patch(f"/api/v1/needs/{need.pk}/", {"fiscal_year": 2022}, format="json"))
    need.refresh_from_db()
    assert (need.fiscal_year, need.title) == (2023, "継続案件")


def test_the_api_refuses_procurements_runs_consents_and_renewals_out_of_range(coordinator, municipal, autumn_2026):
    procurement = {"title": "基幹系", "category": "operations", "status": "ongoing", "fiscal_year": 2031,
                   "incumbent_vendor": VendorFactory().pk}
    _refused(client_for(municipal).post("/api/v1/procurements/", procurement, format="json"))
    _refused(client_for(coordinator).post("/api/v1/runs/", {"fiscal_year": 2031}, format="json"))
    _refused(client_for(CoordinatorFactory(prefecture_id="10")).post(
        "/api/v1/scope-consents/", {"grantee": "20", "fiscal_year": 2024}, format="json"))
    _refused(client_for(coordinator).post("/api/v1/renewals/prepare/", {"fiscal_year": 2031}, format="json"))
    assert not Procurement.objects.exists() and not MatchRun.objects.exists() and not ScopeConsent.objects.exists()


def test_a_month_is_named_in_the_era_as_a_clerk_writes_it_or_in_english():
    assert fiscal.era_month(dt.date(2026, 10, 17)) == "令和8年10月"
    assert fiscal.era_month(dt.date(2019, 5, 31)) == "令和元年5月"
    assert fiscal.era_month(dt.date(2026, 10, 17), english=True) == "October 2026"
