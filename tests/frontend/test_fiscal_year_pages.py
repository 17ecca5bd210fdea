"""The year every page starts on and the years every form accepts (issue 21, items 5 and 6): the prefecture's
matching season or the coming fiscal year from October, never the data's largest year; years outside the current
one −1 … +3 refused next to the field; every to-do opens the year it counts."""

import datetime as dt
import re

import pytest
from django.utils import timezone

from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import replacement_request
from backend.geo.models import PrefectureSetting
from backend.needs.models import Need, NeedStatus
from backend.procurement.models import Procurement
from backend.runs.models import MatchRun
from frontend.todo import todo_list
from tests.backend.factories import (
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MatchRunFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProposalFactory,
)
from tests.frontend.test_forms import NEED_FORM, _errors_of

pytestmark = pytest.mark.django_db


@pytest.fixture
def spring_2027(monkeypatch):
    """10 May 2027: fiscal year 2027 (令和9年度) is the default; 2026 … 2030 may be written."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2027, 5, 10))


@pytest.fixture
def coordinator():
    return CoordinatorFactory(prefecture_id="20")


@pytest.fixture
def staff():
    return MunicipalStaffFactory(municipality_id="202011")


def engaged(*, fiscal_year: int, status="active", municipality="202011", title="CIO", expert=None) -> Engagement:
    need = NeedFactory(municipality_id=municipality, fiscal_year=fiscal_year, status="filled", title=title)
    active = status == "active"
    return Engagement.objects.create(
        expert=expert or ExpertFactory(), municipality_id=municipality, need=need, fiscal_year=fiscal_year,
        starts_on=dt.date(fiscal_year, 4, 1), ends_on=dt.date(fiscal_year + 1, 3, 31), weekdays=["mon"],
        days_per_year=48, fee=2_400_000, employment_form="special_part_time", status=status,
        pledge_signed_at=timezone.now() if active else None, pledge_version=PLEDGE_VERSION if active else "")


def selected_year(page: str, name: str = "fiscal_year") -> int:
    select = re.search(rf'<select id="f-{name}" name="{name}"[^>]*>(.*?)</select>', page, re.S).group(1)
    return int(re.search(r'<option value="(\d+)"\s*selected', select).group(1))


def test_after_preparing_renewals_a_new_need_still_defaults_to_the_season_not_the_renewals_year(
        client, coordinator, staff, spring_2027):
    """Quoted: after preparing renewals, new needs silently went to 令和10年度."""
    engaged(fiscal_year=2027)
    client.force_login(coordinator)
    client.post("/renewals/prepare/", {"fiscal_year": "2028"})
    assert Need.objects.filter(fiscal_year=2028, status=NeedStatus.RENEWAL).count() == 1
    client.force_login(staff)
    assert selected_year(client.get("/needs/new/").content.decode()) == 2027


def test_needs_typed_for_2099_and_2020_leave_the_run_form_on_the_default_year(client, coordinator, spring_2027):
    """Quoted: after needs for 2099 and 2020, the run form defaulted to 令和81年度."""
    NeedFactory(municipality_id="202011", fiscal_year=2099)  # written before the API refused it
    NeedFactory(municipality_id="202011", fiscal_year=2020)
    client.force_login(coordinator)
    page = client.get("/runs/").content.decode()
    assert selected_year(page) == 2027 and "令和81年度" not in page
    dashboard = client.get("/dashboard/").content.decode()
    assert re.search(r'<option value="2027"\s*selected', dashboard)


def test_the_need_form_refuses_a_year_out_of_range_next_to_the_field(client, staff, spring_2027):
    client.force_login(staff)
    response = client.post("/needs/new/", {**NEED_FORM, "fiscal_year": "2099"})
    assert response.status_code == 400
    assert "年度は令和8年度から令和12年度までの間で指定してください" in _errors_of(response, "fiscal_year")
    assert not Need.objects.exists()


def test_the_run_procurement_and_consent_forms_refuse_a_year_out_of_range(client, coordinator, staff, spring_2027):
    client.force_login(coordinator)
    run = client.post("/runs/new/", {"fiscal_year": "2031", "time_limit_s": "10"})
    assert "年度は令和8年度から令和12年度まで" in run.content.decode() and not MatchRun.objects.exists()
    consent = client.post("/consents/", {"grantee": "19", "fiscal_year": "2025", "note": ""})
    assert "年度は令和8年度から令和12年度まで" in consent.content.decode()
    client.force_login(staff)
    procurement = client.post("/procurements/", {"title": "基幹系", "category": "operations", "status": "ongoing",
                                                 "fiscal_year": "2031"})
    assert procurement.status_code == 400 and "年度は令和8年度から令和12年度まで" in procurement.content.decode()
    assert not Procurement.objects.exists()


def test_renewals_for_a_year_out_of_range_are_refused_with_a_message(client, coordinator, spring_2027):
    engaged(fiscal_year=2030)
    client.force_login(coordinator)
    page = client.post("/renewals/prepare/", {"fiscal_year": "2031"}, follow=True).content.decode()
    assert "年度は令和8年度から令和12年度までの間で指定してください" in page
    assert not Need.objects.filter(status=NeedStatus.RENEWAL).exists()


def test_the_prefectures_matching_season_sets_every_users_default_year(client, coordinator, staff, spring_2027):
    client.force_login(coordinator)
    assert '<option value="" selected>自動（今は令和9年度）</option>' in client.get("/settings/").content.decode()
    saved = client.post("/settings/", {"travel_yen_per_km": "37",
                                       "matching_season": "2028"}, follow=True).content.decode()
    assert "設定を保存しました。" in saved
    assert PrefectureSetting.objects.get(pk="20").matching_season == 2028
    assert selected_year(client.get("/runs/").content.decode()) == 2028
    assert "令和10年度" in client.get("/costs/").content.decode().split("</h1>")[0]
    client.force_login(staff)
    assert selected_year(client.get("/needs/new/").content.decode()) == 2028
    client.force_login(CoordinatorFactory(prefecture_id="19"))  # 山梨県 keeps the rule
    assert selected_year(client.get("/runs/").content.decode()) == 2027


def test_a_season_out_of_range_is_refused_naming_the_field(client, coordinator, spring_2027):
    client.force_login(coordinator)
    refused = client.post("/settings/", {"travel_yen_per_km": "37",
                                         "matching_season": "2035"})
    assert refused.status_code == 400
    assert "マッチングの対象年度は令和8年度から令和12年度までの間で指定してください" in _errors_of(refused, "matching_season")
    assert not PrefectureSetting.objects.filter(pk="20").exists()
    cleared = client.post("/settings/", {"travel_yen_per_km": "37",
                                         "matching_season": ""})
    assert cleared.status_code == 302 and PrefectureSetting.objects.get(pk="20").matching_season is None


# -- every to-do opens the year it counts ---------------------------------------------------------------------

def test_the_renewal_to_do_opens_the_year_of_the_renewals(client, coordinator, staff, spring_2027):
    """Quoted: the renewal to-do opened 令和9年度 (「継続ニーズはありません」) while the renewal was in 令和10年度."""
    engaged(fiscal_year=2027, title="窓口DX")
    client.force_login(coordinator)
    client.post("/renewals/prepare/", {"fiscal_year": "2028"})
    (item,) = [i for i in todo_list(user=staff) if i.key.startswith("renewals")]
    assert (item.count, item.fiscal_year, item.url) == (1, 2028, "/renewals/?fy=2028")
    assert "令和10年度" in item.label
    client.force_login(staff)
    page = client.get(item.url).content.decode()
    assert "窓口DX" in page and "この年度の継続ニーズはありません。" not in page
    home = client.get("/needs/").content.decode()
    assert 'href="/renewals/?fy=2028"' in home


def test_renewals_waiting_in_two_years_make_a_to_do_per_year(staff, spring_2027):
    for year in (2028, 2028, 2029):
        NeedFactory(municipality_id="202011", fiscal_year=year, status=NeedStatus.RENEWAL,
                    renewed_from=engaged(fiscal_year=year - 1))
    items = [(i.key, i.count, i.url) for i in todo_list(user=staff) if i.key.startswith("renewals")]
    assert items == [("renewals", 2, "/renewals/?fy=2028"), ("renewals-2029", 1, "/renewals/?fy=2029")]


def test_no_renewal_waiting_is_one_line_of_zero(staff, spring_2027):
    (item,) = [i for i in todo_list(user=staff) if i.key.startswith("renewals")]
    assert (item.count, item.fiscal_year) == (0, None)


def test_every_other_to_do_opens_a_page_showing_what_it_counts_whatever_its_year(client, coordinator, staff,
                                                                                  spring_2027):
    """Offers, replacements and proposals of 令和10年度 while the default year is 令和9年度: their pages show every
    year, so the link opens the page as it is and the counted rows are on it."""
    expert_user = ExpertUserFactory(expert=ExpertFactory(name="年度 越子"))
    engaged(fiscal_year=2028, status="offered", title="来年度の打診", expert=expert_user.expert)
    replaced = engaged(fiscal_year=2028, title="来年度の交代")
    replacement_request(actor=staff, engagement=replaced, reason="曜日を変えたい")
    run = MatchRunFactory(fiscal_year=2028, prefecture_id="20", status="succeeded")
    ProposalFactory(run=run, need=NeedFactory(municipality_id="202011", fiscal_year=2028))
    checks = {coordinator: {"proposals": f"/runs/{run.pk}/", "offers": "来年度の打診",
                            "replacements": "曜日を変えたい"},
              staff: {"offers": "来年度の打診", "replacements": "来年度の交代"},
              expert_user: {"offers": "来年度の打診", "pledges": "来年度の打診"}}
    for user, shown in checks.items():
        items = {i.key: i for i in todo_list(user=user)}
        client.force_login(user)
        for key, text in shown.items():
            assert items[key].count >= 1, (user.role, key)
            assert "fy=" not in items[key].url  # the page lists every year
            page = client.get(items[key].url).content.decode()
            assert text in page, (user.role, key, items[key].url)
