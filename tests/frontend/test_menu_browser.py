"""The menu fits a tablet (issue 23, item 9): at 768 px the coordinator's menu — twenty pages in two rows before —
is six entries in one row, its groups drop down without leaving the screen, and the keyboard reaches every page."""

import pytest
from playwright.sync_api import expect

from tests.frontend.browser import open_menu, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

WIDTH = 768


def _within_the_screen(page, locator) -> None:
    box = locator.bounding_box()
    assert box is not None and box["width"] > 0, locator
    assert box["x"] >= 0 and box["x"] + box["width"] <= WIDTH, (locator, box)
    # not clipped by an ancestor: the point at its centre is the element itself (or inside it)
    assert locator.evaluate("(el) => { const r = el.getBoundingClientRect();"
                            " const hit = document.elementFromPoint(r.x + r.width / 2, r.y + r.height / 2);"
                            " return el === hit || el.contains(hit); }"), locator


@pytest.mark.parametrize("username", ["demo-coordinator", "demo-municipal"])
def test_every_menu_entry_fits_a_768_px_screen_and_each_page_is_reachable(browser, live_server, seeded, username):
    page = sign_in(browser, live_server, username, width=WIDTH, height=1024)
    nav = page.get_by_role("navigation", name="メインメニュー")
    assert page.evaluate("document.documentElement.scrollWidth") <= WIDTH  # nothing scrolls sideways
    entries = nav.locator(".menu > li")
    tops = set()
    for index in range(entries.count()):
        entry = entries.nth(index)
        _within_the_screen(page, entry)
        tops.add(round(entry.bounding_box()["y"]))
    assert len(tops) == 1  # one row
    links = 0
    groups = nav.locator(".menu-group summary")
    for index in range(groups.count()):
        summary = groups.nth(index)
        summary.click()
        group_links = summary.locator("xpath=..").get_by_role("link")
        for n in range(group_links.count()):
            expect(group_links.nth(n)).to_be_visible()
            _within_the_screen(page, group_links.nth(n))
        links += group_links.count()
        shot(page, f"menu-768-{username}-{index}")
        summary.click()
    assert links >= (15 if username == "demo-coordinator" else 6)


def test_the_keyboard_opens_a_group_and_follows_its_link(browser, live_server, seeded):
    page = sign_in(browser, live_server, "demo-coordinator", width=WIDTH, height=1024)
    page.get_by_role("link", name="本文へ移動").focus()
    for _ in range(12):  # Tab to the group 管理 (no mouse)
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()").startswith("管理"):
            break
    else:
        pytest.fail("the group 管理 is not reached by Tab")
    page.keyboard.press("Enter")
    invitations = page.get_by_role("link", name="招待", exact=True)
    expect(invitations).to_be_visible()
    for _ in range(6):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "招待":
            break
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/invitations/")
    expect(page.locator(".menu-group.current summary")).to_contain_text("管理")
    page.keyboard.press("Escape")


def test_the_coordinator_reaches_the_closed_days_from_the_year_group_and_adds_one(browser, live_server, seeded):
    page = sign_in(browser, live_server, "demo-coordinator", width=WIDTH, height=1024)
    open_menu(page, "年間の業務")
    page.get_by_role("link", name="閉庁日と勤務可能日").click()
    section = page.locator("#closed-days")
    expect(section.locator(".workable-days")).to_contain_text("勤務可能日：")
    section.get_by_label("年度").select_option("2027")
    page.get_by_role("button", name="表示").click()
    expect(section.locator(".workable-days")).to_contain_text("令和9年度の勤務可能日：月45 火50 水47 木50 金51")
    page.get_by_label("日付", exact=True).fill("2027-06-01")
    page.get_by_label("名称", exact=True).fill("県の記念日")
    page.get_by_role("button", name="閉庁日を追加する").click()
    expect(page.get_by_role("status")).to_contain_text("閉庁日「県の記念日」（令和9年6月1日）を追加しました。")
    expect(section.locator(".workable-days")).to_contain_text("火49")
    shot(page, "closed-days-768")
