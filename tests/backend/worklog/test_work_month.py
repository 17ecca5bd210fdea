"""The activity log and its monthly confirmation (issue 23, items 3 and 4), through the services: a month logged,
disputed, answered, confirmed and locked; its deadline; days beyond the contract; the paper confirmation; the
corrections after the lock; the daily reminder."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.utils import timezone

from backend.calendar.models import ClosedDay
from backend.core.errors import ConflictError, DomainError, ForbiddenError
from backend.core.models import AuditLog
from backend.geo.models import PrefectureSetting
from backend.notifications.models import Notification
from backend.worklog.models import WorkAdjustment, WorkMonth, WorkMonthStatus
from backend.worklog.selectors import work_month_deadline
from backend.worklog.services import (
    work_day_adjust,
    work_day_agree,
    work_day_log,
    work_day_update,
    work_month_answer,
    work_month_confirm,
    work_month_confirm_on_paper,
    work_month_dispute,
    work_month_submit,
    work_months_remind,
)
from backend.worklog.tasks import remind_daily_enqueue
from tests.backend.worklog.conftest import active_engagement, day_data


def _problem(exc) -> tuple[str, str]:
    return exc.value.problems[0].field, str(exc.value.problems[0].code)


def test_a_month_logged_disputed_answered_and_confirmed_is_locked_and_an_edit_is_refused(
        engagement, expert_user, municipal, days):
    first = work_day_log(actor=expert_user, engagement=engagement, data=day_data(days[0]))
    second = work_day_log(actor=expert_user, engagement=engagement, data=day_data(days[1], onsite=False))
    month = first.month
    assert re.fullmatch(r"KM-[2-9A-HJKMNP-Z]{4}", month.reference)
    assert month.deadline == work_month_deadline(year=month.year, month=month.month, municipality_id="202011",
                                                 working_day=5)

    work_month_submit(actor=expert_user, month=month)
    told = Notification.objects.get(recipient=municipal, kind="work_month_submitted")
    assert month.reference in told.text and engagement.expert.name in told.text
    work_month_dispute(actor=municipal, month=month, reasons={second.pk: "この日の来庁記録がありません。"})
    with pytest.raises(ConflictError) as refused:
        work_month_confirm(actor=municipal, month=month)
    assert _problem(refused) == ("month", "dispute_open")
    work_month_answer(actor=expert_user, month=month, answers={second.pk: "リモートで担当課と打合せました。"})
    work_month_confirm(actor=municipal, month=month)

    month.refresh_from_db()
    assert month.status == WorkMonthStatus.CONFIRMED and month.locked and month.confirmed_by == municipal
    with pytest.raises(ConflictError) as locked:
        work_day_update(actor=expert_user, day=first, data={"hours": Decimal("3")})
    assert _problem(locked) == ("month", "locked")
    with pytest.raises(ConflictError):
        work_day_log(actor=expert_user, engagement=engagement, data=day_data(days[2]))
    assert list(AuditLog.objects.filter(action__startswith="work_month.").order_by("id").values_list(
        "action", flat=True)) == ["work_month.submit", "work_month.dispute", "work_month.answer", "work_month.confirm"]
    assert Notification.objects.filter(recipient=expert_user, kind="work_month_confirmed").exists()


def test_only_the_expert_logs_and_a_day_outside_the_term_or_in_the_future_is_refused(engagement, expert_user,
                                                                                   municipal, days):
    with pytest.raises(ForbiddenError):
        work_day_log(actor=municipal, engagement=engagement, data=day_data(days[0]))
    with pytest.raises(DomainError) as future:
        work_day_log(actor=expert_user, engagement=engagement,
                     data=day_data(timezone.localdate() + dt.timedelta(days=1)))
    assert _problem(future)[0] == "date"
    with pytest.raises(DomainError) as outside:
        work_day_log(actor=expert_user, engagement=engagement,
                     data=day_data(engagement.starts_on - dt.timedelta(days=1)))
    assert _problem(outside) == ("date", "outside_term")


def test_the_deadline_is_the_fifth_working_day_of_the_next_month_after_holidays_and_closed_days(municipal):
    # May 2027: 1–2 weekend, 3–5 Golden Week; the 5th working day is Wednesday 12 May.
    assert work_month_deadline(year=2027, month=4, municipality_id="202011", working_day=5) == dt.date(2027, 5, 12)
    ClosedDay.objects.create(date=dt.date(2027, 5, 7), label="市の閉庁日", municipality_id="202011",
                             created_by=municipal)
    assert work_month_deadline(year=2027, month=4, municipality_id="202011", working_day=5) == dt.date(2027, 5, 13)
    assert work_month_deadline(year=2027, month=4, municipality_id="202029", working_day=5) == dt.date(2027, 5, 12)


def test_the_prefecture_sets_the_working_day_of_the_deadline(expert_user, days):
    PrefectureSetting.objects.create(prefecture_id="20", confirmation_working_day=2)
    engagement = active_engagement(expert_user.expert)
    month = work_day_log(actor=expert_user, engagement=engagement, data=day_data(days[0])).month
    assert month.deadline == work_month_deadline(year=month.year, month=month.month, municipality_id="202011",
                                                 working_day=2)


def test_a_day_beyond_the_contract_counts_only_once_the_municipality_agrees(expert_user, municipal, days):
    engagement = active_engagement(expert_user.expert, days_per_year=1)
    within = work_day_log(actor=expert_user, engagement=engagement, data=day_data(days[0]))
    beyond = work_day_log(actor=expert_user, engagement=engagement, data=day_data(days[1]))
    assert (within.beyond_contract, within.counted) == (False, True)
    assert (beyond.beyond_contract, beyond.counted) == (True, False)
    with pytest.raises(ForbiddenError):
        work_day_agree(actor=expert_user, day=beyond)
    work_day_agree(actor=municipal, day=beyond)
    beyond.refresh_from_db()
    assert beyond.counted and beyond.agreed_by == municipal


def test_a_coordinator_confirms_on_paper_only_with_the_document_reference(engagement, expert_user, municipal,
                                                                          coordinator, days):
    month = work_day_log(actor=expert_user, engagement=engagement, data=day_data(days[0])).month
    work_month_submit(actor=expert_user, month=month)
    with pytest.raises(DomainError) as blank:
        work_month_confirm_on_paper(actor=coordinator, month=month, paper_reference="  ")
    assert _problem(blank) == ("paper_reference", "required")
    with pytest.raises(ForbiddenError):
        work_month_confirm_on_paper(actor=municipal, month=month, paper_reference="長野市情第123号")
    work_month_confirm_on_paper(actor=coordinator, month=month, paper_reference="長野市情第123号")
    month.refresh_from_db()
    assert (month.status, month.paper_reference, month.confirmed_by) == ("confirmed", "長野市情第123号", coordinator)
    assert AuditLog.objects.filter(action="work_month.confirm_on_paper", object_id=str(month.pk)).exists()


def test_a_correction_after_the_lock_keeps_the_day_before_and_after_and_is_audited(engagement, expert_user,
                                                                                   municipal, coordinator, days):
    day = work_day_log(actor=expert_user, engagement=engagement, data=day_data(days[0]))
    month = day.month
    with pytest.raises(ConflictError) as early:
        work_day_adjust(actor=municipal, month=month, day=day, data={"hours": Decimal("4")}, reason="記入誤り")
    assert _problem(early) == ("month", "not_locked")
    work_month_submit(actor=expert_user, month=month)
    work_month_confirm(actor=municipal, month=month)
    with pytest.raises(ForbiddenError):
        work_day_adjust(actor=expert_user, month=month, day=day, data={"hours": Decimal("4")}, reason="記入誤り")
    with pytest.raises(DomainError) as no_reason:
        work_day_adjust(actor=municipal, month=month, day=day, data={"hours": Decimal("4")}, reason="")
    assert _problem(no_reason)[0] == "reason"

    adjustment = work_day_adjust(actor=municipal, month=month, day=day, data={"hours": Decimal("4")},
                                 reason="出勤簿と照合し4時間に訂正")
    day.refresh_from_db()
    assert day.hours == Decimal("4")
    assert (adjustment.before["hours"], adjustment.after["hours"]) == ("7.50", "4")
    removed = work_day_adjust(actor=coordinator, month=month, day=day, reason="重複記録のため削除")
    assert removed.after is None and not month.days.exists()
    assert WorkAdjustment.objects.filter(month=month).count() == 2
    assert AuditLog.objects.filter(action="work_day.adjust").count() == 2


def test_the_daily_reminder_tells_the_municipality_once_a_day_of_months_near_or_past_their_deadline(
        expert_user, municipal, days):
    today = timezone.localdate()
    months = []
    for deadline in (today - dt.timedelta(days=1), today + dt.timedelta(days=30)):
        engagement = active_engagement(expert_user.expert)
        month = work_day_log(actor=expert_user, engagement=engagement, data=day_data(days[0])).month
        work_month_submit(actor=expert_user, month=month)
        WorkMonth.objects.filter(pk=month.pk).update(deadline=deadline)
        months.append(month)
    open_month = work_day_log(actor=expert_user, engagement=active_engagement(expert_user.expert),
                              data=day_data(days[0])).month
    WorkMonth.objects.filter(pk=open_month.pk).update(deadline=today - dt.timedelta(days=1))

    assert work_months_remind() == [months[0].reference]
    assert work_months_remind() == []
    reminders = Notification.objects.filter(recipient=municipal, kind="work_month_reminder")
    assert [n.params["reference"] for n in reminders] == [months[0].reference]
    assert months[0].reference in reminders[0].text
    assert remind_daily_enqueue() is True and remind_daily_enqueue() is False

