"""Writes of the coordinator's match runs: cancel a run and sweep the stale ones, pin or forbid a pair, and consent
to a neighbour's joint runs.

Every service owns its transaction and writes its audit row. Queuing a run (new, retried, re-run, or for a
replacement) enqueues the worker's task and lives with the run's execution in the placement app's services, as
does the approval of a proposal; this module imports neither the engine nor any app above runs.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from backend.accounts.models import User
from backend.accounts.permissions import coordinates, is_admin, is_coordinator
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import ConflictError, DomainError, ForbiddenError, interpolate
from backend.experts.models import Expert
from backend.experts.selectors import expert_list
from backend.geo.models import Prefecture
from backend.needs.models import Need
from backend.runs.errors import ErrorCode
from backend.runs.models import (
    LIVE_RUN_STATUSES,
    MatchRun,
    PairDecision,
    RunStatus,
    ScopeConsent,
)
from backend.runs.workflows import RUN_WORKFLOW, run_snapshot

logger = logging.getLogger(__name__)


# -- runs ------------------------------------------------------------------------------------------

def _orphaned_queued(limit: dt.datetime):
    """Queued runs no worker will ever claim: their task ended (or was never stored) without claiming them,
    e.g. the worker was killed or the database was lost between enqueue and claim."""
    waiting = DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    return (MatchRun.objects.filter(status=RunStatus.QUEUED, created_at__lt=limit)
            .exclude(task_id__in=waiting.annotate(key=Cast("id", CharField())).values("key")))


def runs_reap_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Fail the runs nothing will finish (retryable): running runs whose worker stopped beating, and queued
    runs whose task is gone. Both would otherwise block their scope for ever. Returns their ids.

    The system's own sweep (the worker's and the placement app's `run_enqueue`), audited with no actor."""
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=settings.KENMU_RUN_STALE_AFTER_S)
    reaped = []
    with transaction.atomic():
        stale = MatchRun.objects.select_for_update(skip_locked=True).filter(
            Q(status=RunStatus.RUNNING, heartbeat_at__lt=limit) | Q(pk__in=_orphaned_queued(limit).values("pk")))
        for run in stale:
            before = run_snapshot(run)
            error = ("worker stopped responding (no heartbeat); retry the run" if run.status == RunStatus.RUNNING
                     else "the task of this run was lost before a worker claimed it; retry the run")
            RUN_WORKFLOW.move(run, AuditAction.RUN_STALE, actor=None, prefecture=run.prefecture, before=before,
                              after={**before, "error": error}, changes={"error": error, "finished_at": now})
            reaped.append(run.pk)
    return reaped


def run_check_control(*, actor: User, run: MatchRun) -> None:
    """Only the prefecture that started a run cancels, retries or re-runs it; its partners read their part. Refuses
    anyone else with a ForbiddenError (403). Called first by `run_cancel` here and by the placement app's
    `run_retry` and `run_rerun`."""
    if not coordinates(actor, run.prefecture_id):
        raise ForbiddenError.single("run", ErrorCode.NOT_YOUR_RUN, _("この実行を操作できるのは、実行した都道府県のみです。"))


def run_cancel(*, actor: User, run: MatchRun) -> MatchRun:
    """A queued run is cancelled at once; a running one is asked to stop, and the worker ends it as cancelled
    when the solve returns (`run.cancelled`)."""
    run_check_control(actor=actor, run=run)
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run.pk)
        if run.status not in LIVE_RUN_STATUSES:
            raise ConflictError.single("status", ErrorCode.NOT_ACTIVE, _("終了した実行は中止できません。"))
        before = run_snapshot(run)
        if run.status == RunStatus.QUEUED:
            RUN_WORKFLOW.move(run, AuditAction.RUN_CANCEL, actor=actor, prefecture=run.prefecture, before=before,
                              after=before, changes={"cancel_requested": True, "finished_at": timezone.now()})
        else:  # the status stays running until the worker sees the request
            run.cancel_requested = True
            run.save(update_fields=["cancel_requested"])
            audit_record(actor=actor, action=AuditAction.RUN_CANCEL, obj=run, prefecture=run.prefecture,
                         before=before, after=run_snapshot(run))
    return run


# -- decisions --------------------------------------------------------------------------------------

def decision_set(*, actor: User, need: Need, expert: Expert, kind: str | None) -> PairDecision | None:
    """Pin or forbid (expert, need) for later runs; kind None clears the decision. Only a coordinator of the
    need's prefecture decides for it."""
    if not coordinates(actor, need.municipality.prefecture_id):
        raise ForbiddenError.single("need", ErrorCode.NOT_YOURS, _("このニーズの固定・除外を指定する権限がありません。"))
    if not expert_list(user=actor).filter(pk=expert.pk).exists():
        raise DomainError.single("expert", ErrorCode.DOES_NOT_EXIST, _("指定した専門人材は見つかりません。"))
    with transaction.atomic():
        existing = PairDecision.objects.filter(need=need, expert=expert).first()
        before = {"kind": existing.kind, "declined_by": existing.declined_by or None} if existing else None
        if kind is None:
            if existing:
                existing.delete()
            decision = None
        else:
            # The coordinator's own decision; it replaces a remembered decline only when set on purpose.
            decision, _created = PairDecision.objects.update_or_create(
                need=need, expert=expert,
                defaults={"kind": kind, "created_by": actor, "declined_by": "", "reason": ""})
        audit_record(actor=actor, action=AuditAction.DECISION_SET, obj=need, prefecture=need.municipality.prefecture,
                     before=before, after={"expert": expert.pk, "kind": kind})
    return decision


# -- consent to joint runs ----------------------------------------------------------------------------------

def _consent_snapshot(consent: ScopeConsent) -> dict:
    return {"grantor": consent.grantor_id, "grantee": consent.grantee_id, "fiscal_year": consent.fiscal_year,
            "note": consent.note, "revoked_at": consent.revoked_at}


def scope_consent_grant(*, actor: User, grantee: Prefecture, fiscal_year: int, note: str = "") -> ScopeConsent:
    """The coordinator's prefecture consents that `grantee` includes it in joint runs of that fiscal year (an
    administrator has no prefecture to consent for)."""
    if is_admin(actor) or not is_coordinator(actor):
        raise ForbiddenError.single("grantor", ErrorCode.NOT_A_COORDINATOR, _("同意できるのは都道府県のコーディネーターのみです。"))
    if grantee.pk == actor.prefecture_id:
        raise DomainError.single("grantee", ErrorCode.OWN_PREFECTURE, _("自分の都道府県には同意できません。"))
    try:
        with transaction.atomic():
            consent = ScopeConsent.objects.create(grantor_id=actor.prefecture_id, grantee=grantee,
                                                  fiscal_year=fiscal_year, note=note, granted_by=actor)
            audit_record(actor=actor, action=AuditAction.SCOPE_CONSENT_GRANT, obj=consent, prefecture=consent.grantor_id,
                         also_visible_to=[grantee], after=_consent_snapshot(consent))
    except IntegrityError:
        raise ConflictError.single("grantee", ErrorCode.ALREADY_GRANTED, interpolate(_("%(prefecture)sへの同意は既に有効です。"),
                                                                                       prefecture=grantee.name)) from None
    return consent


def scope_consent_revoke(*, actor: User, consent: ScopeConsent) -> ScopeConsent:
    """Only the consenting prefecture revokes; runs already made stay, later runs need a new consent."""
    if not coordinates(actor, consent.grantor_id):
        raise ForbiddenError.single("consent", ErrorCode.NOT_YOURS, _("同意を撤回できるのは、同意した都道府県のみです。"))
    with transaction.atomic():
        consent = ScopeConsent.objects.select_for_update().get(pk=consent.pk)
        if consent.revoked_at is not None:
            raise ConflictError.single("consent", ErrorCode.ALREADY_REVOKED, _("この同意は既に撤回されています。"))
        before = _consent_snapshot(consent)
        consent.revoked_at, consent.revoked_by = timezone.now(), actor
        consent.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(actor=actor, action=AuditAction.SCOPE_CONSENT_REVOKE, obj=consent, prefecture=consent.grantor_id,
                     also_visible_to=[consent.grantee_id], before=before, after=_consent_snapshot(consent))
    return consent
