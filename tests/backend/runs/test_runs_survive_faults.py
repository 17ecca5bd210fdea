"""A run whose worker died or lost the database is taken up again by itself (issue 21 item 8): it goes back to the
queue with its task enqueued again, each time audited and counted on the run, at most KENMU_RUN_MAX_ATTEMPTS times;
after the last attempt it fails saying why in words. Meanwhile a new request for its scope answers with that run.

Before: the stale sweep failed such a run after about 60 s and it waited for a manual retry, while the scope
answered 409."""

import datetime as dt

import pytest
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from backend.core.audit import AuditAction
from backend.core.audit_verify import audit_chain_verify
from backend.core.models import AuditLog
from backend.placement.execution import _beat, _claim, _finish, _TakenOver
from backend.placement.services import run_enqueue, runs_take_up_stale
from backend.runs.models import MatchRun, RunStatus
from backend.runs.services import run_cancel
from tests.backend.conftest import client_for

LONG_AGO = dt.timedelta(minutes=10)


def _dead_task(run: MatchRun) -> None:
    """The task row a worker that is gone left RUNNING, named by the run."""
    row = DBTaskResult.objects.create(
        status="RUNNING", started_at=timezone.now() - LONG_AGO, worker_ids=["a-worker-that-is-gone"],
        backend_name="default", task_path="backend.placement.tasks.execute_run",
        args_kwargs={"args": [run.pk], "kwargs": {}})
    MatchRun.objects.filter(pk=run.pk).update(task_id=str(row.id))


def _silent_run(*, attempts: int = 1) -> MatchRun:
    """A run left running by a worker that died: its last heartbeat long ago."""
    old = timezone.now() - LONG_AGO
    run = MatchRun.objects.create(prefecture_id="20", scope=["20"], scope_key="20/2027", fiscal_year=2027,
                                  status="running", started_at=old, heartbeat_at=old, attempts=attempts)
    _dead_task(run)
    return run


def _falls_silent(run: MatchRun) -> None:
    MatchRun.objects.filter(pk=run.pk).update(heartbeat_at=timezone.now() - LONG_AGO)


def test_a_run_whose_worker_died_goes_back_to_the_queue_by_itself_audited(db, django_capture_on_commit_callbacks):
    run = _silent_run()
    with django_capture_on_commit_callbacks(execute=True):
        assert runs_take_up_stale() == [run.pk]
    run.refresh_from_db()
    assert (run.status, run.attempts, run.error) == ("queued", 2, "")
    assert DBTaskResult.objects.get(pk=run.task_id).status == "READY"  # a worker will claim it again
    row = AuditLog.objects.get(action=AuditAction.RUN_REQUEUE, object_id=str(run.pk))
    assert row.actor_id is None and row.before["status"] == "running"
    assert row.after["status"] == "queued" and row.after["attempts"] == 2
    assert audit_chain_verify().broken is None


def test_a_queued_run_whose_task_was_lost_is_queued_again_with_a_new_task(db, django_capture_on_commit_callbacks):
    lost = MatchRun.objects.create(prefecture_id="20", scope=["20"], scope_key="20/2027", fiscal_year=2027,
                                   status="queued", task_id="00000000-0000-0000-0000-000000000000")
    MatchRun.objects.filter(pk=lost.pk).update(created_at=timezone.now() - LONG_AGO)
    with django_capture_on_commit_callbacks(execute=True):
        assert runs_take_up_stale() == [lost.pk]
    lost.refresh_from_db()
    assert (lost.status, lost.attempts) == ("queued", 2)
    assert DBTaskResult.objects.filter(pk=lost.task_id, status="READY").exists()
    assert runs_take_up_stale() == []  # its new task waits for a worker: nothing stale about it


def test_the_attempts_are_bounded_and_the_last_fails_the_run_saying_why(db, settings,
                                                                        django_capture_on_commit_callbacks):
    settings.KENMU_RUN_MAX_ATTEMPTS = 3
    run = _silent_run()
    claims = 1
    while True:
        with django_capture_on_commit_callbacks(execute=True):
            runs_take_up_stale()
        run.refresh_from_db()
        if run.status != RunStatus.QUEUED:
            break
        assert _claim(run.pk) is not None  # a worker takes it up ...
        claims += 1
        _falls_silent(run)  # ... and dies too
    assert claims == 3 and run.attempts == 3
    assert run.status == "failed"
    assert "3回" in run.error and "データベースとの接続断" in run.error and "再実行" in run.error
    assert AuditLog.objects.filter(action=AuditAction.RUN_REQUEUE, object_id=str(run.pk)).count() == 2
    assert AuditLog.objects.filter(action=AuditAction.RUN_STALE, object_id=str(run.pk)).count() == 1
    assert audit_chain_verify().broken is None


def test_a_run_whose_cancel_was_asked_before_its_worker_died_is_not_retried(db, coordinator):
    run = _silent_run()
    run_cancel(actor=coordinator, run=run)
    assert runs_take_up_stale() == [run.pk]
    run.refresh_from_db()
    assert run.status == "failed" and run.attempts == 1 and "中止" in run.error


def test_a_new_run_for_the_scope_of_a_run_being_retried_answers_with_that_run(
        coordinator, django_capture_on_commit_callbacks):
    run = _silent_run()
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(coordinator).post("/api/v1/runs/", {"fiscal_year": 2027}, format="json")
    assert response.status_code == 200, response.json()  # not a 409: the scope's run is being taken up again
    assert response.json()["id"] == run.pk and response.json()["attempts"] == 2
    assert MatchRun.objects.count() == 1


def test_a_new_run_for_a_scope_whose_run_failed_after_its_last_attempt_starts_afresh(
        coordinator, settings, django_capture_on_commit_callbacks):
    run = _silent_run(attempts=settings.KENMU_RUN_MAX_ATTEMPTS)
    with django_capture_on_commit_callbacks(execute=False):
        fresh = run_enqueue(actor=coordinator, fiscal_year=2027)
    assert fresh.pk != run.pk and fresh.attempts == 1
    assert MatchRun.objects.get(pk=run.pk).status == "failed"


def test_an_attempt_taken_over_by_a_later_one_stops_and_stores_nothing(db, django_capture_on_commit_callbacks):
    run = MatchRun.objects.create(prefecture_id="20", scope=["20"], scope_key="20/2027", fiscal_year=2027)
    first = _claim(run.pk)
    _falls_silent(run)  # the first worker lost the database for longer than the stale limit
    with django_capture_on_commit_callbacks(execute=True):
        runs_take_up_stale()
    assert _claim(run.pk).attempts == 2
    assert _beat(run.pk, first.attempts, {}) is True  # the first worker, back, is told to stop ...
    with pytest.raises(_TakenOver):  # ... and cannot end the run the second attempt holds
        _finish(run.pk, attempt=first.attempts, status=RunStatus.SUCCEEDED, result={"assignments": []})
    run.refresh_from_db()
    assert (run.status, run.attempts) == ("running", 2)
    assert _beat(run.pk, 2, {}) is False


def test_the_run_page_answers_a_new_run_with_the_run_being_retried_and_says_so(
        client, coordinator, django_capture_on_commit_callbacks):
    run = _silent_run()
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post("/runs/new/", {"fiscal_year": "2027"}, follow=True)
    assert response.redirect_chain[-1][0] == f"/runs/{run.pk}/"
    page = response.content.decode()
    assert "自動で再試行しています（2回目）" in page
    assert MatchRun.objects.count() == 1


def test_a_run_whose_worker_lost_the_database_mid_solve_is_left_for_the_sweep_not_failed(db, monkeypatch):
    """A read or the heartbeat's write raised OperationalError and the execution recorded the run failed with it
    the moment the database answered again: a lost database ended the run for good instead of being ridden out."""
    from django.db import OperationalError

    from backend.placement import execution

    def database_gone(*args):
        raise OperationalError("server closed the connection unexpectedly")

    run = MatchRun.objects.create(prefecture_id="20", scope=["20"], scope_key="20/2027", fiscal_year=2027)
    monkeypatch.setattr(execution, "run_instance", database_gone)  # the database went away mid-run
    with pytest.raises(OperationalError):
        execution.run_execute(run_id=run.pk)
    run.refresh_from_db()
    assert (run.status, run.error) == ("running", "")  # the worker waits for the database; the sweep takes it up
