"""The allowed moves of a run's and a proposal's status, each with the audit action that records it (issue 22).

A run moves only through `backend.runs.services` (cancel, the stale sweep), the placement app's services
(enqueue) and its execution by the worker (start and finish); a proposal only by approval (the placement app's
services) or by a later run of its scope superseding it (one audit row on that run naming every proposal it superseded).
"""

from backend.core.audit import AuditAction
from backend.core.transitions import Move, Workflow, register
from backend.runs.models import MatchRun, ProposalStatus, RunStatus

_LIVE = {RunStatus.QUEUED, RunStatus.RUNNING}

RUN_WORKFLOW = register(Workflow(
    "runs.MatchRun",
    Move(AuditAction.RUN_START, {RunStatus.QUEUED}, RunStatus.RUNNING),
    Move(AuditAction.RUN_SUCCEEDED, {RunStatus.RUNNING}, RunStatus.SUCCEEDED),
    Move(AuditAction.RUN_INFEASIBLE, {RunStatus.RUNNING}, RunStatus.INFEASIBLE),
    Move(AuditAction.RUN_FAILED, {RunStatus.RUNNING}, RunStatus.FAILED),
    # The worker saw the cancel request when the solve returned.
    Move(AuditAction.RUN_CANCELLED, {RunStatus.RUNNING}, RunStatus.CANCELLED),
    # A coordinator cancels a queued run at once (a running one is asked to stop and ends as RUN_CANCELLED).
    Move(AuditAction.RUN_CANCEL, {RunStatus.QUEUED}, RunStatus.CANCELLED),
    # The stale sweep gives a run whose worker died or lost the database to a worker again (bounded attempts);
    # after the last attempt it fails (RUN_STALE).
    Move(AuditAction.RUN_REQUEUE, _LIVE, RunStatus.QUEUED),
    Move(AuditAction.RUN_STALE, _LIVE, RunStatus.FAILED),
    labels=dict(RunStatus.choices),
))

PROPOSAL_WORKFLOW = register(Workflow(
    "runs.Proposal",
    Move(AuditAction.PROPOSAL_APPROVE, {ProposalStatus.PROPOSED}, ProposalStatus.APPROVED),
    Move(AuditAction.PROPOSAL_SUPERSEDE, {ProposalStatus.PROPOSED}, ProposalStatus.SUPERSEDED),
    labels=dict(ProposalStatus.choices),
))


def run_snapshot(run: MatchRun) -> dict:
    """What each audit row of a run states on both sides (the services' rows and the worker's)."""
    return {"status": run.status, "scope": run.scope, "fiscal_year": run.fiscal_year, "params": run.params,
            "error": run.error or None, "attempts": run.attempts}
