"""Writes of the coordinator's job: run a match, review it, approve it, and look after engagements.

Every service owns its transaction and writes its audit row. Approval locks the expert row, so two
coordinators approving at the same moment are serialised and the second sees the first's
engagement when it re-checks capacity, weekdays and the number of engagements.
"""

import datetime as dt
import logging

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import CharField, Q
from django.db.models.functions import Cast
from django.utils import timezone
from django_tasks.base import TaskResultStatus
from django_tasks_db.models import DBTaskResult

from backend.accounts.models import UserRole
from backend.accounts.scoping import is_admin
from backend.core.audit import audit_record
from backend.core.errors import ConflictError, DomainError, ForbiddenError
from backend.core.fiscal import fiscal_year_end, fiscal_year_label, fiscal_year_start, months_served, prorate
from backend.experts.models import Expert
from backend.experts.selectors import expert_list
from backend.geo.models import Prefecture
from backend.needs.models import Need, NeedStatus
from backend.needs.selectors import need_list
from backend.restrictions.services import restrictions_record_for_engagement, restrictions_sync_engagement_end
from backend.runs.instance import DEFAULT_TIME_LIMIT_S, successor_terms
from backend.runs.models import (
    ACTIVE_RUN_STATUSES,
    HOLDING_STATUSES,
    CoiOverride,
    DecisionKind,
    Engagement,
    EngagementStatus,
    MatchRun,
    PairDecision,
    Proposal,
    ProposalStatus,
    ReplacementRequest,
    ReplacementStatus,
    RunKind,
    RunStatus,
    ScopeConsent,
)
from backend.runs.pledge import PLEDGE_VERSION
from backend.runs.rules import Placement, common_employment_form, incumbent_conflicts, placement_problems
from backend.runs.tasks import execute_run
from matching.formulation import LATER_OBJECTIVES

logger = logging.getLogger(__name__)


def _scope_key(scope: list[str], fiscal_year: int, replacement_id: int | None) -> str:
    key = f"{'+'.join(sorted(scope))}/{fiscal_year}"
    return f"{key}/replacement-{replacement_id}" if replacement_id else key


def _run_snapshot(run: MatchRun) -> dict:
    return {"status": run.status, "scope": run.scope, "fiscal_year": run.fiscal_year, "params": run.params,
            "error": run.error or None}


def _clean_params(params: dict | None) -> dict:
    params = dict(params or {})
    return {
        "time_limit_s": min(600, max(1, int(params.get("time_limit_s", DEFAULT_TIME_LIMIT_S)))),
        "seed": int(params.get("seed", 0)),
        "workers": min(8, max(1, int(params.get("workers", 2)))),
        # The criteria after the primary to apply (None: all), always in the engine's fixed order.
        "objectives": (None if params.get("objectives") is None
                       else [n for n in LATER_OBJECTIVES if n in set(params["objectives"])]),
    }


# -- runs ------------------------------------------------------------------------------------------

def _orphaned_queued(limit: dt.datetime):
    """Queued runs no worker will ever claim: their task ended (or was never stored) without claiming them,
    e.g. the worker was killed or the database was lost between enqueue and claim."""
    waiting = DBTaskResult.objects.filter(status__in=[TaskResultStatus.READY, TaskResultStatus.RUNNING])
    return (MatchRun.objects.filter(status=RunStatus.QUEUED, created_at__lt=limit)
            .exclude(task_id__in=waiting.annotate(key=Cast("id", CharField())).values("key")))


def runs_reap_stale(*, now: dt.datetime | None = None) -> list[int]:
    """Fail the runs nothing will finish (retryable): running runs whose worker stopped beating, and queued
    runs whose task is gone. Both would otherwise block their scope for ever. Returns their ids."""
    now = now or timezone.now()
    limit = now - dt.timedelta(seconds=settings.KENMU_RUN_STALE_AFTER_S)
    reaped = []
    with transaction.atomic():
        stale = MatchRun.objects.select_for_update(skip_locked=True).filter(
            Q(status=RunStatus.RUNNING, heartbeat_at__lt=limit) | Q(pk__in=_orphaned_queued(limit).values("pk")))
        for run in stale:
            before = _run_snapshot(run)
            run.error = ("worker stopped responding (no heartbeat); retry the run" if run.status == RunStatus.RUNNING
                         else "the task of this run was lost before a worker claimed it; retry the run")
            run.status = RunStatus.FAILED
            run.finished_at = now
            run.save(update_fields=["status", "error", "finished_at"])
            audit_record(actor=None, action="run.stale", obj=run, prefecture=run.prefecture, before=before,
                         after=_run_snapshot(run))
            reaped.append(run.pk)
    return reaped


def _check_scope(*, user, scope: list[str], fiscal_year: int) -> None:
    """A coordinator's run covers their own prefecture, plus neighbours that consented for that year."""
    if not scope:
        raise DomainError.single("scope", "required", "対象の都道府県を指定してください。", "scope is required.")
    names = dict(Prefecture.objects.filter(code__in=scope).values_list("code", "name"))
    unknown = sorted(set(scope) - set(names))
    if unknown:
        raise DomainError.single("scope", "unknown", f"不明な都道府県コード: {', '.join(unknown)}",
                                 f"Unknown prefecture codes: {', '.join(unknown)}")
    if is_admin(user):
        return
    home = user.prefecture_id
    if home not in scope:
        raise DomainError.single("scope", "not_your_prefecture", "対象には担当の都道府県を含めてください。",
                                 "The scope must include the coordinator's own prefecture.")
    consented = set(ScopeConsent.objects.in_force().filter(
        grantee_id=home, fiscal_year=fiscal_year, grantor_id__in=scope).values_list("grantor_id", flat=True))
    missing = sorted(set(scope) - {home} - consented)
    if missing:
        listed = "、".join(names[code] for code in missing)
        raise ForbiddenError.single(
            "scope", "no_consent",
            f"{listed}の同意がないため、合同で実行できません。{fiscal_year_label(fiscal_year)}の同意を"
            f"{listed}のコーディネーターに依頼してください。",
            f"No consent of {', '.join(missing)} for a joint run in fiscal year {fiscal_year}; "
            "ask their coordinators to grant it.")


def run_enqueue(*, user, fiscal_year: int, scope: list[str] | None = None, params: dict | None = None,
                replacement: ReplacementRequest | None = None, retry_of: MatchRun | None = None) -> MatchRun:
    """Queue a run for the coordinator's prefecture, plus neighbours that consented to a joint run."""
    home = user.prefecture_id if user.role == UserRole.COORDINATOR else None
    scope = sorted(set(scope or ([home] if home else [])))
    _check_scope(user=user, scope=scope, fiscal_year=fiscal_year)
    runs_reap_stale()
    run = MatchRun(prefecture_id=home or scope[0], scope=scope, fiscal_year=fiscal_year,
                   scope_key=_scope_key(scope, fiscal_year, replacement.pk if replacement else None),
                   kind=RunKind.REPLACEMENT if replacement else RunKind.FULL, replacement=replacement,
                   params=_clean_params(params), started_by=user if user.pk else None, retry_of=retry_of)
    try:
        with transaction.atomic():
            run.save()
            audit_record(actor=user, action="run.enqueue", obj=run, prefecture=run.prefecture,
                         also_visible_to=run.scope, after=_run_snapshot(run))
            transaction.on_commit(lambda: _enqueue_task(run.pk))
    except IntegrityError:
        raise ConflictError.single(
            "scope", "run_in_progress",
            "この対象と年度のマッチングは既に実行中です。終わるのを待つか、中止してから実行してください。",
            "A match for this scope and fiscal year is already queued or running; wait for it or cancel it.",
        ) from None
    return run


def _enqueue_task(run_id: int) -> None:
    result = execute_run.enqueue(run_id)
    MatchRun.objects.filter(pk=run_id).update(task_id=str(result.id))


def _check_run_control(*, user, run: MatchRun) -> None:
    """Only the prefecture that started a run cancels or retries it; its partners read their part."""
    if not (is_admin(user) or (user.role == UserRole.COORDINATOR and user.prefecture_id == run.prefecture_id)):
        raise ForbiddenError.single("run", "not_your_run", "この実行を操作できるのは、実行した都道府県のみです。",
                                    "Only the prefecture that started this run can cancel or retry it.")


def run_cancel(*, user, run: MatchRun) -> MatchRun:
    _check_run_control(user=user, run=run)
    with transaction.atomic():
        run = MatchRun.objects.select_for_update().get(pk=run.pk)
        if run.status not in ACTIVE_RUN_STATUSES:
            raise ConflictError.single("status", "not_active", "終了した実行は中止できません。",
                                       "Only a queued or running run can be cancelled.")
        before = _run_snapshot(run)
        run.cancel_requested = True
        if run.status == RunStatus.QUEUED:
            run.status = RunStatus.CANCELLED
            run.finished_at = timezone.now()
        run.save(update_fields=["cancel_requested", "status", "finished_at"])
        audit_record(actor=user, action="run.cancel", obj=run, prefecture=run.prefecture, before=before,
                     after=_run_snapshot(run))
    return run


def run_retry(*, user, run: MatchRun) -> MatchRun:
    _check_run_control(user=user, run=run)
    if run.status not in (RunStatus.FAILED, RunStatus.CANCELLED):
        raise ConflictError.single("status", "not_retryable", "失敗または中止した実行のみ再実行できます。",
                                   "Only a failed or cancelled run can be retried.")
    return run_enqueue(user=user, fiscal_year=run.fiscal_year, scope=run.scope, params=run.params,
                       replacement=run.replacement, retry_of=run)


def run_rerun(*, user, run: MatchRun) -> MatchRun:
    """The same match again with today's needs, experts and decisions, and the run's own criteria: a re-run
    never silently drops the criteria the coordinator chose (it used to run with none)."""
    _check_run_control(user=user, run=run)
    if run.status in ACTIVE_RUN_STATUSES:
        raise ConflictError.single("status", "still_active", "実行中のマッチングは再実行できません。",
                                   "A queued or running match cannot be re-run.")
    return run_enqueue(user=user, fiscal_year=run.fiscal_year, scope=run.scope, params=run.params,
                       replacement=run.replacement)


# -- decisions --------------------------------------------------------------------------------------

def decision_set(*, user, need: Need, expert: Expert, kind: str | None) -> PairDecision | None:
    """Pin or forbid (expert, need) for later runs; kind None clears the decision."""
    if not need_list(user=user).filter(pk=need.pk).exists():
        raise DomainError.single("need", "does_not_exist", "指定したニーズは見つかりません。", "No such need.")
    if not expert_list(user=user).filter(pk=expert.pk).exists():
        raise DomainError.single("expert", "does_not_exist", "指定した専門人材は見つかりません。", "No such expert.")
    with transaction.atomic():
        existing = PairDecision.objects.filter(need=need, expert=expert).first()
        before = {"kind": existing.kind, "declined_by": existing.declined_by or None} if existing else None
        if kind is None:
            if existing:
                existing.delete()
            decision = None
        else:
            # The coordinator's own decision; it replaces a remembered decline only when set on purpose.
            decision, _ = PairDecision.objects.update_or_create(
                need=need, expert=expert,
                defaults={"kind": kind, "created_by": user, "declined_by": "", "reason": ""})
        audit_record(actor=user, action="decision.set", obj=need, prefecture=need.municipality.prefecture,
                     before=before, after={"expert": expert.pk, "kind": kind})
    return decision


# -- consent to joint runs ----------------------------------------------------------------------------------

def _consent_snapshot(consent: ScopeConsent) -> dict:
    return {"grantor": consent.grantor_id, "grantee": consent.grantee_id, "fiscal_year": consent.fiscal_year,
            "note": consent.note, "revoked_at": consent.revoked_at}


def scope_consent_grant(*, user, grantee: Prefecture, fiscal_year: int, note: str = "") -> ScopeConsent:
    """The coordinator's prefecture consents that `grantee` includes it in joint runs of that fiscal year."""
    if user.role != UserRole.COORDINATOR:
        raise ForbiddenError.single("grantor", "not_a_coordinator", "同意できるのは都道府県のコーディネーターのみです。",
                                    "Only a prefecture's coordinator can grant consent.")
    if grantee.pk == user.prefecture_id:
        raise DomainError.single("grantee", "own_prefecture", "自分の都道府県には同意できません。",
                                 "A prefecture cannot consent to itself.")
    try:
        with transaction.atomic():
            consent = ScopeConsent.objects.create(grantor_id=user.prefecture_id, grantee=grantee,
                                                  fiscal_year=fiscal_year, note=note, granted_by=user)
            audit_record(actor=user, action="scope_consent.grant", obj=consent, prefecture=consent.grantor_id,
                         also_visible_to=[grantee], after=_consent_snapshot(consent))
    except IntegrityError:
        raise ConflictError.single("grantee", "already_granted", f"{grantee.name}への同意は既に有効です。",
                                   f"Consent to {grantee.name} for this fiscal year is already in force.") from None
    return consent


def scope_consent_revoke(*, user, consent: ScopeConsent) -> ScopeConsent:
    """Only the consenting prefecture revokes; runs already made stay, later runs need a new consent."""
    if not (is_admin(user) or (user.role == UserRole.COORDINATOR and user.prefecture_id == consent.grantor_id)):
        raise ForbiddenError.single("consent", "not_yours", "同意を撤回できるのは、同意した都道府県のみです。",
                                    "Only the prefecture that granted the consent can revoke it.")
    with transaction.atomic():
        consent = ScopeConsent.objects.select_for_update().get(pk=consent.pk)
        if consent.revoked_at is not None:
            raise ConflictError.single("consent", "already_revoked", "この同意は既に撤回されています。",
                                       "This consent is already revoked.")
        before = _consent_snapshot(consent)
        consent.revoked_at, consent.revoked_by = timezone.now(), user
        consent.save(update_fields=["revoked_at", "revoked_by"])
        audit_record(actor=user, action="scope_consent.revoke", obj=consent, prefecture=consent.grantor_id,
                     also_visible_to=[consent.grantee_id], before=before, after=_consent_snapshot(consent))
    return consent


# -- approval -----------------------------------------------------------------------------------------

def _holdings_locked(expert: Expert, fiscal_year: int, *, excluding: Engagement | None = None) -> list[Engagement]:
    queryset = Engagement.objects.filter(expert=expert, fiscal_year=fiscal_year, status__in=HOLDING_STATUSES)
    if excluding is not None:
        queryset = queryset.exclude(pk=excluding.pk)
    return list(queryset)


def _override_for(*, user, expert: Expert, need: Need, reason: str | None) -> CoiOverride | None:
    existing = CoiOverride.objects.in_force().filter(expert=expert, municipality=need.municipality,
                                                     fiscal_year=need.fiscal_year).first()
    if existing or not (reason and reason.strip()):
        return existing
    override = CoiOverride.objects.create(expert=expert, municipality=need.municipality,
                                          fiscal_year=need.fiscal_year, reason=reason.strip(), created_by=user)
    audit_record(actor=user, action="coi_override.create", obj=override, prefecture=need.municipality.prefecture,
                 after={"expert": expert.pk, "municipality": need.municipality_id, "reason": override.reason})
    return override


def _proposal_snapshot(p: Proposal) -> dict:
    return {"status": p.status, "need": p.need_id, "expert": p.expert_id, "weekdays": p.weekdays,
            "fee": p.fee}


def proposal_approve(*, user, proposal: Proposal, override_reason: str | None = None) -> Engagement:
    """Turn a proposal into an offered engagement after re-checking every hard rule as of now."""
    with transaction.atomic():
        # Lock order: expert, then need. Every approval locks in this order, so none deadlock.
        expert = Expert.objects.select_for_update().get(pk=proposal.expert_id)
        need = Need.objects.select_for_update(of=("self",)).select_related("municipality__prefecture").get(
            pk=proposal.need_id)
        proposal = Proposal.objects.select_for_update(of=("self",)).select_related("run__replacement__engagement").get(
            pk=proposal.pk)
        expert = Expert.objects.prefetch_related("skills", "serves_prefectures", "onsite_prefectures",
                                                 "affiliations").get(pk=expert.pk)
        if proposal.status != ProposalStatus.PROPOSED:
            raise ConflictError.single("proposal", "not_proposed", "この提案は既に処理済みです。",
                                       "This proposal was already approved or superseded.")
        replacement = proposal.run.replacement if proposal.run.kind == RunKind.REPLACEMENT else None
        replaced = replacement.engagement if replacement else None
        if replaced is not None and (replaced.status != EngagementStatus.ACTIVE or Engagement.objects.filter(
                replaces=replaced, status=EngagementStatus.OFFERED).exists()):
            raise ConflictError.single("proposal", "successor_pending",
                                       "この任用の後任は既に承認され承諾待ちか、任用が既に終了しています。",
                                       "A successor is already offered for this engagement, or it has ended.")
        if replaced is None and (need.status != NeedStatus.OPEN or need.engagements.filter(
                status__in=HOLDING_STATUSES).exists()):
            raise ConflictError.single("proposal", "need_taken", "このニーズは既に充足されています。",
                                       "This need already has an engagement.")
        override = _override_for(user=user, expert=expert, need=need, reason=override_reason)
        terms = successor_terms(replaced) if replaced else {"days_per_year": need.days_per_year,
                                                             "budget": need.budget}
        placement = Placement(expert=expert, need=need, weekdays=list(proposal.weekdays), **terms)
        problems = placement_problems(
            placement, holdings=_holdings_locked(expert, need.fiscal_year),
            forbidden=PairDecision.objects.filter(need=need, expert=expert, kind=DecisionKind.FORBID).exists(),
            replaced_expert_id=replaced.expert_id if replaced else None,
            conflicts=incumbent_conflicts(expert, need.municipality_id), overridden=override is not None,
        )
        if problems:
            raise ConflictError(*problems)
        # A successor is offered next to the current engagement; the hand-over happens when it is active.
        engagement = _engagement_create(user=user, proposal=proposal, expert=expert, need=need, override=override,
                                        replaced=replaced)
    return engagement


def _engagement_create(*, user, proposal, expert, need, override, replaced) -> Engagement:
    before = _proposal_snapshot(proposal)
    # Starting after 1 April (a successor, an approval during the year), days and fee are prorated by month.
    starts_on = max(fiscal_year_start(need.fiscal_year), timezone.localdate())
    ends_on = fiscal_year_end(need.fiscal_year)
    engagement = Engagement.objects.create(
        expert=expert, municipality=need.municipality, need=need, proposal=proposal,
        fiscal_year=need.fiscal_year, starts_on=starts_on, ends_on=ends_on, weekdays=list(proposal.weekdays),
        days_per_year=prorate(need.days_per_year, start=starts_on, end=ends_on),
        fee=prorate(expert.daily_rate * need.days_per_year, start=starts_on, end=ends_on),
        employment_form=common_employment_form(expert, need), coi_override=override, replaces=replaced,
        approved_by=user,
    )
    proposal.status = ProposalStatus.APPROVED
    proposal.save(update_fields=["status"])
    need.status = NeedStatus.FILLED
    need.save(update_fields=["status", "updated_at"])
    audit_record(actor=user, action="proposal.approve", obj=proposal, prefecture=need.municipality.prefecture,
                 before=before, after={**_proposal_snapshot(proposal), "engagement": engagement.pk})
    return engagement


# -- offers -------------------------------------------------------------------------------------------

def _engagement_snapshot(e: Engagement) -> dict:
    return {"status": e.status, "municipality_accepted_at": e.municipality_accepted_at,
            "expert_accepted_at": e.expert_accepted_at, "declined_by": e.declined_by or None,
            "ends_on": e.ends_on}


def _side_of(user, engagement: Engagement) -> str:
    if user.role == UserRole.MUNICIPAL and user.municipality_id == engagement.municipality_id:
        return "municipality"
    if user.role == UserRole.EXPERT and user.expert_id == engagement.expert_id:
        return "expert"
    raise DomainError.single("engagement", "not_a_party", "この任用の当事者ではありません。",
                             "Only the municipality or the expert of this engagement can answer the offer.")


def _remember_decline(*, user, engagement: Engagement, side: str, reason: str) -> None:
    """A declined pair is not proposed again for that need: it becomes a forbid naming who declined, when
    and why, and replaces any pin on the pair. The coordinator sees it and can lift it."""
    PairDecision.objects.update_or_create(
        need_id=engagement.need_id, expert_id=engagement.expert_id,
        defaults={"kind": DecisionKind.FORBID, "declined_by": side, "reason": reason, "created_by": user})


def _activate_if_ready(*, user, engagement: Engagement) -> None:
    """Active once both sides accepted and the expert signed the pledge for this municipality."""
    if engagement.municipality_accepted_at and engagement.expert_accepted_at and engagement.pledge_signed_at:
        engagement.status = EngagementStatus.ACTIVE
        if engagement.replaces_id:
            _hand_over(user=user, successor=engagement)
        restrictions_record_for_engagement(engagement=engagement)


def _sign_pledge(*, user, engagement: Engagement, version: str) -> None:
    if version != PLEDGE_VERSION:
        raise ConflictError.single("pledge_version", "outdated",
                                   "誓約書の文面が更新されています。最新の文面を確認して署名してください。",
                                   f"The pledge text changed; sign version {PLEDGE_VERSION}.")
    engagement.pledge_signed_at, engagement.pledge_version = timezone.now(), version
    audit_record(actor=user, action="engagement.sign_pledge", obj=engagement,
                 prefecture=engagement.municipality.prefecture,
                 after={"version": version, "municipality": engagement.municipality_id,
                        "signed_at": engagement.pledge_signed_at})


def engagement_sign_pledge(*, user, engagement: Engagement, version: str) -> Engagement:
    """The expert signs the confidentiality pledge (情報漏洩防止の誓約) for this engagement's municipality."""
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().select_related("municipality__prefecture").get(
            pk=engagement.pk)
        if _side_of(user, engagement) != "expert":
            raise ForbiddenError.single("engagement", "not_the_expert", "誓約書に署名できるのは任用される専門人材のみです。",
                                        "Only the engagement's expert signs its pledge.")
        if engagement.status != EngagementStatus.OFFERED or engagement.pledge_signed_at:
            raise ConflictError.single("status", "not_awaiting_pledge", "この任用は誓約書の署名を待っていません。",
                                       "This engagement is not waiting for a pledge.")
        _sign_pledge(user=user, engagement=engagement, version=version)
        _activate_if_ready(user=user, engagement=engagement)
        engagement.save()
    return engagement


def engagement_respond(*, user, engagement: Engagement, accept: bool, reason: str = "",
                       pledge_version: str = "") -> Engagement:
    """The municipality and the expert each accept or decline; the expert may sign the pledge with the
    acceptance. Active once both accepted and the pledge is signed."""
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update().select_related("municipality__prefecture", "need").get(
            pk=engagement.pk)
        side = _side_of(user, engagement)
        if engagement.status != EngagementStatus.OFFERED:
            raise ConflictError.single("status", "not_offered", "承諾待ちの任用ではありません。",
                                       "This engagement is not waiting for an answer.")
        before = _engagement_snapshot(engagement)
        now = timezone.now()
        if accept:
            setattr(engagement, f"{side}_accepted_at", now)
            if side == "expert" and pledge_version:
                _sign_pledge(user=user, engagement=engagement, version=pledge_version)
            _activate_if_ready(user=user, engagement=engagement)
        else:
            engagement.status = EngagementStatus.DECLINED
            engagement.declined_by = side
            Need.objects.filter(pk=engagement.need_id).update(status=NeedStatus.OPEN)
            _remember_decline(user=user, engagement=engagement, side=side, reason=reason.strip())
            _lapse_exception_if_unused(user=user, engagement=engagement)
        engagement.save()
        audit_record(actor=user, action="engagement.accept" if accept else "engagement.decline", obj=engagement,
                     prefecture=engagement.municipality.prefecture, before=before,
                     after={**_engagement_snapshot(engagement), **({} if accept else {"reason": reason.strip()})})
    return engagement


def _hand_over(*, user, successor: Engagement) -> None:
    """The successor is active: the engagement it replaces ends the day before the successor starts, with its
    days and fee prorated by the months it served, and the replacement request is complete."""
    old = Engagement.objects.select_for_update().get(pk=successor.replaces_id)
    before = {**_engagement_snapshot(old), "days_per_year": old.days_per_year, "fee": old.fee}
    ends_on = successor.starts_on - dt.timedelta(days=1)  # before old.starts_on if it never began
    share = months_served(old.starts_on, ends_on) / max(months_served(old.starts_on, old.ends_on), 1e-9)
    old.status = EngagementStatus.ENDED
    old.days_per_year, old.fee = round(old.days_per_year * share), round(old.fee * share)
    old.ends_on = ends_on
    old.save(update_fields=["status", "ends_on", "days_per_year", "fee", "updated_at"])
    _lapse_exception_if_unused(user=user, engagement=old)
    audit_record(actor=user, action="engagement.end", obj=old, prefecture=old.municipality.prefecture,
                 before=before, after={**_engagement_snapshot(old), "days_per_year": old.days_per_year,
                                       "fee": old.fee, "successor": successor.pk})
    replacement = ReplacementRequest.objects.filter(engagement=old, status=ReplacementStatus.OPEN).first()
    if replacement is not None:
        _replacement_complete(user=user, replacement=replacement, successor=successor)
    restrictions_sync_engagement_end(engagement=old)


# -- exceptions (利益相反の例外) ---------------------------------------------------------------------------------

def _exception_snapshot(o: CoiOverride) -> dict:
    return {"expert": o.expert_id, "municipality": o.municipality_id, "fiscal_year": o.fiscal_year,
            "reason": o.reason, "lapsed_at": o.lapsed_at, "revoked_at": o.revoked_at,
            "revoke_reason": o.revoke_reason or None}


def _lapse_exception_if_unused(*, user, engagement: Engagement) -> None:
    """An exception covers the engagements approved with it; once none of them holds any more (declined,
    ended), it lapses, so that a later placement at that municipality asks for a reason again."""
    override = engagement.coi_override
    if override is None or override.lapsed_at or override.revoked_at:
        return
    if override.engagements.filter(status__in=HOLDING_STATUSES).exclude(pk=engagement.pk).exists():
        return
    before = _exception_snapshot(override)
    override.lapsed_at = timezone.now()
    override.save(update_fields=["lapsed_at"])
    audit_record(actor=user, action="coi_override.lapse", obj=override, prefecture=override.municipality.prefecture,
                 before=before, after=_exception_snapshot(override))


def coi_override_revoke(*, user, override: CoiOverride, reason: str, end_engagements: bool = False) -> CoiOverride:
    """Revoke an exception. Engagements that rely on it must not go on silently: unless the coordinator
    chose to end them (an offer is withdrawn, an active engagement ends today, prorated), it is a 409 that
    names them."""
    if not (is_admin(user) or (user.role == UserRole.COORDINATOR
                               and user.prefecture_id == override.municipality.prefecture_id)):
        raise ForbiddenError.single("exception", "not_yours", "この例外を取り消せるのは、その市区町村の都道府県のみです。",
                                    "Only the municipality's prefecture can revoke this exception.")
    if not (reason or "").strip():
        raise DomainError.single("reason", "required", "取り消す理由を記入してください。", "Give the reason.")
    with transaction.atomic():
        override = CoiOverride.objects.select_for_update().get(pk=override.pk)
        if override.revoked_at is not None:
            raise ConflictError.single("exception", "already_revoked", "この例外は既に取り消されています。",
                                       "This exception is already revoked.")
        relying = list(override.engagements.filter(status__in=HOLDING_STATUSES).select_related("municipality"))
        if relying and not end_engagements:
            names = "、".join(f"{e.expert.name}（{e.get_status_display()}）" for e in relying)
            raise ConflictError.single(
                "end_engagements", "relied_on",
                f"この例外で配置した任用があります: {names}。取り消すには、これらの任用を終了することを選んでください。",
                f"Engagements rely on this exception ({', '.join(str(e.pk) for e in relying)}); "
                "choose to end them to revoke it.")
        for engagement in relying:
            _end_for_revoked_exception(user=user, engagement=engagement)
        before = _exception_snapshot(override)
        override.revoked_at, override.revoked_by, override.revoke_reason = timezone.now(), user, reason.strip()
        override.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_record(actor=user, action="coi_override.revoke", obj=override,
                     prefecture=override.municipality.prefecture, before=before, after=_exception_snapshot(override))
    return override


def _end_for_revoked_exception(*, user, engagement: Engagement) -> None:
    before = _engagement_snapshot(engagement)
    if engagement.status == EngagementStatus.OFFERED:
        engagement.status, engagement.declined_by = EngagementStatus.DECLINED, "coordinator"
        Need.objects.filter(pk=engagement.need_id).update(status=NeedStatus.OPEN)
    else:
        today = timezone.localdate()
        share = months_served(engagement.starts_on, today) / max(
            months_served(engagement.starts_on, engagement.ends_on), 1e-9)
        engagement.status, engagement.ends_on = EngagementStatus.ENDED, max(today, engagement.starts_on)
        engagement.days_per_year = round(engagement.days_per_year * min(share, 1))
        engagement.fee = round(engagement.fee * min(share, 1))
        Need.objects.filter(pk=engagement.need_id).update(status=NeedStatus.OPEN)
    engagement.save()
    restrictions_sync_engagement_end(engagement=engagement)
    audit_record(actor=user, action="engagement.end", obj=engagement, prefecture=engagement.municipality.prefecture,
                 before=before, after={**_engagement_snapshot(engagement), "because": "exception revoked"})


# -- replacement (要員交代) --------------------------------------------------------------------------------

def replacement_request(*, user, engagement: Engagement, reason: str) -> ReplacementRequest:
    if user.role != UserRole.MUNICIPAL or user.municipality_id != engagement.municipality_id:
        raise DomainError.single("engagement", "not_your_engagement", "自分の市区町村の任用のみ交代を依頼できます。",
                                 "Only staff of the engagement's municipality can ask for a replacement.")
    if not (reason or "").strip():
        raise DomainError.single("reason", "required", "交代を依頼する理由を記入してください。",
                                 "Give the reason for the replacement.")
    if engagement.status != EngagementStatus.ACTIVE:
        raise ConflictError.single("engagement", "not_active", "稼働中の任用のみ交代を依頼できます。",
                                   "Only an active engagement can be replaced.")
    try:
        with transaction.atomic():
            request = ReplacementRequest.objects.create(engagement=engagement, reason=reason.strip(),
                                                        requested_by=user)
            # A pin on the current expert would contradict the request; the replacement run excludes them.
            PairDecision.objects.filter(need_id=engagement.need_id, expert_id=engagement.expert_id,
                                        kind=DecisionKind.PIN).delete()
            audit_record(actor=user, action="replacement.request", obj=request,
                         prefecture=engagement.municipality.prefecture, after={"engagement": engagement.pk,
                                                                                "reason": request.reason})
    except IntegrityError:
        raise ConflictError.single("engagement", "already_requested", "この任用の交代は既に依頼されています。",
                                   "A replacement is already requested for this engagement.") from None
    return request


def replacement_run(*, user, replacement: ReplacementRequest, params: dict | None = None) -> MatchRun:
    if replacement.status != ReplacementStatus.OPEN:
        raise ConflictError.single("replacement", "not_open", "対応中の交代依頼ではありません。",
                                   "This replacement request is not open.")
    engagement = replacement.engagement
    return run_enqueue(user=user, fiscal_year=engagement.fiscal_year,
                       scope=[engagement.municipality.prefecture_id], params=params, replacement=replacement)


def _replacement_complete(*, user, replacement: ReplacementRequest, successor: Engagement) -> None:
    replacement.status = ReplacementStatus.COMPLETED
    replacement.completed_at = timezone.now()
    replacement.save(update_fields=["status", "completed_at"])
    audit_record(actor=user, action="replacement.complete", obj=replacement,
                 prefecture=successor.municipality.prefecture,
                 after={"successor": successor.pk, "replaced": replacement.engagement_id})

