"""Each role's main pages in the browser: the coordinator's lists, import and register; the expert's profile,
pledge and availability; the municipality's procurements; the English switch; a tablet-sized screen."""

import re

import pytest
from playwright.sync_api import expect

from backend.experts.models import Expert
from backend.procurement.models import Procurement, Vendor
from tests.frontend.browser import open_menu, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

EXPERT_CSV = (
    "氏名,年間稼働日数,稼働曜日,日額報酬(円),任用形態,スキル\n"
    "山田 花子,96,月火木,50000,特別職非常勤職員,security:3\n"
    "鈴木 一郎,400,月,50000,業務委託,planning:2\n"
)


def test_coordinator_edits_an_expert_imports_and_exports_the_register(browser, live_server, seeded, tmp_path):
    page = sign_in(browser, live_server, "demo-coordinator")
    expect(page.get_by_role("heading", name=re.compile("ダッシュボード"))).to_be_visible()
    expect(page.locator("svg[aria-labelledby='map-title map-desc'] circle").first).to_be_attached()

    open_menu(page, "マッチング")  # the menu is grouped (issue 23)
    page.get_by_role("link", name="専門人材", exact=True).click()
    shot(page, "coordinator-experts")
    expert = Expert.objects.filter(registering_prefecture_id="20").order_by("id").first()
    page.get_by_role("link", name=expert.name, exact=True).first.click()
    page.get_by_role("link", name="編集").click()
    for label in ("特別職非常勤職員", "任期付短時間職員", "会計年度任用職員", "業務委託", "委嘱"):
        page.locator("#f-employment_forms").get_by_label(label).uncheck()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#employment_forms-errors")).to_be_visible()
    summary = page.locator(".error-summary")
    expect(summary).to_be_visible()
    expect(summary).to_be_focused()  # the keyboard and a screen reader start at what to fix
    expect(summary).to_contain_text("任用形態を1つ以上選んでください。")
    expect(summary).not_to_contain_text("リストは空ではいけません")
    shot(page, "coordinator-expert-form-error")
    page.locator("#f-employment_forms").get_by_label("業務委託").check()
    page.get_by_label("年間稼働可能日数").fill("120")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("年間 0日 / 稼働可能 120日")).to_be_visible()
    expert.refresh_from_db()
    assert (expert.capacity_days, expert.employment_forms) == (120, ["contract"])

    open_menu(page, "管理")  # the menu is grouped (issue 23)
    page.get_by_role("link", name="一括登録").click()
    upload = tmp_path / "experts.csv"
    upload.write_text(EXPERT_CSV, encoding="utf-8")
    page.get_by_label("ファイル（.xlsx または .csv）").set_input_files(str(upload))
    page.get_by_role("button", name="アップロードして登録").click()
    errors = page.locator("#row-errors")
    expect(errors.get_by_role("row", name=re.compile("3 年間稼働日数"))).to_be_visible()
    shot(page, "coordinator-import-errors")
    assert not Expert.objects.filter(name="山田 花子").exists()  # all or nothing

    open_menu(page, "任用")  # the menu is grouped (issue 23)
    page.get_by_role("link", name="入札参加制限").click()
    with page.expect_download() as download:
        page.get_by_role("link", name="CSVで出力").click()
    assert download.value.suggested_filename.endswith(".csv")
    shot(page, "coordinator-restrictions")


def test_expert_signs_the_pledge_and_changes_availability(browser, live_server, seeded_season):
    Expert.objects.filter(user__username="demo-expert").update(pool_pledge_signed_on=None)
    page = sign_in(browser, live_server, "demo-expert")
    page.get_by_role("button", name="誓約書に署名する").click()
    expect(page.locator("#agree-errors")).to_be_visible()
    page.get_by_label("上記の内容に同意します").check()
    page.get_by_role("button", name="誓約書に署名する").click()
    expect(page.get_by_text("署名済")).to_be_visible()

    page.get_by_role("link", name="稼働条件・スキル", exact=True).click()
    weekdays = page.locator("#f-weekdays")
    for day in ("月", "火", "水", "木", "金"):
        weekdays.get_by_label(day).uncheck()
    weekdays.get_by_label("水").check()
    page.get_by_label("情報セキュリティ").select_option("3")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("heading", name=re.compile("プロフィール"))).to_be_visible()
    expert = Expert.objects.get(user__username="demo-expert")
    assert expert.weekdays == ["wed"] and expert.listed
    assert expert.skills.get(skill="security").level == 3
    shot(page, "expert-profile-edited")


def test_municipality_registers_a_vendor_and_a_procurement(browser, live_server, seeded):
    page = sign_in(browser, live_server, "demo-municipal")
    open_menu(page, "マッチング")  # the menu is grouped (issue 23)
    page.get_by_role("link", name="調達・受託事業者").click()
    page.get_by_label("事業者名（必須）").fill("長野テスト電算株式会社")
    page.get_by_label("法人番号（13桁）").fill("123")
    page.get_by_role("button", name="事業者を登録").click()
    expect(page.locator("#corporate_number-errors")).to_be_visible()
    page.get_by_label("法人番号（13桁）").fill("")
    page.get_by_role("button", name="事業者を登録").click()
    expect(page.locator("#corporate_number-errors")).to_contain_text("法人番号（13桁）を入力してください")  # issue 21
    page.get_by_label("法人番号（13桁）").fill("7000012050002")
    page.get_by_role("button", name="事業者を登録").click()
    expect(page.get_by_text("事業者「長野テスト電算株式会社」を登録しました。")).to_be_visible()
    vendor = Vendor.objects.get(name="長野テスト電算株式会社")

    page.get_by_label("件名（必須）").fill("住民情報システム運用業務")
    page.get_by_label("区分（必須）").select_option("operations")
    page.get_by_label("受託事業者").select_option(str(vendor.pk))
    page.get_by_role("button", name="調達を登録").click()
    expect(page.get_by_role("cell", name="住民情報システム運用業務", exact=True)).to_be_visible()
    assert Procurement.objects.get(title="住民情報システム運用業務").incumbent_vendor == vendor
    shot(page, "municipal-procurements")


def test_english_switch_and_tablet_layout(browser, live_server, seeded):
    page = sign_in(browser, live_server, "demo-coordinator", width=820, height=1180)
    page.get_by_role("button", name="English").click()
    expect(page.get_by_role("link", name="Dashboard")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    shot(page, "coordinator-dashboard-en-tablet")
    page.get_by_role("button", name="日本語").click()
    expect(page.get_by_role("link", name="ダッシュボード")).to_be_visible()
    page.keyboard.press("Tab")
    expect(page.get_by_role("link", name="本文へ移動")).to_be_focused()
    # On a tablet the header keeps to a few lines: well under a third of the screen.
    header = page.locator("header.top").bounding_box()
    assert header["height"] < 1180 / 4


def test_the_prefecture_picker_narrows_by_name_and_counts_the_ticks(browser, live_server, seeded):
    page = sign_in(browser, live_server, "demo-coordinator")
    expert = Expert.objects.filter(registering_prefecture_id="20").order_by("id").first()
    page.goto(f"{live_server.url}/experts/{expert.pk}/edit/")
    picker = page.locator("#f-onsite_prefectures")
    count = picker.locator("[data-picker-count]")
    before = int(re.search(r"\d+", count.inner_text()).group())
    assert not expert.onsite_prefectures.filter(code="47").exists()
    picker.get_by_label("都道府県名で絞り込む").fill("沖縄")
    expect(picker.get_by_label("沖縄県")).to_be_visible()
    expect(picker.get_by_label("長野県")).to_be_hidden()
    picker.get_by_label("沖縄県").check()
    expect(count).to_contain_text(f"{before + 1}件選択中")
    shot(page, "coordinator-prefecture-picker")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_text("保存しました")).to_be_visible()
    assert "47" in {p.code for p in expert.onsite_prefectures.all()}
