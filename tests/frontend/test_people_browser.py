"""People on board in the browser: a coordinator invites, the worker mails the link, the invitee sets a
password and signs in for the first time (municipal staff and an expert)."""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from tests.backend.mail import run_queued_tasks
from tests.frontend.browser import open_menu, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]
NEW_PASSWORD = "invited-and-signed-in-2027"


def _invite(page, *, email: str, fill_role) -> None:
    open_menu(page, "管理")  # the menu is grouped (issue 23)
    page.get_by_role("link", name="招待", exact=True).click()
    page.get_by_role("link", name="招待する").first.click()
    page.get_by_label("メールアドレス").fill(email)
    fill_role(page)
    page.get_by_role("button", name="招待メールを送る").click()
    expect(page.get_by_text(f"{email} に招待メールを送りました")).to_be_visible()
    expect(page.locator("tbody tr").filter(has_text=email)).to_contain_text("送信済み")


def _link_mailed_to(email: str) -> str:
    run_queued_tasks()
    (message,) = [m for m in mail.outbox if m.to == [email]]
    return re.search(r"https?://\S+/welcome/\S+/", message.body)[0]


def _set_password_and_sign_in(browser, link: str, username: str):
    context = browser.new_context(locale="ja-JP")
    context.set_default_timeout(15_000)
    page = context.new_page()
    page.goto(link)
    expect(page.get_by_role("heading", name="パスワードの設定")).to_be_visible()
    page.get_by_label("新しいパスワード", exact=True).fill(NEW_PASSWORD)
    page.get_by_label("新しいパスワード（確認）").fill(NEW_PASSWORD)
    page.get_by_role("button", name="パスワードを設定する").click()
    expect(page.get_by_text("パスワードを設定しました")).to_be_visible()
    page.get_by_label("ユーザー名").fill(username)
    page.get_by_label("パスワード").fill(NEW_PASSWORD)
    page.get_by_role("button", name="ログイン").click()
    page.wait_for_load_state()
    return page


def test_municipal_staff_are_invited_set_a_password_and_sign_in(browser, live_server, seeded, settings):
    settings.KENMU_BASE_URL = live_server.url
    coordinator = sign_in(browser, live_server, "demo-coordinator")

    def municipal(page):
        page.get_by_label("市区町村職員", exact=True).check()
        page.get_by_label("所属市区町村").select_option(label="松本市")

    _invite(coordinator, email="joho@city.matsumoto.example.jp", fill_role=municipal)
    shot(coordinator, "coordinator-invitations")
    page = _set_password_and_sign_in(browser, _link_mailed_to("joho@city.matsumoto.example.jp"),
                                     "joho@city.matsumoto.example.jp")
    expect(page.locator(".who")).to_contain_text("joho@city.matsumoto.example.jp")
    expect(page.locator(".who")).to_contain_text("松本市")
    expect(page.get_by_role("heading", name=re.compile("ニーズ"))).to_be_visible()

    coordinator.reload()
    expect(coordinator.locator("tbody tr").filter(has_text="joho@city.matsumoto.example.jp")).to_contain_text("使用済み")


def test_an_expert_is_invited_set_a_password_and_sign_in(browser, live_server, seeded, settings):
    settings.KENMU_BASE_URL = live_server.url
    coordinator = sign_in(browser, live_server, "demo-coordinator")

    def expert(page):
        page.get_by_label("専門人材", exact=True).check()
        page.get_by_label("新しく登録する専門人材の氏名").fill("招待 花子")

    _invite(coordinator, email="hanako@example.jp", fill_role=expert)
    page = _set_password_and_sign_in(browser, _link_mailed_to("hanako@example.jp"), "hanako@example.jp")
    expect(page.get_by_text("招待 花子").first).to_be_visible()
    shot(page, "invited-expert-first-login")
    # the link is used up
    page.goto(_link_mailed_to("hanako@example.jp"))
    expect(page.get_by_text("このリンクは既に使用されています")).to_be_visible()


def test_an_expert_applies_in_public_and_a_coordinator_accepts(browser, live_server, seeded, settings):
    from django.core.cache import cache

    cache.clear()
    settings.KENMU_BASE_URL = live_server.url
    context = browser.new_context(locale="ja-JP")
    context.set_default_timeout(15_000)
    applicant = context.new_page()
    applicant.goto(f"{live_server.url}/apply/")
    applicant.get_by_role("link", name="長野県").click()
    applicant.get_by_label("氏名（必須）").fill("応募 四郎")
    applicant.get_by_label("ふりがな（必須）").fill("おうぼ しろう")
    applicant.get_by_label("メールアドレス（必須）").fill("shiro@example.jp")
    applicant.get_by_label("情報セキュリティ").select_option("3")
    applicant.get_by_label("年間稼働可能日数（必須）").fill("48")
    applicant.locator("#f-weekdays").get_by_label("水").check()
    applicant.get_by_label("希望する日額報酬の下限（円）（必須）").fill("50000")
    applicant.locator("#f-employment_forms").get_by_label("業務委託").check()
    applicant.get_by_label("事業者名1").fill("松本ソフト合同会社")
    applicant.get_by_role("button", name="応募する").click()
    expect(applicant.locator(".error-summary")).to_contain_text("秘密保持の誓約に同意してください")
    applicant.get_by_label("秘密保持の誓約", exact=False).check()
    applicant.get_by_role("button", name="応募する").click()
    expect(applicant.get_by_role("heading", name="応募を受け付けました")).to_be_visible()

    coordinator = sign_in(browser, live_server, "demo-coordinator")
    open_menu(coordinator, "マッチング")  # the menu is grouped (issue 23)
    coordinator.get_by_role("link", name="人材の応募").click()
    expect(coordinator.get_by_role("link", name=re.compile(r"審査待ち（1）"))).to_be_visible()
    coordinator.get_by_role("link", name="応募 四郎").click()
    shot(coordinator, "coordinator-application-review")
    coordinator.get_by_role("button", name="登録して招待する").click()
    # issue 21: the applicant's vendor is new to the register; its 法人番号 is asked before it is registered
    expect(coordinator.locator(".error-summary")).to_contain_text("法人番号（13桁）を入力してください")
    coordinator.get_by_label("新しく登録するときの法人番号（13桁）").fill("7000012050002")
    coordinator.get_by_role("button", name="登録して招待する").click()
    expect(coordinator.get_by_text("応募 四郎 さんを専門人材として登録し")).to_be_visible()

    page = _set_password_and_sign_in(browser, _link_mailed_to("shiro@example.jp"), "shiro@example.jp")
    expect(page.get_by_text("応募 四郎").first).to_be_visible()
