"""The offers' daily work (issue 25), executed by the database-backed worker (`manage.py run_worker`): offers past
their answer deadline lapse, and the side(s) that have not answered an offer due within two days are reminded.

The worker's periodic pass (backend/worker/worker.py) calls `offers_daily_enqueue`, which queues it unless it was
queued today already, as the monthly confirmations' reminder is (backend/worklog/tasks.py); both steps are safe to
run twice on one day (a lapsed offer is no longer offered, a reminded one has `deadline_reminded_at`)."""

import datetime as dt

from django_tasks import task

from backend.core.tasks import enqueue_once_a_day
from backend.engagements.services import engagements_lapse_due, engagements_remind_deadline


@task()
def offers_daily() -> str:
    lapsed = engagements_lapse_due()
    reminded = engagements_remind_deadline()
    return f"lapsed {len(lapsed)}: {lapsed or '-'}; reminded {len(reminded)}: {reminded or '-'}"


def offers_daily_enqueue(*, now: dt.datetime | None = None) -> bool:
    """Queue today's pass unless it was queued today (local time); True when it was queued now."""
    return enqueue_once_a_day(offers_daily, now=now)
