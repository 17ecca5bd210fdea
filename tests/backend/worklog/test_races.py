"""The municipality's two clerks answer one submitted month at the same moment, one confirming and one disputing
a day: the month ends in one state with one audit row for it, and the other clerk is told the month moved on
(real PostgreSQL, real threads)."""

import pytest

from backend.core.audit import AuditAction
from backend.core.errors import DomainError
from backend.core.models import AuditLog
from backend.worklog.models import WorkMonth, WorkMonthStatus
from backend.worklog.services import work_day_log, work_month_confirm, work_month_dispute, work_month_submit
from tests.backend.concurrency import race
from tests.backend.factories import ExpertUserFactory, MunicipalStaffFactory
from tests.backend.worklog.conftest import active_engagement, day_data, last_month_weekdays

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_confirmation_and_a_dispute_of_one_month_at_once_leave_the_month_in_one_state(committed_db):
    expert_user = ExpertUserFactory()
    engagement = active_engagement(expert_user.expert)
    day = work_day_log(actor=expert_user, engagement=engagement, data=day_data(last_month_weekdays()[0]))
    month = work_month_submit(actor=expert_user, month=day.month)
    clerks = [MunicipalStaffFactory(municipality_id="202011") for _ in range(2)]

    outcomes = race([lambda: work_month_confirm(actor=clerks[0], month=month),
                     lambda: work_month_dispute(actor=clerks[1], month=month, reasons={day.pk: "来庁の記録がない"})],
                    expected=(DomainError,))

    assert sorted(type(o).__name__ for o in outcomes) in (["ConflictError", "WorkMonth"],
                                                          ["DomainError", "WorkMonth"]), outcomes
    month.refresh_from_db()
    confirms = AuditLog.objects.filter(action=AuditAction.WORK_MONTH_CONFIRM).count()
    disputes = AuditLog.objects.filter(action=AuditAction.WORK_MONTH_DISPUTE).count()
    assert (month.status, confirms, disputes) in ((WorkMonthStatus.CONFIRMED, 1, 0), (WorkMonthStatus.DISPUTED, 0, 1))
    assert WorkMonth.objects.get(pk=month.pk).locked == (month.status == WorkMonthStatus.CONFIRMED)
