"""A run's and a proposal's status move only through their workflows (backend/runs/workflows.py), each move with
its audit row (issue 22, item 1). The worker's moves have no actor.

Found missing: the worker's start of a run wrote no audit row, and a later run superseded the proposals of
earlier runs of its scope with a bare `.update()`, so the audit log could not say why a proposal became
再実行で置換.
"""

import pytest

from backend.core.errors import ConflictError
from backend.core.models import AuditLog
from backend.placement.execution import run_execute
from backend.placement.services import run_enqueue
from backend.runs.models import MatchRun, Proposal
from backend.runs.params import RunParams
from backend.runs.services import run_cancel
from tests.backend.factories import ExpertFactory, MatchRunFactory, NeedFactory


def _solved(coordinator, capture) -> MatchRun:
    with capture(execute=False):
        run = run_enqueue(actor=coordinator, fiscal_year=2027, params=RunParams(time_limit_s=10))
    assert run_execute(run_id=run.pk) == "succeeded"
    return MatchRun.objects.get(pk=run.pk)


def _rows(run: MatchRun) -> list[tuple[str, str | None, str | None]]:
    return [(row.action, row.before and row.before.get("status"), row.after.get("status"))
            for row in AuditLog.objects.filter(object_type="MatchRun", object_id=str(run.pk)).order_by("id")]


def test_the_worker_audits_the_start_and_the_end_of_a_run_with_no_actor(coordinator, django_capture_on_commit_callbacks):
    NeedFactory()
    ExpertFactory()
    run = _solved(coordinator, django_capture_on_commit_callbacks)
    assert _rows(run) == [("run.enqueue", None, "queued"), ("run.start", "queued", "running"),
                          ("run.succeeded", "running", "succeeded")]
    worker_rows = AuditLog.objects.filter(object_id=str(run.pk), action__in=["run.start", "run.succeeded"])
    assert {row.actor_id for row in worker_rows} == {None}


def test_a_later_run_supersedes_the_earlier_proposals_in_one_audited_move(coordinator, django_capture_on_commit_callbacks):
    NeedFactory()
    NeedFactory()
    ExpertFactory(capacity_days=200, max_engagements=3)
    first = _solved(coordinator, django_capture_on_commit_callbacks)
    proposed = sorted(first.proposals.values_list("pk", flat=True))
    assert len(proposed) == 2
    second = _solved(coordinator, django_capture_on_commit_callbacks)
    assert set(Proposal.objects.filter(run=first).values_list("status", flat=True)) == {"superseded"}
    assert set(Proposal.objects.filter(run=second).values_list("status", flat=True)) == {"proposed"}
    (row,) = AuditLog.objects.filter(action="proposal.supersede")
    assert (row.object_type, row.object_id, row.actor_id) == ("MatchRun", str(second.pk), None)
    assert row.after["proposal_ids"] == proposed and row.after["status"] == "superseded"
    assert row.scope == ["20"]


def test_cancelling_a_finished_run_is_refused(coordinator):
    with pytest.raises(ConflictError):
        run_cancel(actor=coordinator, run=MatchRunFactory(status="succeeded"))
