"""The ways a run can end other than with proposals, through the worker's task body: each is stored with its
status, writes no proposals, and leaves an audit row the run's prefectures can read."""

import pytest

from backend.core.models import AuditLog
from backend.notifications.models import Notification
from backend.placement import execution
from backend.placement.execution import run_execute
from backend.placement.services import run_enqueue
from backend.runs.models import DecisionKind, MatchRun, RunStatus
from backend.runs.params import RunParams
from backend.runs.services import decision_set, run_cancel
from tests.backend.factories import ExpertFactory, NeedFactory


@pytest.fixture
def queued(coordinator, django_capture_on_commit_callbacks):
    def enqueue() -> MatchRun:
        with django_capture_on_commit_callbacks(execute=False):
            return run_enqueue(actor=coordinator, fiscal_year=2027, params=RunParams(time_limit_s=10))
    return enqueue


def _audit(run: MatchRun, action: str) -> AuditLog:
    return AuditLog.objects.get(action=action, object_id=str(run.pk))


def test_a_pin_that_breaks_a_hard_rule_stores_an_infeasible_run_and_tells_its_starter(coordinator, queued):
    need = NeedFactory(budget=2_400_000)
    too_dear = ExpertFactory(daily_rate=100_000)  # 48 days cost 4,800,000 yen: over the budget (rule 6)
    decision_set(actor=coordinator, need=need, expert=too_dear, kind=DecisionKind.PIN)
    run = queued()

    assert run_execute(run_id=run.pk) == "infeasible"

    run.refresh_from_db()
    assert run.status == RunStatus.INFEASIBLE and run.result["status"] == "infeasible"
    assert run.finished_at is not None and not run.proposals.exists()
    row = _audit(run, "run.infeasible")
    assert row.actor is None and (row.before["status"], row.after["status"]) == ("running", "infeasible")
    assert Notification.objects.filter(recipient=coordinator, kind="run_finished").exists()


def test_a_run_cancelled_while_it_solves_is_stored_as_cancelled_without_proposals(coordinator, queued, monkeypatch):
    NeedFactory()
    ExpertFactory()
    run = queued()
    solve = execution.solve_with_heartbeat

    def cancelled_meanwhile(*args, **kwargs):
        run_cancel(actor=coordinator, run=run)  # the coordinator presses 中止 while the solver runs
        return solve(*args, **kwargs)

    monkeypatch.setattr(execution, "solve_with_heartbeat", cancelled_meanwhile)

    assert run_execute(run_id=run.pk) == "cancelled"

    run.refresh_from_db()
    assert run.status == RunStatus.CANCELLED and run.cancel_requested and not run.proposals.exists()
    assert run.result["assignments"], "the solver found an answer; it is kept for reading but not proposed"
    assert _audit(run, "run.cancel").actor == coordinator
    assert _audit(run, "run.cancelled").after["status"] == "cancelled"
    assert not Notification.objects.filter(recipient=coordinator).exists()  # their own doing: nobody is told


def test_a_solver_error_stores_a_failed_run_with_its_message_and_tells_its_starter(coordinator, queued, monkeypatch):
    NeedFactory()
    run = queued()

    def broken(*args, **kwargs):
        raise RuntimeError("the solver crashed")

    monkeypatch.setattr(execution, "solve_with_heartbeat", broken)

    assert run_execute(run_id=run.pk) == "failed"

    run.refresh_from_db()
    assert run.status == RunStatus.FAILED and run.error == "RuntimeError: the solver crashed"
    assert run.result is None and not run.proposals.exists()
    assert _audit(run, "run.failed").after["error"] == "RuntimeError: the solver crashed"
    assert Notification.objects.filter(recipient=coordinator, kind="run_failed").exists()
