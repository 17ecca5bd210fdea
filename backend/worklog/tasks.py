"""Background work of the monthly confirmation, executed by the database-backed worker (`manage.py run_worker`).

The reminder runs once a day: the worker's periodic pass (backend/worker/worker.py) calls `remind_daily_enqueue`,
which queues it unless it was queued today already; the reminder itself reminds each month once a day at most
(`WorkMonth.reminded_at`), so a second run on one day changes nothing."""

import datetime as dt

from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from backend.worklog.services import work_months_remind


@task()
def remind_work_months() -> str:
    reminded = work_months_remind()
    return f"reminded {len(reminded)}: {', '.join(reminded) or '-'}"


def remind_daily_enqueue(*, now: dt.datetime | None = None) -> bool:
    """Queue today's reminder unless it was queued today (local time); True when it was queued now."""
    now = timezone.localtime(now or timezone.now())
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if DBTaskResult.objects.filter(task_path=remind_work_months.module_path, enqueued_at__gte=start_of_day).exists():
        return False
    remind_work_months.enqueue()
    return True
