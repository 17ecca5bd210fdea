"""Writes that connect the rows to the engine and back: queue a match run (new, retried, re-run, or the run of a
replacement request) for the worker's task, approve a proposal into an offered engagement after the engine
re-checks every hard rule, and place an expert kept out by the incumbent conflict alone with a recorded exception.

These sit above backend.runs and backend.engagements because each needs both and the engine: a run's execution
reads holdings and exceptions (backend.placement.instance), approval turns a run's proposal into an engagement
and asks the engine's rules (backend.placement.rules), a replacement starts a run. Neither app below imports
this module.

Every service checks its actor first (ForbiddenError, a 403), owns its transaction and writes its audit rows
with their `AuditAction` members; statuses move through the declared workflows of their owners
(PROPOSAL_WORKFLOW for a proposal's approval; a need is filled through backend.needs.services). Lock order is
backend/engagements/locks.py: the experts, then the need, then the proposal and the engagements. Approval locks
the expert row, so two coordinators approving at the same moment are serialised and the second sees the first's
engagement when the engine re-checks capacity, weekdays and the number of engagements.
"""

import datetime as dt
from dataclasses import replace

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import coordinates, is_admin, is_coordinator
from backend.accounts.selectors import municipalities_without_staff
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import ConflictError, DomainError, FieldProblem, ForbiddenError, interpolate, joined
from backend.core.fiscal import fiscal_year_named
from backend.engagements.errors import ErrorCode as EngagementErrorCode
from backend.engagements.locks import experts_locked
from backend.engagements.models import (
    HOLDING_STATUSES,
    CoiOverride,
    Engagement,
    EngagementStatus,
    ReplacementRequest,
    ReplacementStatus,
)
from backend.engagements.selectors import engagements_holding_in
from backend.engagements.services import engagement_notify
from backend.engagements.terms import (
    TermsAsked,
    amounts_for_year,
    contract_terms_problems,
    successor_terms,
    terms_resolve,
)
from backend.experts.models import Expert
from backend.funding.selectors import default_scheme
from backend.geo.models import Prefecture
from backend.geo.selectors import prefecture_setting
from backend.needs.models import Need, NeedStatus
from backend.needs.services import need_fill
from backend.notifications.models import NotificationKind
from backend.notifications.selectors import recipients_parties
from backend.placement.candidates import need_candidates
from backend.placement.preferences import wishes_exist
from backend.placement.rules import Placement, incumbent_conflicts, placement_problems
from backend.placement.tasks import execute_run
from backend.runs.errors import ErrorCode as RunErrorCode
from backend.runs.models import (
    LIVE_RUN_STATUSES,
    DecisionKind,
    MatchRun,
    PairDecision,
    Proposal,
    ProposalStatus,
    RunKind,
    RunStatus,
    ScopeConsent,
)
from backend.runs.params import RunParams
from backend.runs.scope import scope_key
from backend.runs.services import run_check_control, runs_reap_stale
from backend.runs.workflows import PROPOSAL_WORKFLOW, run_snapshot
from backend.visits.services import visits_plan

# -- queuing a run ------------------------------------------------------------------------------------------

def _check_scope(*, actor: User, scope: list[str], fiscal_year: int) -> None:
    """A coordinator's run covers their own prefecture, plus neighbours that consented for that year."""
    if not scope:
        raise DomainError.single("scope", RunErrorCode.REQUIRED, _("対象の都道府県を指定してください。"))
    names = dict(Prefecture.objects.filter(code__in=scope).values_list("code", "name"))
    unknown = sorted(set(scope) - set(names))
    if unknown:
        raise DomainError.single("scope", RunErrorCode.UNKNOWN, interpolate(_("不明な都道府県コード: %(codes)s"),
                                                                             codes=", ".join(unknown)))
    if is_admin(actor):
        return
    home = actor.prefecture_id
    if home not in scope:
        # Another prefecture's match: not this coordinator's to run (403, not an input error).
        raise ForbiddenError.single("scope", RunErrorCode.NOT_YOUR_PREFECTURE, _("対象には担当の都道府県を含めてください。"))
    consented = set(ScopeConsent.objects.in_force().filter(
        grantee_id=home, fiscal_year=fiscal_year, grantor_id__in=scope).values_list("grantor_id", flat=True))
    missing = sorted(set(scope) - {home} - consented)
    if missing:
        listed = joined(names[code] for code in missing)
        raise ForbiddenError.single("scope", RunErrorCode.NO_CONSENT, interpolate(
            _("%(prefectures)sの同意がないため、合同で実行できません。%(year)sの同意を"
              "%(prefectures)sのコーディネーターに依頼してください。"),
            prefectures=listed, year=fiscal_year_named(fiscal_year)))


def run_enqueue(*, actor: User, fiscal_year: int, scope: list[str] | None = None, params: RunParams | None = None,
                replacement: ReplacementRequest | None = None, retry_of: MatchRun | None = None,
                round=None) -> MatchRun:  # noqa: A002 - the second round (二次調整) the run matches
    """Queue a run for the coordinator's prefecture, plus neighbours that consented to a joint run (a second
    round's run: backend.placement.round_runs, which passes its `round`)."""
    if not is_coordinator(actor):
        raise ForbiddenError.single("run", RunErrorCode.NOT_A_COORDINATOR,
                                    _("マッチングを実行できるのは都道府県のコーディネーターのみです。"))
    home = None if is_admin(actor) else actor.prefecture_id
    scope = sorted(set(scope or ([home] if home else [])))
    _check_scope(actor=actor, scope=scope, fiscal_year=fiscal_year)
    runs_take_up_stale()
    key = scope_key(scope, fiscal_year, replacement.pk if replacement else None)
    params = params or RunParams()
    if params.wishes is None:  # 「希望を考慮する」 is on by default once anyone stated a wish in the scope and year
        params = replace(params, wishes=wishes_exist(prefecture_codes=scope, fiscal_year=fiscal_year))
    run = MatchRun(prefecture_id=home or scope[0], scope=scope, fiscal_year=fiscal_year, scope_key=key,
                   kind=_run_kind(replacement, round), replacement=replacement, round=round,
                   params=params.as_stored(), started_by=actor if actor.pk else None,
                   retry_of=retry_of)
    try:
        with transaction.atomic():
            run.save()
            audit_record(actor=actor, action=AuditAction.RUN_ENQUEUE, obj=run, prefecture=run.prefecture,
                         also_visible_to=run.scope, after=run_snapshot(run))
            transaction.on_commit(lambda: _enqueue_task(run.pk))
    except IntegrityError:
        retried = MatchRun.objects.filter(scope_key=key, status__in=LIVE_RUN_STATUSES, attempts__gt=1).first()
        if retried is not None:
            # The scope's run lost its worker and is being taken up again by itself: that run is the answer
            # (its page says which attempt it is), not a 409 the coordinator could do nothing about.
            return retried
        raise ConflictError.single(
            "scope", RunErrorCode.RUN_IN_PROGRESS,
            _("この対象と年度のマッチングは既に実行中です。終わるのを待つか、中止してから実行してください。"),
        ) from None
    return run


def _run_kind(replacement, round) -> str:  # noqa: A002
    if replacement is not None:
        return RunKind.REPLACEMENT
    return RunKind.SECOND_ROUND if round is not None else RunKind.FULL


def _enqueue_task(run_id: int) -> None:
    result = execute_run.enqueue(run_id)
    MatchRun.objects.filter(pk=run_id).update(task_id=str(result.id))


def runs_take_up_stale() -> list[int]:
    """The system's sweep of runs nothing will finish (the worker's periodic pass and every `run_enqueue`):
    each goes back to the queue with its task enqueued again, until its last attempt fails it
    (backend.runs.services.runs_reap_stale)."""
    return runs_reap_stale(requeue=_enqueue_task)


def run_retry(*, actor: User, run: MatchRun) -> MatchRun:
    run_check_control(actor=actor, run=run)
    if run.status not in (RunStatus.FAILED, RunStatus.CANCELLED):
        raise ConflictError.single("status", RunErrorCode.NOT_RETRYABLE, _("失敗または中止した実行のみ再実行できます。"))
    return run_enqueue(actor=actor, fiscal_year=run.fiscal_year, scope=run.scope,
                       params=RunParams.from_stored(run.params), replacement=run.replacement, retry_of=run,
                       round=run.round)


def run_rerun(*, actor: User, run: MatchRun) -> MatchRun:
    """The same match again with today's needs, experts and decisions, and the run's own stages: a re-run
    never silently drops the stages the coordinator chose (it used to run with none)."""
    run_check_control(actor=actor, run=run)
    if run.status in LIVE_RUN_STATUSES:
        raise ConflictError.single("status", RunErrorCode.STILL_ACTIVE, _("実行中のマッチングは再実行できません。"))
    return run_enqueue(actor=actor, fiscal_year=run.fiscal_year, scope=run.scope,
                       params=RunParams.from_stored(run.params), replacement=run.replacement, round=run.round)


def replacement_run(*, actor: User, replacement: ReplacementRequest, params: RunParams | None = None) -> MatchRun:
    """The coordinator of the engagement's prefecture runs its need again without the current expert."""
    engagement = replacement.engagement
    if not coordinates(actor, engagement.municipality.prefecture_id):
        raise ForbiddenError.single("replacement", EngagementErrorCode.NOT_YOURS,
                                    _("交代の候補を探せるのは、その市区町村の都道府県のコーディネーターのみです。"))
    if replacement.status != ReplacementStatus.OPEN:
        raise ConflictError.single("replacement", EngagementErrorCode.NOT_OPEN, _("対応中の交代依頼ではありません。"))
    return run_enqueue(actor=actor, fiscal_year=engagement.fiscal_year,
                       scope=[engagement.municipality.prefecture_id], params=params, replacement=replacement)


# -- approval ---------------------------------------------------------------------------------------------

def _holdings_locked(expert: Expert, fiscal_year: int, *, excluding: Engagement | None = None) -> list[Engagement]:
    queryset = engagements_holding_in(fiscal_year=fiscal_year).filter(expert=expert)
    if excluding is not None:
        queryset = queryset.exclude(pk=excluding.pk)
    return list(queryset)


def _override_for(*, actor: User, expert: Expert, need: Need, reason: str | None) -> CoiOverride | None:
    existing = CoiOverride.objects.in_force().filter(expert=expert, municipality=need.municipality,
                                                     fiscal_year=need.fiscal_year).first()
    if existing or not (reason and reason.strip()):
        return existing
    override = CoiOverride.objects.create(expert=expert, municipality=need.municipality,
                                          fiscal_year=need.fiscal_year, reason=reason.strip(), created_by=actor)
    audit_record(actor=actor, action=AuditAction.COI_OVERRIDE_CREATE, obj=override, prefecture=need.municipality.prefecture,
                 after={"expert": expert.pk, "municipality": need.municipality_id, "reason": override.reason})
    return override


def _proposal_snapshot(p: Proposal) -> dict:
    return {"status": p.status, "need": p.need_id, "expert": p.expert_id, "weekdays": p.weekdays,
            "fee": p.fee}


def proposal_approve(*, actor: User, proposal: Proposal, override_reason: str | None = None,
                     terms: TermsAsked | None = None) -> Engagement:
    """Turn a proposal into an offered engagement after re-checking every hard rule as of now, on the contract
    terms the coordinator confirms (fee, employment form, start and end; the proposal's by default)."""
    prefecture_id = Need.objects.values_list("municipality__prefecture_id", flat=True).get(pk=proposal.need_id)
    if not coordinates(actor, prefecture_id):
        raise ForbiddenError.single("proposal", EngagementErrorCode.NOT_YOURS,
                                    _("この提案を承認できるのは、そのニーズの都道府県のコーディネーターのみです。"))
    with transaction.atomic():
        # Lock order (backend/engagements/locks.py): the experts (a successor's and the one it replaces), then
        # the need, then the proposal.
        replaced_expert = Proposal.objects.filter(pk=proposal.pk).values_list(
            "run__replacement__engagement__expert_id", flat=True).get()
        experts_locked({proposal.expert_id, replaced_expert} - {None})
        need = Need.objects.select_for_update(of=("self",)).select_related("municipality__prefecture").get(
            pk=proposal.need_id)
        proposal = Proposal.objects.select_for_update(of=("self",)).select_related("run__replacement__engagement").get(
            pk=proposal.pk)
        expert = Expert.objects.prefetch_related("skills", "serves_prefectures", "onsite_prefectures",
                                                 "affiliations").get(pk=proposal.expert_id)
        if proposal.status != ProposalStatus.PROPOSED:
            raise ConflictError.single("proposal", EngagementErrorCode.NOT_PROPOSED, _("この提案は既に処理済みです。"))
        replacement = proposal.run.replacement if proposal.run.kind == RunKind.REPLACEMENT else None
        replaced = replacement.engagement if replacement else None
        if replaced is not None and (replaced.status != EngagementStatus.ACTIVE or Engagement.objects.filter(
                replaces=replaced, status=EngagementStatus.OFFERED).exists()):
            raise ConflictError.single("proposal", EngagementErrorCode.SUCCESSOR_PENDING,
                                       _("この任用の後任は既に承認され承諾待ちか、任用が既に終了しています。"))
        if replaced is None and (need.status != NeedStatus.OPEN or need.engagements.filter(
                status__in=HOLDING_STATUSES).exists()):
            raise ConflictError.single("proposal", EngagementErrorCode.NEED_TAKEN, _("このニーズは既に充足されています。"))
        override = _override_for(actor=actor, expert=expert, need=need, reason=override_reason)
        left = successor_terms(replaced) if replaced else {"days_per_year": need.days_per_year, "budget": need.budget}
        terms_left = {"days_per_year": left["days_per_year"], "budget": left["budget"]}
        placement = Placement(expert=expert, need=need, weekdays=list(proposal.weekdays),
                              travel_cost=proposal.travel_cost, **terms_left)
        problems = placement_problems(
            placement, holdings=_holdings_locked(expert, need.fiscal_year),
            forbidden=PairDecision.objects.filter(need=need, expert=expert, kind=DecisionKind.FORBID).exists(),
            replaced_expert_id=replaced.expert_id if replaced else None,
            conflicts=incumbent_conflicts(expert, need.municipality_id), overridden=override is not None,
        )
        if problems:
            raise ConflictError(*problems)
        # The placement holds; then the terms the coordinator confirms must too.
        confirmed = terms_resolve(terms or TermsAsked(), proposal=proposal, expert=expert, need=need,
                                  today=timezone.localdate())
        refused = contract_terms_problems(confirmed, proposal=proposal, expert=expert, need=need, **terms_left)
        if refused:
            raise DomainError(*refused)
        # A successor is offered next to the current engagement; the hand-over happens when it is active.
        engagement = _engagement_create(actor=actor, proposal=proposal, expert=expert, need=need, override=override,
                                        replaced=replaced, confirmed=confirmed,
                                        days_per_year=terms_left["days_per_year"])
    return engagement


def approval_warnings(engagement: Engagement) -> list[FieldProblem]:
    """What the coordinator should know once an offer is made, though it does not stop it: a municipality with no
    active staff account cannot answer the offer, which would wait for ever (invite its staff)."""
    if not municipalities_without_staff([engagement.municipality_id]):
        return []
    return [FieldProblem("municipality", EngagementErrorCode.NO_ACTIVE_ACCOUNT, interpolate(
        _("%(municipality)sには有効な職員のアカウントがないため、この申出に回答できません。"
          "%(municipality)sの職員を招待してください。"), municipality=engagement.municipality.name))]


def _engagement_create(*, actor: User, proposal, expert, need, override, replaced, confirmed, days_per_year) -> Engagement:
    before = _proposal_snapshot(proposal)
    # Starting after 1 April (an approval during the year), days, fee and travel are prorated by month; a
    # successor's proposal already states the rest of the year.
    amounts = amounts_for_year(confirmed, days_per_year=days_per_year, travel_cost=proposal.travel_cost,
                               fiscal_year=need.fiscal_year, successor=replaced is not None)
    engagement = Engagement.objects.create(
        expert=expert, municipality=need.municipality, need=need, proposal=proposal,
        fiscal_year=need.fiscal_year, starts_on=confirmed.starts_on, ends_on=confirmed.ends_on,
        weekdays=list(proposal.weekdays), **amounts, fee_reason=confirmed.fee_reason,
        employment_form=confirmed.employment_form, coi_override=override, replaces=replaced, approved_by=actor,
        # the scheme the need plans for, else the prefecture's default for the role (a successor keeps the one
        # the engagement it replaces names)
        funding_scheme=(replaced.funding_scheme if replaced is not None and replaced.funding_scheme_id
                        else need.funding_scheme or default_scheme(need.municipality.prefecture_id, need.role)),
        funding_public_staff=replaced.funding_public_staff if replaced is not None else False,
        # the answer deadline (issue 25): the prefecture's days from today; the coordinator may change it per offer
        answer_by=timezone.localdate() + dt.timedelta(
            days=prefecture_setting(code=need.municipality.prefecture_id).offer_answer_days),
    )
    PROPOSAL_WORKFLOW.move(proposal, AuditAction.PROPOSAL_APPROVE, actor=actor, prefecture=need.municipality.prefecture,
                           before=before, after={**_proposal_snapshot(proposal), "engagement": engagement.pk,
                                                 "fee": confirmed.fee, "fee_reason": confirmed.fee_reason,
                                                 "employment_form": confirmed.employment_form,
                                                 "starts_on": confirmed.starts_on, "ends_on": confirmed.ends_on})
    if replaced is None:  # a successor takes over a need that stays filled
        need_fill(actor=actor, need=need, cause={"engagement": engagement.pk, "proposal": proposal.pk})
    visits_plan(actor=actor, engagement=engagement)  # the offer comes with its dates (the plan's shortfall on its page)
    engagement_notify(engagement, NotificationKind.OFFER_AWAITING,
          recipients_parties(municipality_id=engagement.municipality_id, expert_id=engagement.expert_id),
          answer_by=engagement.answer_by.isoformat())
    return engagement


# -- an exception to the incumbent conflict (利益相反の例外) ---------------------------------------------------

def need_place_with_exception(*, actor: User, need: Need, expert: Expert, reason: str) -> PairDecision:
    """Place an expert blocked only by the incumbent conflict: record the exception (this expert, this
    municipality, this fiscal year, with the reason) and pin the pair, so the next run proposes them."""
    if not coordinates(actor, need.municipality.prefecture_id):
        raise ForbiddenError.single("need", EngagementErrorCode.NOT_YOURS,
                                    _("例外として配置できるのは、そのニーズの都道府県のコーディネーターのみです。"))
    if not (reason or "").strip():
        raise DomainError.single("reason", EngagementErrorCode.REQUIRED, _("例外として配置する理由を記入してください。"))
    if need.status != NeedStatus.OPEN:
        raise ConflictError.single("need", EngagementErrorCode.NOT_OPEN, _("募集中のニーズではありません。"))
    standing = next((c for c in need_candidates(user=actor, need=need) if c.expert.pk == expert.pk), None)
    if standing is None or standing.blocked_by != "conflict":
        raise ConflictError.single("expert", EngagementErrorCode.NOT_CONFLICT_ONLY,
                                   _("この人材は利益相反だけで除外されているわけではないため、例外では配置できません。"))
    with transaction.atomic():
        if Need.objects.select_for_update().get(pk=need.pk).status != NeedStatus.OPEN:  # filled or withdrawn since
            raise ConflictError.single("need", EngagementErrorCode.NOT_OPEN, _("募集中のニーズではありません。"))
        override = CoiOverride.objects.create(expert=expert, municipality=need.municipality,
                                              fiscal_year=need.fiscal_year, reason=reason.strip(), created_by=actor)
        audit_record(actor=actor, action=AuditAction.COI_OVERRIDE_CREATE, obj=override,
                     prefecture=need.municipality.prefecture,
                     after={"expert": expert.pk, "municipality": need.municipality_id, "reason": override.reason,
                            "need": need.pk})
        decision, _created = PairDecision.objects.update_or_create(
            need=need, expert=expert, defaults={"kind": DecisionKind.PIN, "created_by": actor, "declined_by": "",
                                                "reason": ""})
        audit_record(actor=actor, action=AuditAction.DECISION_SET, obj=need, prefecture=need.municipality.prefecture,
                     after={"expert": expert.pk, "kind": DecisionKind.PIN, "exception": override.pk})
    return decision
