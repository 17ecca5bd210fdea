"""The renewals page (prepare, confirm, drop, edit) and the costs pages (table, Excel, settings), by role."""

import datetime as dt
import io

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.geo.models import PrefectureSetting
from backend.needs.models import Need, NeedStatus
from tests.backend.factories import (
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    NeedFactory,
)

pytestmark = pytest.mark.django_db


def active(*, municipality="202011", fiscal_year=2026, role="cio_adviser", fee=2_400_000, travel=0, title="CIO"):
    need = NeedFactory(municipality_id=municipality, fiscal_year=fiscal_year, status="filled", role=role, title=title)
    return Engagement.objects.create(
        expert=ExpertFactory(name="信州 一郎"), municipality_id=municipality, need=need, fiscal_year=fiscal_year,
        starts_on=dt.date(fiscal_year, 4, 1), ends_on=dt.date(fiscal_year + 1, 3, 31), weekdays=["mon"],
        days_per_year=48, fee=fee, travel_cost=travel, employment_form="contract", status="active",
        pledge_signed_at=timezone.now(), pledge_version=PLEDGE_VERSION)


@pytest.fixture
def nagano_coordinator():
    return CoordinatorFactory(prefecture_id="20")


@pytest.fixture
def nagano_staff():
    return MunicipalStaffFactory(municipality_id="202011")


def test_the_coordinator_prepares_and_the_municipality_confirms_on_the_page(client, nagano_coordinator,
                                                                           nagano_staff):
    source = active(title="窓口DX")
    client.force_login(nagano_coordinator)
    page = client.post("/renewals/prepare/", {"fiscal_year": "2027"}, follow=True).content.decode()
    assert "令和9年度の継続ニーズを1件作成しました" in page
    assert "窓口DX" in page and "信州 一郎" in page and "継続の確認待ち" in page
    need = Need.objects.get(renewed_from=source)
    assert client.post(f"/renewals/{need.pk}/confirm/").status_code == 403  # the municipality confirms
    client.force_login(nagano_staff)
    page = client.post(f"/renewals/{need.pk}/confirm/", follow=True).content.decode()
    assert "「窓口DX」の継続を確認しました。" in page
    assert Need.objects.get(pk=need.pk).status == NeedStatus.OPEN


def test_preparing_says_what_it_did_without_counting_zeros(client, nagano_coordinator):
    client.force_login(nagano_coordinator)
    nothing = client.post("/renewals/prepare/", {"fiscal_year": "2027"}, follow=True).content.decode()
    assert "令和8年度に稼働中の任用・委託がないため、令和9年度の継続ニーズは作成しませんでした。" in nothing
    active(title="窓口DX")
    first = client.post("/renewals/prepare/", {"fiscal_year": "2027"}, follow=True).content.decode()
    assert "令和9年度の継続ニーズを1件作成しました。市区町村の確認を待ちます。" in first
    active(municipality="202029", title="情報政策")
    second = client.post("/renewals/prepare/", {"fiscal_year": "2027"}, follow=True).content.decode()
    assert "令和9年度の継続ニーズを1件作成しました（作成済みのもの1件はそのままです）。" in second
    again = client.post("/renewals/prepare/", {"fiscal_year": "2027"}, follow=True).content.decode()
    assert "令和9年度の継続ニーズは作成済みです（2件）。新しく作成したものはありません。" in again
    assert all("0件" not in page for page in (nothing, first, again))


def test_pending_renewals_are_on_the_municipalitys_to_do_list(client, nagano_coordinator, nagano_staff):
    from frontend.todo import todo_list

    active()
    active(municipality="202029")
    client.force_login(nagano_coordinator)
    client.post("/renewals/prepare/", {"fiscal_year": "2027"})
    assert {i.key: i.count for i in todo_list(user=nagano_staff)}["renewals"] == 1
    renewal = Need.objects.get(municipality_id="202011", status=NeedStatus.RENEWAL)
    client.force_login(nagano_staff)
    client.post(f"/renewals/{renewal.pk}/confirm/")
    assert {i.key: i.count for i in todo_list(user=nagano_staff)}["renewals"] == 0


def test_the_municipality_drops_after_a_confirmation_step(client, nagano_coordinator, nagano_staff):
    source = active(title="窓口DX")
    client.force_login(nagano_coordinator)
    client.post("/renewals/prepare/", {"fiscal_year": "2027"})
    need = Need.objects.get(renewed_from=source)
    client.force_login(nagano_staff)
    assert "継続の取りやめの確認" in client.post(f"/renewals/{need.pk}/drop/").content.decode()
    assert Need.objects.get(pk=need.pk).status == NeedStatus.RENEWAL
    page = client.post(f"/renewals/{need.pk}/drop/", {"confirmed": "1"}, follow=True).content.decode()
    assert "継続を取りやめました" in page
    assert Need.objects.get(pk=need.pk).status == NeedStatus.DROPPED


def test_a_dropped_renewal_is_reopened_from_the_needs_page_as_the_drop_page_promises(client, nagano_coordinator,
                                                                                       nagano_staff):
    source = active(title="窓口DX")
    client.force_login(nagano_coordinator)
    client.post("/renewals/prepare/", {"fiscal_year": "2027"})
    need = Need.objects.get(renewed_from=source)
    client.force_login(nagano_staff)
    client.post(f"/renewals/{need.pk}/drop/", {"confirmed": "1"})
    assert f'action="/needs/{need.pk}/reopen/"' in client.get("/needs/?fy=2027").content.decode()
    page = client.post(f"/needs/{need.pk}/reopen/", follow=True).content.decode()
    assert "ニーズを再開しました" in page
    assert Need.objects.get(pk=need.pk).status == NeedStatus.OPEN


def test_the_municipality_edits_a_renewal_with_the_need_form(client, nagano_coordinator, nagano_staff):
    source = active(title="窓口DX")
    client.force_login(nagano_coordinator)
    client.post("/renewals/prepare/", {"fiscal_year": "2027"})
    need = Need.objects.get(renewed_from=source)
    client.force_login(nagano_staff)
    page = client.post(f"/needs/{need.pk}/edit/", {
        "fiscal_year": "2027", "role": "cio_adviser", "title": "窓口DX（継続）", "pattern": "weekly",
        "pattern_days": "1", "weekdays": ["mon", "tue"], "budget_man": "260", "employment_forms": ["contract"],
        "priority": "3"}, follow=True).content.decode()
    assert "ニーズ「窓口DX（継続）」を保存しました。" in page
    need.refresh_from_db()
    assert (need.budget, need.status) == (2_600_000, NeedStatus.RENEWAL)


def test_renewal_pages_refuse_others(client, nagano_coordinator, nagano_staff):
    source = active()
    client.force_login(nagano_coordinator)
    client.post("/renewals/prepare/", {"fiscal_year": "2027"})
    need = Need.objects.get(renewed_from=source)
    client.force_login(nagano_staff)
    assert client.post("/renewals/prepare/", {"fiscal_year": "2027"}).status_code == 403
    client.force_login(MunicipalStaffFactory(municipality_id="202029"))
    assert client.post(f"/renewals/{need.pk}/confirm/").status_code == 404
    assert "CIO" not in client.get("/renewals/?fy=2027").content.decode()
    client.force_login(ExpertUserFactory())
    assert client.get("/renewals/").status_code == 403
    assert client.get("/costs/").status_code == 403
    assert client.get("/costs/export.xlsx").status_code == 403


def test_the_costs_page_shows_each_engagements_scheme_and_the_estimate(client, nagano_coordinator):
    active(fiscal_year=2027, fee=2_400_000, travel=100_000)
    active(fiscal_year=2027, municipality="202029", role="dx_supporter", fee=1_200_000)
    client.force_login(nagano_coordinator)
    page = client.get("/costs/?fy=2027").content.decode()
    assert "費用（令和9年度）" in page and "長野市" in page and "松本市" in page and "合計" in page
    assert "交付税見込み" in page and "支払済み" in page and "年度末までの支出見込み" in page
    assert "特別交付税（CIO補佐官等）：措置率 50%" in page and "一般財源" in page and 'href="/funding/"' in page
    assert "125万円" in page  # 0.5 × 2,500,000 on 長野市's CIO; 松本市's DX supporter (一般財源) gets none
    assert "370万円" in page  # committed total 2,500,000 + 1,200,000
    assert "算定資料：" in page and "/costs/claims/file/?municipality=202011&amp;scheme=" in page


def test_the_excel_has_yen_and_the_same_total(client, nagano_coordinator):
    active(fiscal_year=2027, fee=2_400_000, travel=100_000)
    active(fiscal_year=2027, municipality="202029", fee=1_000_000)
    client.force_login(nagano_coordinator)
    response = client.get("/costs/export.xlsx?fy=2027")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    rows = list(load_workbook(io.BytesIO(response.content)).active.iter_rows(values_only=True))
    total = next(r for r in rows if r[1] == "合計")
    assert total[7:12] == (3_500_000, 0, 3_500_000, 1_750_000, 1_750_000)  # committed, recruitment, eligible, grant, net
    assert any(r[0] and "特別交付税（CIO補佐官等）：措置率 0.5" in r[0] for r in rows)


def test_the_claim_packs_of_the_year_are_listed_with_their_files(client, nagano_coordinator, nagano_staff):
    active(fiscal_year=2027, fee=2_400_000)
    client.force_login(nagano_staff)
    page = client.get("/costs/claims/?fy=2027").content.decode()
    assert "交付税算定資料（令和9年度）" in page and "特別交付税（CIO補佐官等）" in page
    link = page.split('href="/costs/claims/file/?')[1].split('"')[0].replace("&amp;", "&")
    response = client.get(f"/costs/claims/file/?{link}")
    assert response.status_code == 200 and response["Content-Type"].startswith("application/vnd.openxmlformats")
    assert client.get(f"/costs/claims/file/?{link.replace('format=xlsx', 'format=csv')}")["Content-Type"].startswith(
        "text/csv")
    assert client.get(f"/costs/claims/file/?{link.replace('202011', '202029')}").status_code == 404
    assert client.get("/costs/claims/file/?municipality=202011&scheme=x&fy=2027").status_code == 400
    client.force_login(ExpertUserFactory())
    assert client.get("/costs/claims/?fy=2027").status_code == 403


def test_municipal_staff_see_only_their_municipality(client, nagano_staff):
    active(fiscal_year=2027)
    active(fiscal_year=2027, municipality="202029")
    client.force_login(nagano_staff)
    page = client.get("/costs/?fy=2027").content.decode()
    assert "長野市" in page and "松本市" not in page
    assert client.get("/settings/").status_code == 403


def test_the_coordinator_changes_the_settings_with_a_message_and_no_grant_rate(client, nagano_coordinator):
    client.force_login(nagano_coordinator)
    form = client.get("/settings/").content.decode()
    assert 'value="37"' in form and "special_grant_percent" not in form and "措置率（%）" not in form
    assert 'href="/funding/"' in form  # the schemes' rates replace the one rate (issue 24)
    page = client.post("/settings/", {"travel_yen_per_km": "40"}, follow=True).content.decode()
    assert "設定を保存しました。" in page
    assert PrefectureSetting.objects.get(pk="20").travel_yen_per_km == 40
    refused = client.post("/settings/", {"travel_yen_per_km": ""})
    assert refused.status_code == 400 and "費用弁償の単価を入力してください。" in refused.content.decode()
    assert PrefectureSetting.objects.get(pk="20").travel_yen_per_km == 40


def test_the_costs_page_opens_on_the_default_year_not_the_largest_in_the_data(client, monkeypatch):
    # Issue 21 changed this: the page followed the needs' largest year (a need typed for 2099 took it there).
    from tests.backend.factories import CoordinatorFactory, NeedFactory

    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: dt.date(2026, 10, 1))
    NeedFactory(municipality_id="202011", fiscal_year=2031, budget=3_000_000)
    NeedFactory(municipality_id="202011", fiscal_year=2027, budget=2_000_000)
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.get("/costs/").content.decode()
    assert "令和9年度" in page.split("</h1>")[0] and "長野市" in page
