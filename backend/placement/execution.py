"""The worker's side of a match run: claim it, build its instance, solve with a heartbeat, store the result, its
proposals and its report (backend/runs/report.py: what the run page shows, computed here so no page view asks
the engine).

Run by the database-backed task worker (backend/placement/tasks.py); never by a request. Services queue runs and
never import this module, so services and tasks no longer import each other. Every status this module writes
goes through RUN_WORKFLOW / PROPOSAL_WORKFLOW with no actor (the system moved it).
"""

import logging
import time

from django.conf import settings
from django.db import InterfaceError, OperationalError, transaction
from django.urls import reverse
from django.utils import timezone

from backend.accounts.models import User
from backend.core.audit import AuditAction
from backend.experts.selectors import expert_list
from backend.needs.selectors import need_list
from backend.notifications.models import NotificationKind
from backend.notifications.services import notify
from backend.placement.engine import solve_with_heartbeat
from backend.placement.instance import run_instance
from backend.placement.outweighed import blocking_pairs_weighed
from backend.runs.models import MatchRun, Proposal, RunStatus
from backend.runs.params import RunParams
from backend.runs.parts import run_summary_document
from backend.runs.refs import parse_ref
from backend.runs.report import conflicting_pins_named, report_build
from backend.runs.workflows import PROPOSAL_WORKFLOW, RUN_WORKFLOW, run_snapshot

logger = logging.getLogger(__name__)

# What a lost or restarting database raises (the worker waits it out: backend/worker/worker.py).
DATABASE_LOST = (OperationalError, InterfaceError)

# How the worker's end of a run is recorded, by the status it ends in.
_ENDING = {RunStatus.SUCCEEDED: AuditAction.RUN_SUCCEEDED, RunStatus.INFEASIBLE: AuditAction.RUN_INFEASIBLE,
           RunStatus.FAILED: AuditAction.RUN_FAILED, RunStatus.CANCELLED: AuditAction.RUN_CANCELLED}


def _claim(run_id: int) -> MatchRun | None:
    with transaction.atomic():
        run = MatchRun.objects.select_for_update(of=("self",)).select_related(
            "replacement__engagement__need").get(pk=run_id)
        if run.status != RunStatus.QUEUED or run.cancel_requested:
            return None
        now = timezone.now()
        before = run_snapshot(run)
        RUN_WORKFLOW.move(run, AuditAction.RUN_START, actor=None, prefecture=run.prefecture,
                          also_visible_to=run.scope, before=before, after=before,
                          changes={"started_at": now, "heartbeat_at": now})
        return run


class _TakenOver(Exception):
    """This worker's attempt is no longer the run's: the stale sweep gave the run to another attempt while this
    one was silent (the database was away, or the worker stalled). Its result is not stored."""


def _beat(run_id: int, attempt: int, progress: dict) -> bool:
    """Store progress and the heartbeat; True when the solve should stop: a cancel was requested, or the run was
    taken up by another attempt meanwhile."""
    beating = MatchRun.objects.filter(pk=run_id, attempts=attempt, status=RunStatus.RUNNING).update(
        progress=progress, heartbeat_at=timezone.now())
    return not beating or MatchRun.objects.filter(pk=run_id, cancel_requested=True).exists()


def run_execute(*, run_id: int) -> str:
    """The task body: build the instance, solve with a heartbeat, store the result, proposals and report atomically.

    Each stage's wall time is kept in run.timings for operators and the benchmark.
    """
    run = _claim(run_id)
    if run is None:
        return "skipped"
    try:
        return _execute(run)
    except _TakenOver:
        logger.warning("run %s: attempt %s was taken over by a later attempt; its result is dropped",
                       run.pk, run.attempts)
        return "taken over"


def _execute(run: MatchRun) -> str:
    timings: dict[str, float] = {}
    params = RunParams.from_stored(run.params)
    attempt = run.attempts
    try:
        with _stage(timings, "instance_s"):
            instance = run_instance(run)
            MatchRun.objects.filter(pk=run.pk).update(instance=instance)
        with _stage(timings, "solve_s"):
            result = solve_with_heartbeat(
                instance, time_limit_s=params.time_limit_s, seed=params.seed, workers=params.workers,
                stages=None if params.engine_stages() is None else list(params.engine_stages()),
                beat=lambda progress: _beat(run.pk, attempt, progress), interval_s=settings.KENMU_RUN_HEARTBEAT_S,
            )
    except DATABASE_LOST:
        # Not the run's failure: the worker lost the database. The run stays running, its heartbeat ages, and
        # the stale sweep gives it to a worker again (backend.runs.services.runs_reap_stale).
        logger.warning("run %s: the database went away mid-run; it will be taken up again", run.pk)
        raise
    except Exception as exc:  # a solver error becomes a failed run with its message, never a partial one
        logger.exception("run %s failed", run.pk)
        _finish(run.pk, attempt=attempt, status=RunStatus.FAILED, error=f"{type(exc).__name__}: {exc}", timings=timings)
        return "failed"
    return _store_result(run.pk, attempt, instance, result, timings, params)


class _stage:
    def __init__(self, timings: dict, name: str):
        self.timings, self.name = timings, name

    def __enter__(self):
        self.started = time.perf_counter()

    def __exit__(self, *exc):
        self.timings[self.name] = round(time.perf_counter() - self.started, 3)


def _finish(run_id: int, *, status: str, error: str = "", result: dict | None = None,
            timings: dict | None = None, report: dict | None = None, attempt: int | None = None) -> None:
    """End the run; with `attempt`, only while that attempt is still the run's (else _TakenOver)."""
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run_id)
        if attempt is not None and (run.attempts != attempt or run.status != RunStatus.RUNNING):
            raise _TakenOver(run_id)
        before = run_snapshot(run)
        changes = {"error": error, "result": result, "finished_at": timezone.now(), "timings": timings or {},
                   "summary": run_summary_document(run.instance, result), "report": report}
        if result is not None:
            objective = result.get("objective", {})
            changes["progress"] = {**run.progress, "best_primary": objective.get("primary"),
                                   "bound": objective.get("primary_bound")}
        action = _ENDING[status]
        RUN_WORKFLOW.move(run, action, actor=None, prefecture=run.prefecture, also_visible_to=run.scope,
                          before=before, after={**before, "error": error or None}, changes=changes)
        _tell_starter(run)


# A cancelled run is the coordinator's own doing: nobody is told of it.
_KIND_BY_STATUS = {RunStatus.SUCCEEDED: NotificationKind.RUN_FINISHED, RunStatus.INFEASIBLE: NotificationKind.RUN_FINISHED,
                   RunStatus.FAILED: NotificationKind.RUN_FAILED}


def _tell_starter(run: MatchRun) -> None:
    kind = _KIND_BY_STATUS.get(run.status)
    if kind is None or run.started_by_id is None:
        return
    params = {"run": run.pk, "fy": run.fiscal_year, "started": run.created_at.isoformat(),
              "proposals": len((run.result or {}).get("assignments", []))}
    if run.status == RunStatus.INFEASIBLE:
        # Said as such, with the pins at fault by the names the starter may see (not "E61 → N59: rule 7").
        starter = User.objects.get(pk=run.started_by_id)
        params |= {"infeasible": True, "pins": conflicting_pins_named(
            run.result, experts=expert_list(user=starter), needs=need_list(user=starter))}
    notify(recipients=User.objects.filter(pk=run.started_by_id), kind=kind, link=reverse("frontend:run", args=[run.pk]),
           params=params)


def _flags_by_assignment(result: dict, municipality_of: dict[str, str]) -> dict[str, list[dict]]:
    """The flags of each assignment, by need id. A flag about one assignment (form_notice) names its need and
    goes to that proposal only; a flag about the expert serving the municipality (bid restriction, pledge …)
    goes to each of the expert's proposals there."""
    by_pair: dict[tuple[str, str], list[dict]] = {}
    by_need: dict[str, list[dict]] = {}
    for flag in result.get("flags", []):
        if flag.get("need"):
            by_need.setdefault(flag["need"], []).append(flag)
        else:
            by_pair.setdefault((flag["expert"], flag["municipality"]), []).append(flag)
    return {a["need"]: by_pair.get((a["expert"], municipality_of[a["need"]]), []) + by_need.get(a["need"], [])
            for a in result["assignments"]}


def _store_result(run_id: int, attempt: int, instance: dict, result: dict, timings: dict, params: RunParams) -> str:
    if MatchRun.objects.filter(pk=run_id, cancel_requested=True).exists():
        _finish(run_id, attempt=attempt, status=RunStatus.CANCELLED, result=result, timings=timings)
        return "cancelled"
    if result.get("status") == "infeasible":
        _finish(run_id, attempt=attempt, status=RunStatus.INFEASIBLE, result=result, timings=timings)
        return "infeasible"
    municipality_of = {n["id"]: n["municipality"] for n in instance["needs"]}
    flags = _flags_by_assignment(result, municipality_of)
    run = MatchRun.objects.select_related("prefecture").get(pk=run_id)
    with _stage(timings, "report_s"):
        stages = params.engine_stages()
        weighed = blocking_pairs_weighed(instance, result, stages=None if stages is None else list(stages),
                                         seed=params.seed, workers=params.workers)
        report = report_build(run=run, instance=instance, result=result, weighed=weighed)
    started = time.perf_counter()
    with transaction.atomic():
        # A newer run's proposals replace what earlier runs of the same scope proposed: one audit row on this run.
        PROPOSAL_WORKFLOW.move_all(
            Proposal.objects.filter(run__scope_key=run.scope_key, run__created_at__lt=run.created_at),
            AuditAction.PROPOSAL_SUPERSEDE, actor=None, on=run, prefecture=run.prefecture, also_visible_to=run.scope)
        Proposal.objects.bulk_create([
            Proposal(run_id=run_id, need_id=parse_ref(a["need"]), expert_id=parse_ref(a["expert"]),
                     weekdays=a["weekdays"], days_per_year=a["days_per_year"], fee=a["fee"],
                     travel_cost=a.get("travel_cost", 0), employment_form=a.get("employment_form", ""),
                     flags=flags[a["need"]])
            for a in result["assignments"]
        ])
        timings["store_s"] = round(time.perf_counter() - started, 3)
        _finish(run_id, attempt=attempt, status=RunStatus.SUCCEEDED, result=result, timings=timings, report=report)
    return "succeeded"
