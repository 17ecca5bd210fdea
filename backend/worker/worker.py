"""The task worker kenmu runs (`manage.py run_worker`): django_tasks_db's Worker, kept alive and tidy.

It owns three things the library's `db_worker` leaves to the operator:

- riding out a database outage: the library's loop re-raises OperationalError and its process exits;
  here the connections are closed, one line is logged and the worker waits (capped backoff) until the
  database answers, then claims again, in the same process;
- failing task rows whose worker is gone (the library records who claimed a row, never whether that
  worker still lives), so no row stays RUNNING for ever;
- calling `runs_take_up_stale` periodically, so a match run whose worker died or lost the database goes back
  to the queue by itself (bounded attempts, then failed with the reason) even when nobody opens a page;
- queueing the daily reminder of the monthly confirmations (`backend.worklog.tasks.remind_daily_enqueue`);
- queueing the offers' daily pass: lapses past the answer deadline, reminders before it
  (`backend.engagements.tasks.offers_daily_enqueue`).

It never claims or runs a task itself: claiming stays the library's (`ready().get_locked()` and
`claim()` in one transaction), so any number of workers on any hosts still share one queue.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
import time

from django.conf import settings
from django.db import (
    InterfaceError,
    OperationalError,
    close_old_connections,
    connection,
    connections,
    transaction,
)
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from backend.engagements.tasks import offers_daily_enqueue
from backend.intake.execution import import_jobs_fail_stale
from backend.placement.services import runs_take_up_stale
from backend.runs.models import MatchRun, RunStatus
from backend.worklog.tasks import remind_daily_enqueue

logger = logging.getLogger(__name__)

# What a lost or restarting database raises; anything else escaping the loop is a defect and ends the process.
DATABASE_DOWN = (OperationalError, InterfaceError)
FIRST_RETRY_S = 0.5
MAX_RETRY_S = 10.0


def abandoned_after_s() -> int:
    return getattr(settings, "KENMU_TASK_ABANDONED_AFTER_S", 900)


def reap_every_s() -> float:
    return getattr(settings, "KENMU_WORKER_REAP_EVERY_S", 30)


class TaskAbandoned(Exception):
    """Recorded (as the library records any failure) on a task row whose worker stopped without finishing it."""


def tasks_reap_abandoned(*, now: dt.datetime | None = None) -> list[str]:
    """Fail RUNNING task rows claimed longer ago than KENMU_TASK_ABANDONED_AFTER_S whose match run is not beating.

    The library keeps no heartbeat, so age is the evidence; a match run that still beats proves its worker
    alive however long the solve takes. Returns the ids of the rows failed.
    """
    now = now or timezone.now()
    claimed_before = now - dt.timedelta(seconds=abandoned_after_s())
    beating_since = now - dt.timedelta(seconds=settings.KENMU_RUN_STALE_AFTER_S)
    with transaction.atomic():
        rows = list(DBTaskResult.objects.running().select_for_update(skip_locked=True)
                    .filter(started_at__lt=claimed_before))
        beating = set(MatchRun.objects.filter(task_id__in=[str(row.id) for row in rows], status=RunStatus.RUNNING,
                                              heartbeat_at__gte=beating_since).values_list("task_id", flat=True))
        # A row is a run's task when a run names its id (MatchRun.task_id): no task path is needed to tell.
        abandoned = [row for row in rows if str(row.id) not in beating]
        for row in abandoned:
            row.set_failed(TaskAbandoned(
                f"worker {row.worker_ids[-1] if row.worker_ids else '?'} claimed this task at {row.started_at:%Y-%m-%d %H:%M:%S%z}"
                f" and has not finished it within {abandoned_after_s()} s; it is presumed gone"))
    return [str(row.id) for row in abandoned]


def tasks_fail_unfinished(*, worker_id: str) -> list[str]:
    """Fail the RUNNING rows of this worker: it runs one task at a time and is between tasks when it calls this."""
    with transaction.atomic():
        rows = list(DBTaskResult.objects.running().select_for_update(skip_locked=True)
                    .filter(worker_ids__contains=[worker_id]))
        for row in rows:
            row.set_failed(TaskAbandoned(f"the database went away while worker {worker_id} ran this task"))
    return [str(row.id) for row in rows]


def reap_once() -> None:
    """One periodic pass; a failure is logged and the next pass tries again."""
    try:
        tasks = tasks_reap_abandoned()
        runs = runs_take_up_stale()
        remind_daily_enqueue()  # the monthly confirmation's reminders, once a day
        offers_daily_enqueue()  # offers past their answer deadline lapse, those near it are reminded, once a day
        import_jobs_fail_stale()  # an import whose worker died stored nothing: its job says so (issue 26)
        if tasks or runs:
            logger.warning("reaped abandoned tasks %s; stale match runs %s queued again or failed", tasks or "-", runs or "-")
    except DATABASE_DOWN as exc:  # the claiming loop reports the outage once; no line per pass
        logger.debug("reaping skipped, database unavailable: %s", exc)
        close_all_connections()
    except Exception:
        logger.exception("reaping failed; the next pass tries again")
    finally:
        close_old_connections()


def close_all_connections() -> None:
    for conn in connections.all(initialized_only=True):
        # A connection to a server that is gone cannot be closed politely; it is dropped all the same.
        with contextlib.suppress(*DATABASE_DOWN):
            conn.close()


class _Reaper(threading.Thread):
    """Runs `reap_once` now and then every `every_s` seconds, on its own database connection."""

    def __init__(self, every_s: float):
        super().__init__(name="kenmu-reaper", daemon=True)
        self.every_s = every_s
        self.stopping = threading.Event()

    def run(self) -> None:
        try:
            while True:
                reap_once()
                if self.stopping.wait(self.every_s):
                    return
        finally:
            close_all_connections()


class SupervisedWorker(Worker):
    """The library's Worker whose loop is restarted, in the same process, after the database comes back."""

    def __init__(self, *, reap_every_s: float, **kwargs):
        super().__init__(**kwargs)
        self.reap_every_s = reap_every_s

    def wait_for_database(self, cause: BaseException | None = None) -> None:
        """Return once the default database answers; an outage is logged in one line when it starts and one when
        it ends, however long it lasts. `cause` is the error that already showed the database gone."""
        delay, down_since = FIRST_RETRY_S, None
        while True:
            if cause is not None and down_since is None:
                down_since = time.monotonic()
                logger.warning("database unavailable (%s); waiting for it, retrying every %.1f to %.0f s",
                               _first_line(cause), FIRST_RETRY_S, MAX_RETRY_S)
            if down_since is not None:
                close_all_connections()
                time.sleep(delay)  # a SIGTERM here ends the process at once (the library's handler): no task runs
                delay = min(MAX_RETRY_S, delay * 2)
            try:
                connection.ensure_connection()
                break
            except DATABASE_DOWN as exc:
                cause = exc
        if down_since is not None:
            logger.warning("database is back after %.0f s; claiming tasks again", time.monotonic() - down_since)

    def run(self) -> None:
        reaper = _Reaper(self.reap_every_s)
        reaper.start()
        lost_a_task = False
        try:
            while self.running:
                try:
                    if lost_a_task:
                        self._fail_own_unfinished()
                        lost_a_task = False
                    super().run()
                    return
                except DATABASE_DOWN as exc:
                    close_all_connections()
                    if not self.running:  # a stop was requested during the task that lost the database
                        return
                    self.startup_delay = False
                    self.wait_for_database(cause=exc)
                    lost_a_task = True
        finally:
            reaper.stopping.set()
            reaper.join(timeout=5)

    def _fail_own_unfinished(self) -> None:
        failed = tasks_fail_unfinished(worker_id=self.worker_id)
        if failed:
            logger.warning("marked the task(s) %s failed: the database went away while they ran", failed)


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()
    return f"{type(exc).__name__}: {text[0] if text else ''}"
