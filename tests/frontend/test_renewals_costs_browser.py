"""Renewals, costs and the prefecture's settings in chromium, as the clerks use them: the coordinator prepares
next year's needs from this year's engagements and the municipality confirms, edits or drops each one; the
costs of a fiscal year on screen and in Excel; the travel rate saved with a message (the grant rates are the funding schemes', issue 24); the claim packs."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook
from playwright.sync_api import expect

from backend.core.fiscal import current_fiscal_year, fiscal_year_label
from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.geo.models import PrefectureSetting
from backend.needs.models import Need, NeedStatus
from tests.backend.factories import ExpertFactory, NeedFactory
from tests.frontend.browser import open_menu, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _active(*, title: str, expert: str, fiscal_year: int, municipality: str = "202011", role: str = "cio_adviser",
            fee: int = 2_400_000, travel: int = 0) -> Engagement:
    need = NeedFactory(municipality_id=municipality, fiscal_year=fiscal_year, status=NeedStatus.FILLED, role=role,
                       title=title, budget=fee + travel)
    return Engagement.objects.create(
        expert=ExpertFactory(name=expert), municipality_id=municipality, need=need, fiscal_year=fiscal_year,
        starts_on=dt.date(fiscal_year, 4, 1), ends_on=dt.date(fiscal_year + 1, 3, 31), weekdays=["mon"],
        days_per_year=48, fee=fee, travel_cost=travel, employment_form="contract", status="active",
        pledge_signed_at=timezone.now(), pledge_version=PLEDGE_VERSION)


def _row(page, text: str):
    return page.locator("tbody tr").filter(has_text=text)


def test_the_coordinator_prepares_renewals_and_the_municipality_confirms_edits_and_drops(browser, live_server,
                                                                                         seeded_season):
    this_year = current_fiscal_year()
    next_label, this_label = fiscal_year_label(this_year + 1), fiscal_year_label(this_year)
    for title, expert in (("窓口DX推進", "信州 一郎"), ("情報セキュリティ監査", "安曇 二郎"), ("庁内ネットワーク", "諏訪 三郎")):
        _active(title=title, expert=expert, fiscal_year=this_year)
    _active(title="松本の継続", expert="松本 四郎", fiscal_year=this_year, municipality="202029")

    coordinator = sign_in(browser, live_server, "demo-coordinator")
    open_menu(coordinator, "年間の業務")  # the menu is grouped (issue 23)
    coordinator.get_by_role("link", name="次年度の継続").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(f"次年度の継続（{next_label}）")
    coordinator.get_by_role("button", name=f"{this_label}の任用から{next_label}の継続ニーズを作成").click()
    expect(coordinator.get_by_text(f"{next_label}の継続ニーズを4件作成しました。市区町村の確認を待ちます。")).to_be_visible()
    row = _row(coordinator, "窓口DX推進")
    for shown in ("長野市", "CIO補佐官", "信州 一郎", "業務委託", "240万円", "継続の確認待ち", "令和"):
        expect(row).to_contain_text(shown)
    expect(_row(coordinator, "松本の継続")).to_contain_text("松本市")
    expect(row.get_by_role("button")).to_have_count(0)  # the municipality decides, not the coordinator
    shot(coordinator, "coordinator-renewals")
    coordinator.get_by_role("button", name=re.compile("継続ニーズを作成")).click()
    expect(coordinator.get_by_text(f"{next_label}の継続ニーズは作成済みです（4件）。")).to_be_visible()

    municipal = sign_in(browser, live_server, "demo-municipal")
    open_menu(municipal, "年間の業務")  # the menu is grouped (issue 23)
    municipal.get_by_role("link", name="次年度の継続").click()
    expect(municipal.locator("tbody tr")).to_have_count(3)  # 長野市's own, not 松本市's
    expect(municipal.locator("table")).not_to_contain_text("松本の継続")
    shot(municipal, "municipal-renewals")

    _row(municipal, "窓口DX推進").get_by_role("button", name=re.compile("^継続する")).click()
    expect(municipal.get_by_text("「窓口DX推進」の継続を確認しました。募集中になり、次のマッチングの対象になります。")).to_be_visible()
    expect(_row(municipal, "窓口DX推進")).to_contain_text("募集中")

    _row(municipal, "情報セキュリティ監査").get_by_role("link", name=re.compile("^条件を編集")).click()
    municipal.get_by_label("件名").fill("情報セキュリティ監査（継続・増額）")
    municipal.get_by_label(re.compile("^年間予算（万円）")).fill("300")
    municipal.get_by_role("button", name=re.compile("保存")).click()
    expect(municipal.get_by_text("ニーズ「情報セキュリティ監査（継続・増額）」を保存しました。")).to_be_visible()
    edited = Need.objects.get(title="情報セキュリティ監査（継続・増額）")
    assert (edited.budget, edited.status, edited.fiscal_year) == (3_000_000, NeedStatus.RENEWAL, this_year + 1)

    municipal.goto(f"{live_server.url}/renewals/")
    _row(municipal, "庁内ネットワーク").get_by_role("button", name=re.compile("^継続しない")).click()
    expect(municipal.get_by_role("heading", name="継続の取りやめの確認")).to_be_visible()
    expect(municipal.get_by_text("取りやめたニーズは「継続取りやめ」になり")).to_be_visible()
    shot(municipal, "municipal-renewal-drop-confirm")
    municipal.get_by_role("button", name="継続しない").click()
    expect(municipal.get_by_text("「庁内ネットワーク」の継続を取りやめました。")).to_be_visible()
    expect(_row(municipal, "庁内ネットワーク")).to_contain_text("継続取りやめ")
    assert Need.objects.get(title="庁内ネットワーク", fiscal_year=this_year + 1).status == NeedStatus.DROPPED


def test_costs_of_a_fiscal_year_on_screen_by_year_and_in_excel(browser, live_server, seeded_season, tmp_path):
    demo_year = current_fiscal_year() + 1  # the year the demo's needs are for
    _active(title="CIO補佐官", expert="信州 一郎", fiscal_year=demo_year, fee=2_400_000, travel=100_000)
    _active(title="今年度のCIO", expert="安曇 二郎", fiscal_year=demo_year - 1, fee=1_200_000)

    coordinator = sign_in(browser, live_server, "demo-coordinator")
    open_menu(coordinator, "費用")  # the 費用 group holds 費用, 支払額 and 交付税算定資料
    coordinator.get_by_role("link", name="費用", exact=True).click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(f"費用（{fiscal_year_label(demo_year)}）")
    expect(coordinator.get_by_text("特別交付税（CIO補佐官等）：措置率 50%")).to_be_visible()
    line = _row(coordinator, "信州 一郎")
    # the CIO adviser's own scheme (特別交付税（CIO補佐官等）, 50%): committed 250万円, eligible 250万円, grant 125万円
    expect(line).to_contain_text("特別交付税（CIO補佐官等）")
    expect(line).to_contain_text("対象")
    for shown in ("250万円", "125万円"):
        expect(line).to_contain_text(shown)
    expect(coordinator.locator("tfoot")).to_contain_text("合計")
    shot(coordinator, "coordinator-costs")

    coordinator.get_by_label("年度").select_option(label=fiscal_year_label(demo_year - 1))
    coordinator.get_by_role("button", name="表示").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(f"費用（{fiscal_year_label(demo_year - 1)}）")
    expect(_row(coordinator, "長野市").first).to_contain_text("120万円")

    with coordinator.expect_download() as download:
        coordinator.get_by_role("link", name="Excelで出力（円単位）").click()
    assert download.value.suggested_filename == f"kenmu-costs-{demo_year - 1}.xlsx"
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    sheet = load_workbook(saved).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:6] == ("団体コード", "市区町村", "専門人材・件名", "財源", "交付税の判定", "予算（円）")
    (nagano_row,) = [r for r in rows if r[1] == "長野市"]
    assert nagano_row[6:11] == (0, 1_200_000, 0, 1_200_000, 600_000)  # paid, committed, recruitment, eligible, grant

    coordinator.get_by_role("link", name="交付税算定資料").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text(
        f"交付税算定資料（{fiscal_year_label(demo_year - 1)}）")
    expect(_row(coordinator, "長野市")).to_contain_text("特別交付税（CIO補佐官等）")
    shot(coordinator, "coordinator-claims")

    municipal = sign_in(browser, live_server, "demo-municipal")
    open_menu(municipal, "費用")
    municipal.get_by_role("link", name="費用", exact=True).click()
    expect(municipal.locator("tbody th[scope=row]")).to_have_count(1)
    expect(municipal.locator("tbody")).to_contain_text("長野市")
    expect(municipal.get_by_role("link", name="費用弁償の単価を変更する")).to_have_count(0)


def test_the_coordinator_sets_the_travel_rate_and_finds_the_grant_rates_with_the_schemes(browser, live_server,
                                                                                        seeded):
    coordinator = sign_in(browser, live_server, "demo-coordinator")
    open_menu(coordinator, "管理")  # the menu is grouped (issue 23)
    coordinator.get_by_role("link", name="都道府県の設定").click()
    expect(coordinator.get_by_role("heading", level=1)).to_have_text("都道府県の設定（長野県）")
    expect(coordinator.get_by_label("特別交付税の措置率（%）")).to_have_count(0)  # the schemes' rates (issue 24)
    expect(coordinator.get_by_role("link", name="財源の一覧")).to_have_attribute("href", "/funding/")
    per_km = coordinator.get_by_label("費用弁償の単価（円/km）")
    expect(per_km).to_have_value("37")

    per_km.fill("")
    coordinator.get_by_role("button", name="保存する").click()
    expect(coordinator.locator(".error-summary")).to_be_visible()
    expect(coordinator.get_by_text("費用弁償の単価を入力してください。").first).to_be_visible()
    shot(coordinator, "coordinator-settings-errors")

    per_km.fill("30")
    coordinator.get_by_role("button", name="保存する").click()
    expect(coordinator.get_by_text("設定を保存しました。")).to_be_visible()
    expect(coordinator.get_by_label("費用弁償の単価（円/km）")).to_have_value("30")
    shot(coordinator, "coordinator-settings")
    assert PrefectureSetting.objects.get(pk="20").travel_yen_per_km == 30

