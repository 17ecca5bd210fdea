"""Background work of the monthly confirmation, executed by the database-backed worker (`manage.py run_worker`).

The reminder runs once a day: the worker's periodic pass (backend/worker/worker.py) calls `remind_daily_enqueue`,
which queues it unless it was queued today already; the reminder itself reminds each month once a day at most
(`WorkMonth.reminded_at`), so a second run on one day changes nothing."""

import datetime as dt

from django_tasks import task

from backend.core.tasks import enqueue_once_a_day
from backend.worklog.services import work_months_remind


@task()
def remind_work_months() -> str:
    reminded = work_months_remind()
    return f"reminded {len(reminded)}: {', '.join(reminded) or '-'}"


def remind_daily_enqueue(*, now: dt.datetime | None = None) -> bool:
    """Queue today's reminder unless it was queued today (local time); True when it was queued now."""
    return enqueue_once_a_day(remind_work_months, now=now)
