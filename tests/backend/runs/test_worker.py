"""The database-backed worker as a real process: a killed worker leaves a run the next worker takes up by itself."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.db import connection

from backend.core.audit import AuditAction
from backend.core.models import AuditLog
from backend.placement.services import run_enqueue
from backend.runs.models import MatchRun
from backend.runs.services import runs_reap_stale
from tests.backend.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]


def _worker(extra_env: dict, log: Path, command: tuple[str, ...] = ("db_worker",)) -> subprocess.Popen:
    settings = connection.settings_dict
    url = f"postgres://{settings['USER']}@/{settings['NAME']}?host={quote(settings['HOST'], safe='')}"
    env = {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "backend.config.settings.test",
           **extra_env}
    return subprocess.Popen([sys.executable, "-m", "tests.support.slow_solve", *command, "--no-startup-delay",
                             "--interval", "0.2"], cwd=ROOT, env=env, start_new_session=True,
                            stdout=log.open("w"), stderr=subprocess.STDOUT)


def _wait_for(predicate, timeout=20.0):
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def test_a_killed_worker_leaves_a_run_that_the_next_worker_takes_up_by_itself(committed_db, tmp_path):
    """Issue 21 changes this: the run was failed by the stale sweep and waited for a coordinator's retry; now the
    next worker's sweep puts it back in the queue (attempt 2, audited) and runs it to its end."""
    coordinator = CoordinatorFactory(prefecture_id="20")
    run = run_enqueue(actor=coordinator, fiscal_year=2027)
    log = tmp_path / "worker.log"
    worker = _worker({"KENMU_SLOW_SOLVE_S": "120"}, log)
    try:
        started = _wait_for(lambda: MatchRun.objects.get(pk=run.pk).status == "running")
        assert started, f"the worker never started the run:\n{log.read_text()[-3000:]}"
        assert _wait_for(lambda: MatchRun.objects.get(pk=run.pk).heartbeat_at is not None)
        os.killpg(worker.pid, signal.SIGKILL)
        worker.wait(timeout=10)
    finally:
        if worker.poll() is None:
            os.killpg(worker.pid, signal.SIGKILL)
    run.refresh_from_db()
    assert run.status == "running"  # nobody said otherwise: the worker died without a word
    assert runs_reap_stale() == []  # the last heartbeat is still fresh
    next_log = tmp_path / "next-worker.log"
    next_worker = _worker({"KENMU_RUN_STALE_AFTER_S": "2"}, next_log, command=("run_worker", "--reap-every", "0.3"))
    try:
        assert _wait_for(lambda: MatchRun.objects.get(pk=run.pk).status == "succeeded", timeout=60), \
            next_log.read_text()[-3000:]
    finally:
        if next_worker.poll() is None:
            os.killpg(next_worker.pid, signal.SIGKILL)
    run.refresh_from_db()
    assert run.attempts == 2
    assert AuditLog.objects.filter(action=AuditAction.RUN_REQUEUE, object_id=str(run.pk)).count() == 1
