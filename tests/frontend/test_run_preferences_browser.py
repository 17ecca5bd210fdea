"""The run's preference report in chromium (issue 25, item 4): the demo's season has wishes and a veto on each
side, so 「希望を考慮する」 is ticked on the start form, and the run's page shows 「希望の反映」 by names."""

import re

import pytest
from playwright.sync_api import expect

from backend.placement.execution import run_execute
from backend.runs.models import MatchRun
from tests.frontend.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_coordinator_runs_the_demo_season_with_wishes_and_reads_what_became_of_them(browser, live_server, seeded):
    page = sign_in(browser, live_server, "demo-coordinator")
    page.goto(f"{live_server.url}/runs/")
    expect(page.get_by_label("希望を考慮する")).to_be_checked()
    page.get_by_label("計算時間の上限（秒）").fill("5")
    page.get_by_role("button", name="マッチングを開始").click()
    expect(page.locator("#run-progress")).to_be_visible()
    run = MatchRun.objects.filter(status="queued").get()
    run_execute(run_id=run.pk)

    page.reload()
    section = page.locator("#preferences")
    expect(section.get_by_role("heading", name="希望の反映")).to_be_visible()
    expect(section).to_contain_text("この実行では、市区町村と専門人材の希望を第一基準の次に考慮しました。")
    expect(section.locator(".first-choices")).to_contain_text(re.compile(r"市区町村の第一希望：\d+件のうち \d+件が実現"))
    expect(section).not_to_contain_text(re.compile(r"\bE\d+\b"))  # names, never ids
    shot(page, "coordinator-run-preferences")
