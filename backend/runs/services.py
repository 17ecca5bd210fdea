"""Writes of the coordinator's match runs: cancel a run and sweep the stale ones, pin or forbid a pair, and consent
to a neighbour's joint runs.

Every service owns its transaction and writes its audit row. Queuing a run (new, retried, re-run, or for a
replacement) enqueues the worker's task and lives with the run's execution in the placement app's services, as
does the approval of a proposal; this module imports neither the engine nor any app above runs.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Callable

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone, translation
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
    e.g. the worker was killed or the database was lost between enqueue and claim. A run put back in the queue
    counts from then (its heartbeat), not from when it was first made."""
    waiting = DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    return (MatchRun.objects.filter(Q(heartbeat_at__lt=limit) | Q(heartbeat_at__isnull=True, created_at__lt=limit),
                                    status=RunStatus.QUEUED)
            .exclude(task_id__in=waiting.annotate(key=Cast("id", CharField())).values("key")))


def _given_up(run: MatchRun) -> str:
    """Why a stale run fails, in words (the run's page shows it): the last attempt, or a cancel nobody saw."""
    with translation.override(settings.LANGUAGE_CODE):
        if run.cancel_requested:
            return str(_("中止を依頼した後、実行していたワーカーが応答しなくなったため、中止しました。"))
        return str(interpolate(
            _("実行を%(attempts)s回試みましたが、ワーカーの停止またはデータベースとの接続断のため、最後まで実行"
              "できませんでした。時間をおいて再実行してください。続く場合はシステム管理者に連絡してください。"),
            attempts=run.attempts))


def runs_reap_stale(*, now: dt.datetime | None = None, requeue: Callable[[int], None] | None = None) -> list[int]:
    """Take up the runs nothing will finish: running runs whose worker stopped beating (it died or lost the
    database), and queued runs whose task is gone. Each goes back to the queue by itself (`run.requeue`, one
    more attempt counted on the run, and `requeue(run_id)` after the commit enqueues its task again) until
    KENMU_RUN_MAX_ATTEMPTS; after the last attempt, or when its cancel was asked, or with no `requeue` to call,
    it fails with the reason in words (`run.stale`). Either way its scope is never held for ever. Returns the
    ids of the runs taken up.

    The system's own sweep (the worker's, and the placement app's `run_enqueue`, which pass the task's
    enqueue as `requeue`), audited with no actor."""
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=settings.KENMU_RUN_STALE_AFTER_S)
    reaped = []
    with transaction.atomic():
        stale = MatchRun.objects.select_for_update(skip_locked=True).filter(
            Q(status=RunStatus.RUNNING, heartbeat_at__lt=limit) | Q(pk__in=_orphaned_queued(limit).values("pk")))
        for run in stale:
            before = run_snapshot(run)
            if requeue is not None and not run.cancel_requested and run.attempts < settings.KENMU_RUN_MAX_ATTEMPTS:
                again = {"attempts": run.attempts + 1, "task_id": "", "started_at": None, "heartbeat_at": now,
                         "progress": {}}
                RUN_WORKFLOW.move(run, AuditAction.RUN_REQUEUE, actor=None, prefecture=run.prefecture,
                                  also_visible_to=run.scope, before=before,
                                  after={**before, "attempts": again["attempts"],
                                         "because": "no heartbeat" if before["status"] == RunStatus.RUNNING
                                         else "task lost"}, changes=again)
                transaction.on_commit(lambda run_id=run.pk: requeue(run_id))
            else:
                error = _given_up(run)
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
