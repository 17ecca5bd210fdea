"""`manage.py run_worker` as a real process: it outlives a PostgreSQL restart, reaps what dead workers left
behind, stops cleanly on SIGTERM, and refuses to start on a schema it does not know."""

import datetime as dt
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import quote

import psycopg
import pytest
from django.db import connection
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from backend.placement.services import run_enqueue
from backend.runs.models import MatchRun
from backend.worker.worker import tasks_reap_abandoned
from tests.backend.factories import CoordinatorFactory

pytestmark = pytest.mark.django_db(transaction=True)
ROOT = Path(__file__).resolve().parents[3]
ENQUEUE_A_RUN = """
from backend.accounts.models import User, UserRole
from backend.geo.models import Prefecture
from backend.placement.services import run_enqueue
Prefecture.objects.create(code="20", name="長野県", kana="ながのけん", population=2_000_000)
user = User.objects.create_user(username="coordinator", password="x", role=UserRole.COORDINATOR, prefecture_id="20")
print(run_enqueue(actor=user, fiscal_year=2027).pk)
"""


def _env(url: str, **extra: str) -> dict:
    return {**os.environ, "DATABASE_URL": url, "DJANGO_SETTINGS_MODULE": "backend.config.settings.test", **extra}


def _session_url() -> str:
    settings = connection.settings_dict
    return f"postgres://{settings['USER']}@/{settings['NAME']}?host={quote(settings['HOST'], safe='')}"


def _manage(url: str, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "manage.py"), *args], cwd=ROOT, env=_env(url),
                          capture_output=True, text=True, timeout=120)


def _start_worker(url: str, log: Path, *args: str, **extra_env: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "tests.support.slow_solve", "run_worker", "--no-startup-delay",
                             "--interval", "0.2", *args], cwd=ROOT, env=_env(url, **extra_env),
                            start_new_session=True, stdout=log.open("w"), stderr=subprocess.STDOUT)


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=10)


def _wait_for(predicate, timeout: float = 30.0) -> bool:
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def _run_status(url: str, run_id: int) -> str | None:
    try:
        with psycopg.connect(url, connect_timeout=2) as conn:
            return conn.execute("SELECT status FROM runs_matchrun WHERE id = %s", [run_id]).fetchone()[0]
    except psycopg.OperationalError:
        return None


@pytest.fixture
def own_cluster():
    """A PostgreSQL of this test's own, which it may stop and start, empty (not migrated)."""
    from backend.config.embedded_db import _pgserver, _url_for

    server = _pgserver().get_server(Path(tempfile.mkdtemp(prefix="kenmu-test-pg-")), cleanup_mode="delete")
    try:
        yield server, _url_for(server)
    finally:
        server.cleanup()


def test_the_worker_outlives_a_postgresql_restart_and_runs_the_next_task(own_cluster, tmp_path):
    server, url = own_cluster
    migrated = _manage(url, "migrate", "--no-input", "-v", "0")
    assert migrated.returncode == 0, migrated.stderr[-3000:]
    log = tmp_path / "worker.log"
    worker = _start_worker(url, log)
    try:
        assert _wait_for(lambda: "Starting worker" in log.read_text()), log.read_text()[-3000:]
        server.stop()
        assert _wait_for(lambda: "database unavailable" in log.read_text()), log.read_text()[-3000:]
        time.sleep(2)  # several claiming rounds against a database that is not there
        server.start()
        enqueued = _manage(url, "shell", "-c", ENQUEUE_A_RUN)
        assert enqueued.returncode == 0, enqueued.stderr[-3000:]
        run_id = int(enqueued.stdout.split()[-1])
        assert _wait_for(lambda: _run_status(url, run_id) not in (None, "queued")), log.read_text()[-3000:]
        assert worker.poll() is None, log.read_text()[-3000:]  # the same process, never restarted
        assert log.read_text().count("database unavailable") == 1  # one line for the whole outage
    finally:
        _stop(worker)


def test_the_worker_refuses_to_start_on_a_database_without_migrations(own_cluster, tmp_path):
    _, url = own_cluster
    log = tmp_path / "worker.log"
    worker = _start_worker(url, log)
    try:
        code = worker.wait(timeout=60)
    finally:
        _stop(worker)
    assert code != 0
    assert "manage.py migrate" in log.read_text()


def _running_task(*, started_at: dt.datetime, run: MatchRun | None = None) -> DBTaskResult:
    row = DBTaskResult.objects.create(
        status="RUNNING", started_at=started_at, worker_ids=["a-worker-that-is-gone"], backend_name="default",
        task_path="backend.placement.tasks.execute_run", args_kwargs={"args": [run.pk if run else 0], "kwargs": {}})
    if run:
        MatchRun.objects.filter(pk=run.pk).update(task_id=str(row.id))
    return row


def _running_run(*, fiscal_year: int, heartbeat_at: dt.datetime) -> MatchRun:
    return MatchRun.objects.create(prefecture_id="20", scope=["20"], fiscal_year=fiscal_year,
                                   scope_key=f"20/{fiscal_year}", status="running", started_at=heartbeat_at,
                                   heartbeat_at=heartbeat_at)


def test_a_running_task_is_abandoned_only_when_old_and_its_match_run_no_longer_beats(committed_db):
    now = timezone.now()
    long_ago = now - dt.timedelta(hours=2)
    old_and_silent = _running_task(started_at=long_ago, run=_running_run(fiscal_year=2026, heartbeat_at=long_ago))
    old_but_beating = _running_task(started_at=long_ago, run=_running_run(fiscal_year=2027, heartbeat_at=now))
    recent = _running_task(started_at=now - dt.timedelta(minutes=1))

    assert tasks_reap_abandoned(now=now) == [str(old_and_silent.id)]

    statuses = {str(r.id): r.status for r in DBTaskResult.objects.all()}
    assert statuses == {str(old_and_silent.id): "FAILED", str(old_but_beating.id): "RUNNING",
                        str(recent.id): "RUNNING"}
    failed = DBTaskResult.objects.get(pk=old_and_silent.pk)
    assert failed.exception_class_path == "backend.worker.worker.TaskAbandoned" and failed.finished_at is not None
    assert "a-worker-that-is-gone" in failed.traceback


def test_the_worker_reaps_abandoned_tasks_and_stale_runs_on_its_periodic_pass(committed_db, tmp_path):
    """Issue 21 changes what a stale run becomes: it was failed, to wait for a manual retry; now the pass puts it
    back in the queue (a second attempt) and the worker runs it to its end."""
    long_ago = timezone.now() - dt.timedelta(hours=2)
    stale_run = _running_run(fiscal_year=2026, heartbeat_at=long_ago)
    abandoned = _running_task(started_at=long_ago, run=stale_run)
    log = tmp_path / "worker.log"
    worker = _start_worker(_session_url(), log, "--reap-every", "0.3")
    try:
        assert _wait_for(lambda: DBTaskResult.objects.get(pk=abandoned.pk).status == "FAILED"), log.read_text()
        assert _wait_for(lambda: MatchRun.objects.get(pk=stale_run.pk).status not in ("queued", "running")), \
            log.read_text()
        assert MatchRun.objects.get(pk=stale_run.pk).attempts == 2
    finally:
        _stop(worker)


def test_sigterm_lets_the_current_task_finish_and_exits_zero(committed_db, tmp_path):
    run = run_enqueue(actor=CoordinatorFactory(prefecture_id="20"), fiscal_year=2027)
    log = tmp_path / "worker.log"
    worker = _start_worker(_session_url(), log, KENMU_SLOW_SOLVE_S="2")
    try:
        assert _wait_for(lambda: MatchRun.objects.get(pk=run.pk).status == "running"), log.read_text()
        worker.send_signal(signal.SIGTERM)
        code = worker.wait(timeout=60)
    finally:
        _stop(worker)
    assert code == 0, log.read_text()[-3000:]
    run.refresh_from_db()
    assert run.status not in ("queued", "running"), log.read_text()[-3000:]
    assert DBTaskResult.objects.get(pk=run.task_id).status == "SUCCESSFUL"
