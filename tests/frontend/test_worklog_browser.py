"""The activity log in chromium (issue 23, items 3 and 4): the expert logs a day of last month in the one short
form and submits the month; the municipality finds the month by its reference code, disputes one day with a
reason and, after the expert's answer, confirms the month."""

import re

import pytest
from playwright.sync_api import expect

from backend.accounts.models import User, UserRole
from backend.worklog.models import WorkMonth, WorkMonthStatus
from backend.worklog.services import work_day_log, work_month_answer, work_month_submit
from tests.backend.factories import ExpertFactory
from tests.backend.worklog.conftest import active_engagement, day_data, last_month_weekdays
from tests.frontend.browser import PASSWORD, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _expert_engagement(staff, username: str):
    expert = ExpertFactory(name="記録 花子")
    user = User.objects.create_user(username, password=PASSWORD, role=UserRole.EXPERT, expert=expert)
    return user, active_engagement(expert, municipality_id=staff.municipality_id)


def test_the_expert_logs_a_day_and_submits_the_month(browser, live_server, seeded):
    staff = User.objects.get(username="demo-municipal")
    _user, engagement = _expert_engagement(staff, "e2e-worklog-expert")
    day = last_month_weekdays()[0]

    page = sign_in(browser, live_server, "e2e-worklog-expert")
    page.goto(f"{live_server.url}/engagements/{engagement.pk}/")
    page.get_by_role("link", name="今月の活動を記録する").click()
    page.goto(f"{live_server.url}/engagements/{engagement.pk}/work/{day.year}/{day.month}/")
    page.get_by_label("日付").fill(day.isoformat())
    page.get_by_label("リモート").check()
    page.get_by_label("時間", exact=True).fill("6")
    page.get_by_label("テーマ", exact=True).fill("E2E 庁内LANの更改")
    page.get_by_label("実施内容", exact=True).fill("仕様書案を担当課と確認した。")
    page.get_by_role("button", name="記録する").click()
    expect(page.get_by_text(re.compile("の活動（6時間）を記録しました"))).to_be_visible()
    expect(page.locator("table.work-days")).to_contain_text("E2E 庁内LANの更改")
    shot(page, "expert-work-month")
    page.get_by_role("button", name="この月の記録を提出").click()
    expect(page.get_by_text(re.compile("の活動記録を提出しました（照会番号 KM-"))).to_be_visible()
    month = WorkMonth.objects.get(engagement=engagement)
    assert month.status == WorkMonthStatus.SUBMITTED and month.days.get().onsite is False


def test_the_municipality_disputes_a_day_and_confirms_the_month_after_the_answer(browser, live_server, seeded):
    staff = User.objects.get(username="demo-municipal")
    expert, engagement = _expert_engagement(staff, "e2e-worklog-expert2")
    first, second = last_month_weekdays()[:2]
    work_day_log(actor=expert, engagement=engagement, data=day_data(first, topics="E2E 研修の講師"))
    disputed = work_day_log(actor=expert, engagement=engagement, data=day_data(second, topics="E2E 打合せ"))
    month = work_month_submit(actor=expert, month=disputed.month)

    page = sign_in(browser, live_server, "demo-municipal")
    page.goto(f"{live_server.url}/work/confirmations/")
    page.get_by_label("照会番号").fill(month.reference.lower())
    page.get_by_role("button", name="検索").click()
    section = page.locator(f"#month-{month.pk}")
    section.locator(f"#f-reason-{disputed.pk}").fill("この日の来庁記録がありません。")
    section.get_by_role("button", name="差し戻す").click()
    expect(page.get_by_text(re.compile("1日を差し戻しました"))).to_be_visible()

    work_month_answer(actor=expert, month=month, answers={disputed.pk: "リモートで対応しました。"})
    page.goto(f"{live_server.url}/work/confirmations/")
    section = page.locator(f"#month-{month.pk}")
    expect(section).to_contain_text("リモートで対応しました。")
    shot(page, "municipality-work-confirmation")
    section.get_by_role("button", name="確認する").click()
    expect(page.get_by_text(re.compile(f"活動記録を確認しました（照会番号 {month.reference}）"))).to_be_visible()
    month.refresh_from_db()
    assert month.status == WorkMonthStatus.CONFIRMED and month.confirmed_by == staff
