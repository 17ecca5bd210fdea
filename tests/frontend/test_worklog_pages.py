"""The working year's pages without a browser: the prefecture sets the confirmation's working day, the
coordinator's overview shows each engagement's months and records a paper confirmation only with its document
reference, the home pages list what awaits each side."""

import datetime as dt

from django.utils import timezone

from backend.geo.models import PrefectureSetting
from backend.worklog.models import WorkMonth, WorkMonthStatus
from backend.worklog.services import work_day_log, work_month_confirm, work_month_dispute, work_month_submit
from frontend.todo import todo_list
from tests.backend.factories import CoordinatorFactory, ExpertUserFactory, MunicipalStaffFactory
from tests.backend.worklog.conftest import active_engagement, day_data, last_month_weekdays


def test_the_coordinator_sets_the_working_day_of_the_monthly_deadline(client, db):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    response = client.post("/settings/", {"travel_yen_per_km": "37",
                                          "matching_season": "", "confirmation_working_day": "3"}, follow=True)
    assert response.status_code == 200
    assert PrefectureSetting.objects.get(pk="20").confirmation_working_day == 3


def test_the_overview_shows_the_month_and_a_paper_confirmation_needs_its_document_reference(client, db):
    expert_user, staff = ExpertUserFactory(), MunicipalStaffFactory(municipality_id="202011")
    engagement = active_engagement(expert_user.expert)
    month = work_day_log(actor=expert_user, engagement=engagement, data=day_data(last_month_weekdays()[0])).month
    work_month_submit(actor=expert_user, month=month)

    client.force_login(staff)
    home = client.get("/", follow=True).content.decode()
    assert "確認待ちの活動記録" in home
    assert month.reference in client.get("/work/confirmations/", {"ref": month.reference}).content.decode()

    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.get("/work/overview/", {"fy": engagement.fiscal_year}).content.decode()
    assert engagement.expert.name in page and "確認待ち" in page
    refused = client.post("/work/months/paper/", {"reference": month.reference, "paper_reference": ""}, follow=True)
    assert "文書番号を入力してください" in refused.content.decode()
    month.refresh_from_db()
    assert month.status == WorkMonthStatus.SUBMITTED
    client.post("/work/months/paper/", {"reference": month.reference.lower(), "paper_reference": "長野市情第9号"})
    month.refresh_from_db()
    assert (month.status, month.paper_reference) == (WorkMonthStatus.CONFIRMED, "長野市情第9号")


def test_each_side_s_to_do_counts_the_months_awaiting_it(db):
    expert_user, municipal = ExpertUserFactory(), MunicipalStaffFactory(municipality_id="202011")
    coordinator, days = CoordinatorFactory(prefecture_id="20"), last_month_weekdays()
    engagement = active_engagement(expert_user.expert)

    def counts(user):
        return {item.key: item.count for item in todo_list(user=user) if item.key.startswith("work_")}

    month = work_day_log(actor=expert_user, engagement=engagement, data=day_data(days[0])).month
    assert counts(expert_user) == {"work_to_submit": 1, "work_to_answer": 0}
    work_month_submit(actor=expert_user, month=month)
    WorkMonth.objects.filter(pk=month.pk).update(deadline=timezone.localdate() - dt.timedelta(days=1))
    assert counts(municipal) == {"work_to_confirm": 1}
    assert counts(coordinator) == {"work_overdue": 1}
    work_month_dispute(actor=municipal, month=month, reasons={month.days.get().pk: "確認できません"})
    assert counts(expert_user) == {"work_to_submit": 0, "work_to_answer": 1}


def test_the_expert_answers_a_dispute_and_removes_a_day_from_the_month_page(client, db):
    expert_user, staff = ExpertUserFactory(), MunicipalStaffFactory(municipality_id="202011")
    engagement = active_engagement(expert_user.expert)
    first, second = last_month_weekdays()[:2]
    disputed = work_day_log(actor=expert_user, engagement=engagement, data=day_data(first))
    month = work_month_submit(actor=expert_user, month=disputed.month)
    work_month_dispute(actor=staff, month=month, reasons={disputed.pk: "来庁記録がありません"})

    client.force_login(expert_user)
    page = client.get(f"/engagements/{engagement.pk}/work/{first.year}/{first.month}/").content.decode()
    assert "来庁記録がありません" in page and "差戻しへの回答" in page
    response = client.post(f"/work/months/{month.pk}/answer/", {f"answer_{disputed.pk}": "リモートで対応"}, follow=True)
    assert "差戻しに回答しました" in response.content.decode()
    assert WorkMonth.objects.get(pk=month.pk).status == WorkMonthStatus.ANSWERED

    other = work_day_log(actor=expert_user, engagement=active_engagement(expert_user.expert), data=day_data(second))
    response = client.post(f"/work/days/{other.pk}/remove/", follow=True)
    assert "の活動記録を削除しました" in response.content.decode() and not other.month.days.exists()


def test_staff_correct_a_confirmed_month_on_its_page_with_a_reason(client, db):
    expert_user, staff = ExpertUserFactory(), MunicipalStaffFactory(municipality_id="202011")
    engagement = active_engagement(expert_user.expert)
    day = work_day_log(actor=expert_user, engagement=engagement, data=day_data(last_month_weekdays()[0]))
    month = work_month_submit(actor=expert_user, month=day.month)
    work_month_confirm(actor=staff, month=month)

    client.force_login(staff)
    url = f"/engagements/{engagement.pk}/work/{month.year}/{month.month}/"
    assert "確認後の修正" in client.get(url).content.decode()
    refused = client.post(f"/work/months/{month.pk}/adjust/", {"day": day.pk, "hours": "4", "reason": ""}, follow=True)
    assert "理由" in refused.content.decode() and not month.adjustments.exists()
    client.post(f"/work/months/{month.pk}/adjust/", {"day": day.pk, "onsite": "1", "hours": "4", "topics": day.topics,
                                                      "done": day.done, "reason": "出勤簿と照合"})
    day.refresh_from_db()
    assert day.hours == 4 and month.adjustments.get().reason == "出勤簿と照合"


def test_the_expert_s_month_offers_the_plan_s_next_date_and_marks_a_day_outside_the_plan(client, db):
    """Under five minutes a month: the form starts on the first planned date not yet logged (with its on-site mark),
    each such date is a link that fills the form, and a day logged outside the plan says so."""
    from backend.visits.models import PlannedVisit

    expert_user = ExpertUserFactory()
    engagement = active_engagement(expert_user.expert)
    planned, elsewhere = last_month_weekdays()[1], last_month_weekdays()[3]
    PlannedVisit.objects.create(engagement=engagement, expert=engagement.expert, date=last_month_weekdays()[0],
                                onsite=True)
    PlannedVisit.objects.create(engagement=engagement, expert=engagement.expert, date=planned, onsite=False)
    work_day_log(actor=expert_user, engagement=engagement, data=day_data(last_month_weekdays()[0]))
    work_day_log(actor=expert_user, engagement=engagement, data=day_data(elsewhere))

    client.force_login(expert_user)
    page = client.get(f"/engagements/{engagement.pk}/work/{planned.year}/{planned.month}/").content.decode()
    assert f'name="date" type="date" value="{planned.isoformat()}"' in page
    assert 'name="onsite" value="0" checked' in page  # the planned date is a remote one
    assert f'href="?date={planned.isoformat()}#h-log"' in page
    assert page.count("訪問予定外の日") == 1  # `elsewhere`, not the planned day logged
