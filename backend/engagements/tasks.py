"""The offers' daily work (issue 25), executed by the database-backed worker (`manage.py run_worker`): offers past
their answer deadline lapse, and the side(s) that have not answered an offer due within two days are reminded.

The worker's periodic pass (backend/worker/worker.py) calls `offers_daily_enqueue`, which queues it unless it was
queued today already, as the monthly confirmations' reminder is (backend/worklog/tasks.py); both steps are safe to
run twice on one day (a lapsed offer is no longer offered, a reminded one has `deadline_reminded_at`)."""

import datetime as dt

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from backend.engagements.services import engagements_lapse_due, engagements_remind_deadline


@task()
def offers_daily() -> str:
    lapsed = engagements_lapse_due()
    reminded = engagements_remind_deadline()
    return f"lapsed {len(lapsed)}: {lapsed or '-'}; reminded {len(reminded)}: {reminded or '-'}"


def offers_daily_enqueue(*, now: dt.datetime | None = None) -> bool:
    """Queue today's pass unless it was queued today (local time); True when it was queued now."""
    now = timezone.localtime(now or timezone.now())
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if DBTaskResult.objects.filter(task_path=offers_daily.module_path, enqueued_at__gte=start_of_day).exists():
        return False
    offers_daily.enqueue()
    return True
