"""One full cycle in the browser: a municipality posts a need, the coordinator runs the match and approves,
both sides accept, the engagement is active; then the municipality asks for a replacement."""

import re
import threading

import pytest
from playwright.sync_api import expect

from backend.accounts.models import User, UserRole
from backend.engagements.models import Engagement, EngagementStatus
from backend.placement import execution
from backend.placement.execution import run_execute
from backend.runs.models import MatchRun
from tests.frontend.browser import PASSWORD, shot, sign_in
from tests.support.slow_solve import slowed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "E2E 情報セキュリティ支援"


def _post_need(page, live_server):
    page.goto(f"{live_server.url}/needs/new/")
    page.get_by_label("役割").select_option(label="CISO補佐官")
    page.get_by_label("件名").fill(TITLE)
    page.get_by_label("日数", exact=True).fill("3")
    page.locator("#f-weekdays").get_by_label("月").check()
    for day in ("火", "水", "木", "金"):
        page.locator("#f-weekdays").get_by_label(day).uncheck()
    page.get_by_label("年間予算（万円）").fill("2000")
    page.get_by_label("特別職非常勤職員").check()
    page.get_by_role("button", name="登録する").click()
    # The serializer's rule, shown next to the field: three days a week need three weekdays.
    expect(page.locator("#weekdays-errors")).to_contain_text("勤務可能曜日を3日以上選んでください")
    shot(page, "municipal-need-form-error")
    page.get_by_label("日数", exact=True).fill("1")
    for day in ("月", "火", "水", "木", "金"):
        page.locator("#f-weekdays").get_by_label(day).check()
    for form in ("任期付短時間職員", "会計年度任用職員", "業務委託", "委嘱"):
        page.get_by_label(form).check()
    page.get_by_label("優先度（1＝低い〜5＝高い）").select_option("5")
    page.get_by_role("button", name="登録する").click()
    expect(page.get_by_role("cell", name=TITLE, exact=True)).to_be_visible()
    shot(page, "municipal-needs")


def _execute(run_id: int) -> None:
    from django.db import connection

    try:
        run_execute(run_id=run_id)
    finally:
        connection.close()


def _run_match(page, live_server):
    page.goto(f"{live_server.url}/runs/")
    page.get_by_label("計算時間の上限（秒）").fill("4")
    page.get_by_role("button", name="マッチングを開始").click()
    expect(page.locator("#run-progress")).to_be_visible()
    run = MatchRun.objects.get()
    worker = threading.Thread(target=_execute, args=(run.pk,))
    worker.start()
    expect(page.locator("#run-progress [data-status=running]")).to_be_visible(timeout=20_000)
    shot(page, "coordinator-run-progress")
    worker.join()
    # htmx polls the progress partial; when the run ends the page reloads with the proposals.
    expect(page.get_by_role("heading", name=re.compile("提案"))).to_be_visible(timeout=20_000)
    shot(page, "coordinator-run-review")
    return run


def test_need_to_active_engagement_and_replacement(browser, live_server, seeded_season, monkeypatch):
    # Keep the run visibly running for the progress bar.
    monkeypatch.setattr(execution, "solve_with_heartbeat", slowed(execution.solve_with_heartbeat, 3))
    municipal = sign_in(browser, live_server, "demo-municipal")
    _post_need(municipal, live_server)

    coordinator = sign_in(browser, live_server, "demo-coordinator")
    run = _run_match(coordinator, live_server)
    row = coordinator.locator("tr", has_text=TITLE)
    expect(row).to_have_count(1)
    expect(coordinator.get_by_role("heading", name=re.compile("充足できなかったニーズ"))).to_be_visible()
    row.get_by_role("button", name=re.compile("^承認")).click()
    expect(coordinator.get_by_text("承認すると")).to_be_visible()
    coordinator.get_by_role("button", name="承認する").click()
    expect(coordinator.get_by_text("承認しました")).to_be_visible()
    engagement = Engagement.objects.get(need__title=TITLE)
    assert engagement.proposal.run_id == run.pk

    municipal.goto(f"{live_server.url}/engagements/")
    # The municipality confirms on the offer's own page, which shows what acceptance brings (issue 21).
    municipal.locator(f"#engagement-{engagement.pk}").get_by_role("link", name=re.compile("^内容を確認して承諾")).click()
    municipal.get_by_role("button", name=re.compile("^承諾する")).click()
    expect(municipal.get_by_text("承諾しました")).to_be_visible()

    User.objects.create_user("e2e-expert", password=PASSWORD, role=UserRole.EXPERT, expert=engagement.expert)
    expert = sign_in(browser, live_server, "e2e-expert")
    expert.goto(f"{live_server.url}/engagements/")
    shot(expert, "expert-offers")
    offer = expert.locator(f"#engagement-{engagement.pk}")
    offer.get_by_text("上記の誓約書に同意し、署名します").click()
    offer.get_by_role("button", name=re.compile("^誓約して承諾")).click()
    expect(expert.locator(f"#engagement-{engagement.pk}")).to_contain_text("稼働中")
    engagement.refresh_from_db()
    assert engagement.status == EngagementStatus.ACTIVE
    expert.goto(f"{live_server.url}/me/")
    expect(expert.locator(".week .eng", has_text="長野市")).to_have_count(1)
    shot(expert, "expert-profile")

    municipal.goto(f"{live_server.url}/engagements/")
    municipal.locator(f"#engagement-{engagement.pk}").get_by_role("link", name="要員交代を依頼").click()
    municipal.get_by_role("button", name="交代を依頼する").click()
    expect(municipal.locator("#reason-errors")).to_be_visible()
    municipal.get_by_label(re.compile("^理由")).fill("勤務曜日が合わなくなったため")
    municipal.get_by_role("button", name="交代を依頼する").click()
    expect(municipal.get_by_text("要員交代を依頼しました")).to_be_visible()

    coordinator.goto(f"{live_server.url}/dashboard/")
    expect(coordinator.get_by_text("勤務曜日が合わなくなったため")).to_be_visible()
    shot(coordinator, "coordinator-dashboard")
