"""Writes of engagements (任用・委託): approve a proposal into an offered engagement, the answers to the offer and
the pledge, the exceptions to the incumbent conflict (利益相反の例外), and replacement (要員交代).

Every service owns its transaction and writes its audit row. Approval locks the expert row, so two
coordinators approving at the same moment are serialised and the second sees the first's
engagement when it re-checks capacity, weekdays and the number of engagements.

This app reads and writes the run side (proposals, pins and forbids, a replacement run) through backend.runs;
backend.runs never imports this module.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.permissions import coordinates, is_expert_self, is_staff_of
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import ConflictError, DomainError, ForbiddenError, interpolate, joined
from backend.engagements.errors import ErrorCode
from backend.engagements.models import (
    HOLDING_STATUSES,
    CoiOverride,
    Engagement,
    EngagementStatus,
    ReplacementRequest,
    ReplacementStatus,
)
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.rules import (
    Placement,
    incumbent_conflicts,
    placement_problems,
)
from backend.engagements.terms import (
    TermsAsked,
    amounts_for_year,
    share_served,
    terms_problems,
    terms_resolve,
)
from backend.experts.models import Expert
from backend.needs.models import Need, NeedStatus
from backend.notifications.models import NotificationKind
from backend.notifications.selectors import recipients_coordinators, recipients_parties
from backend.notifications.services import notify
from backend.restrictions.services import restrictions_record_for_engagement, restrictions_sync_engagement_end
from backend.runs.candidates import need_candidates
from backend.runs.instance import successor_terms
from backend.runs.models import DecisionKind, MatchRun, PairDecision, Proposal, ProposalStatus, RunKind
from backend.runs.services import run_enqueue

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
    audit_record(actor=user, action=AuditAction.COI_OVERRIDE_CREATE, obj=override, prefecture=need.municipality.prefecture,
                 after={"expert": expert.pk, "municipality": need.municipality_id, "reason": override.reason})
    return override


def _proposal_snapshot(p: Proposal) -> dict:
    return {"status": p.status, "need": p.need_id, "expert": p.expert_id, "weekdays": p.weekdays,
            "fee": p.fee}


def proposal_approve(*, user, proposal: Proposal, override_reason: str | None = None,
                     terms: TermsAsked | None = None) -> Engagement:
    """Turn a proposal into an offered engagement after re-checking every hard rule as of now, on the contract
    terms the coordinator confirms (fee, employment form, start and end; the proposal's by default)."""
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
            raise ConflictError.single("proposal", ErrorCode.NOT_PROPOSED, _("この提案は既に処理済みです。"))
        replacement = proposal.run.replacement if proposal.run.kind == RunKind.REPLACEMENT else None
        replaced = replacement.engagement if replacement else None
        if replaced is not None and (replaced.status != EngagementStatus.ACTIVE or Engagement.objects.filter(
                replaces=replaced, status=EngagementStatus.OFFERED).exists()):
            raise ConflictError.single("proposal", ErrorCode.SUCCESSOR_PENDING,
                                       _("この任用の後任は既に承認され承諾待ちか、任用が既に終了しています。"))
        if replaced is None and (need.status != NeedStatus.OPEN or need.engagements.filter(
                status__in=HOLDING_STATUSES).exists()):
            raise ConflictError.single("proposal", ErrorCode.NEED_TAKEN, _("このニーズは既に充足されています。"))
        override = _override_for(user=user, expert=expert, need=need, reason=override_reason)
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
        refused = terms_problems(confirmed, proposal=proposal, expert=expert, need=need, **terms_left)
        if refused:
            raise DomainError(*refused)
        # A successor is offered next to the current engagement; the hand-over happens when it is active.
        engagement = _engagement_create(user=user, proposal=proposal, expert=expert, need=need, override=override,
                                        replaced=replaced, confirmed=confirmed,
                                        days_per_year=terms_left["days_per_year"])
    return engagement


def _engagement_create(*, user, proposal, expert, need, override, replaced, confirmed, days_per_year) -> Engagement:
    before = _proposal_snapshot(proposal)
    # Starting after 1 April (an approval during the year), days, fee and travel are prorated by month; a
    # successor's proposal already states the rest of the year.
    amounts = amounts_for_year(confirmed, days_per_year=days_per_year, travel_cost=proposal.travel_cost,
                               fiscal_year=need.fiscal_year, successor=replaced is not None)
    engagement = Engagement.objects.create(
        expert=expert, municipality=need.municipality, need=need, proposal=proposal,
        fiscal_year=need.fiscal_year, starts_on=confirmed.starts_on, ends_on=confirmed.ends_on,
        weekdays=list(proposal.weekdays), **amounts, fee_reason=confirmed.fee_reason,
        employment_form=confirmed.employment_form, coi_override=override, replaces=replaced, approved_by=user,
    )
    proposal.status = ProposalStatus.APPROVED
    proposal.save(update_fields=["status"])
    need.status = NeedStatus.FILLED
    need.save(update_fields=["status", "updated_at"])
    audit_record(actor=user, action=AuditAction.PROPOSAL_APPROVE, obj=proposal, prefecture=need.municipality.prefecture,
                 before=before, after={**_proposal_snapshot(proposal), "engagement": engagement.pk,
                                       "fee": confirmed.fee, "fee_reason": confirmed.fee_reason,
                                       "employment_form": confirmed.employment_form,
                                       "starts_on": confirmed.starts_on, "ends_on": confirmed.ends_on})
    _tell(engagement, NotificationKind.OFFER_AWAITING,
          recipients_parties(municipality_id=engagement.municipality_id, expert_id=engagement.expert_id))
    return engagement


# -- notifications ------------------------------------------------------------------------------------

def _tell(engagement: Engagement, kind: str, recipients, **extra) -> None:
    """Notify of an event of this engagement, inside the service's transaction; the link is the offer's row."""
    notify(recipients=recipients, kind=kind, link=f"{reverse('frontend:engagements')}#engagement-{engagement.pk}",
           params={"engagement": engagement.pk, "municipality": engagement.municipality.name,
                   "need": engagement.need.title or "—", "expert": engagement.expert.name, **extra})


def _tell_answer(engagement: Engagement, *, side: str, accept: bool) -> None:
    """The coordinators hear each answer; once the engagement is active, all three sides hear that instead."""
    if engagement.status == EngagementStatus.ACTIVE:
        _tell_active(engagement)
        return
    answered_by = engagement.municipality.name if side == "municipality" else engagement.expert.name
    _tell(engagement, NotificationKind.OFFER_ACCEPTED if accept else NotificationKind.OFFER_DECLINED,
          recipients_coordinators(prefecture_id=engagement.municipality.prefecture_id), answered_by=answered_by)
    if accept and side == "expert" and not engagement.pledge_signed_at:
        # Accepted without the pledge (the API allows it): the engagement waits for the expert's signature.
        _tell(engagement, NotificationKind.PLEDGE_TO_SIGN, recipients_parties(expert_id=engagement.expert_id))


def _tell_active(engagement: Engagement) -> None:
    _tell(engagement, NotificationKind.ENGAGEMENT_ACTIVE, recipients_parties(
        municipality_id=engagement.municipality_id, expert_id=engagement.expert_id,
        prefecture_id=engagement.municipality.prefecture_id))


# -- offers -------------------------------------------------------------------------------------------

def _engagement_snapshot(e: Engagement) -> dict:
    return {"status": e.status, "municipality_accepted_at": e.municipality_accepted_at,
            "expert_accepted_at": e.expert_accepted_at, "declined_by": e.declined_by or None,
            "ends_on": e.ends_on}


def _side_of(user, engagement: Engagement) -> str:
    if is_staff_of(user, engagement.municipality_id):
        return "municipality"
    if is_expert_self(user, engagement.expert_id):
        return "expert"
    raise DomainError.single("engagement", ErrorCode.NOT_A_PARTY, _("この任用の当事者ではありません。"))


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
        raise ConflictError.single("pledge_version", ErrorCode.OUTDATED,
                                   _("誓約書の文面が更新されています。最新の文面を確認して署名してください。"))
    engagement.pledge_signed_at, engagement.pledge_version = timezone.now(), version
    audit_record(actor=user, action=AuditAction.ENGAGEMENT_SIGN_PLEDGE, obj=engagement,
                 prefecture=engagement.municipality.prefecture,
                 after={"version": version, "municipality": engagement.municipality_id,
                        "signed_at": engagement.pledge_signed_at})


def engagement_sign_pledge(*, user, engagement: Engagement, version: str) -> Engagement:
    """The expert signs the confidentiality pledge (情報漏洩防止の誓約) for this engagement's municipality."""
    with transaction.atomic():
        engagement = Engagement.objects.select_for_update(of=("self",)).select_related(
            "municipality__prefecture", "need", "expert").get(pk=engagement.pk)
        if _side_of(user, engagement) != "expert":
            raise ForbiddenError.single("engagement", ErrorCode.NOT_THE_EXPERT, _("誓約書に署名できるのは任用される専門人材のみです。"))
        if engagement.status != EngagementStatus.OFFERED or engagement.pledge_signed_at:
            raise ConflictError.single("status", ErrorCode.NOT_AWAITING_PLEDGE, _("この任用は誓約書の署名を待っていません。"))
        _sign_pledge(user=user, engagement=engagement, version=version)
        _activate_if_ready(user=user, engagement=engagement)
        engagement.save()
        if engagement.status == EngagementStatus.ACTIVE:
            _tell_active(engagement)
    return engagement


def engagement_respond(*, user, engagement: Engagement, accept: bool, reason: str = "",
                       pledge_version: str = "") -> Engagement:
    """The municipality and the expert each accept or decline; the expert may sign the pledge with the
    acceptance. Active once both accepted and the pledge is signed."""
    with transaction.atomic():
        # The expert comes for the notifications' text, unlocked: approvals lock experts before needs.
        engagement = Engagement.objects.select_for_update(of=("self", "need")).select_related(
            "municipality__prefecture", "need", "expert").get(pk=engagement.pk)
        side = _side_of(user, engagement)
        if engagement.status != EngagementStatus.OFFERED:
            raise ConflictError.single("status", ErrorCode.NOT_OFFERED, _("承諾待ちの任用ではありません。"))
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
        audit_record(actor=user, action=AuditAction.ENGAGEMENT_ACCEPT if accept else "engagement.decline", obj=engagement,
                     prefecture=engagement.municipality.prefecture, before=before,
                     after={**_engagement_snapshot(engagement), **({} if accept else {"reason": reason.strip()})})
        _tell_answer(engagement, side=side, accept=accept)
    return engagement


def _hand_over(*, user, successor: Engagement) -> None:
    """The successor is active: the engagement it replaces ends the day before the successor starts, with its
    days and fee prorated by the months it served, and the replacement request is complete."""
    old = Engagement.objects.select_for_update().get(pk=successor.replaces_id)
    before = {**_engagement_snapshot(old), "days_per_year": old.days_per_year, "fee": old.fee}
    ends_on = successor.starts_on - dt.timedelta(days=1)  # before old.starts_on if it never began
    share = share_served(starts_on=old.starts_on, ends_on=old.ends_on, fiscal_year=old.fiscal_year, until=ends_on)
    old.status = EngagementStatus.ENDED
    old.days_per_year, old.fee = round(old.days_per_year * share), round(old.fee * share)
    old.travel_cost = round(old.travel_cost * share)
    old.ends_on = ends_on
    old.save(update_fields=["status", "ends_on", "days_per_year", "fee", "travel_cost", "updated_at"])
    _lapse_exception_if_unused(user=user, engagement=old)
    audit_record(actor=user, action=AuditAction.ENGAGEMENT_END, obj=old, prefecture=old.municipality.prefecture,
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
    audit_record(actor=user, action=AuditAction.COI_OVERRIDE_LAPSE, obj=override, prefecture=override.municipality.prefecture,
                 before=before, after=_exception_snapshot(override))


def coi_override_revoke(*, user, override: CoiOverride, reason: str, end_engagements: bool = False) -> CoiOverride:
    """Revoke an exception. Engagements that rely on it must not go on silently: unless the coordinator
    chose to end them (an offer is withdrawn, an active engagement ends today, prorated), it is a 409 that
    names them."""
    if not coordinates(user, override.municipality.prefecture_id):
        raise ForbiddenError.single("exception", ErrorCode.NOT_YOURS, _("この例外を取り消せるのは、その市区町村の都道府県のみです。"))
    if not (reason or "").strip():
        raise DomainError.single("reason", ErrorCode.REQUIRED, _("取り消す理由を記入してください。"))
    with transaction.atomic():
        override = CoiOverride.objects.select_for_update().get(pk=override.pk)
        if override.revoked_at is not None:
            raise ConflictError.single("exception", ErrorCode.ALREADY_REVOKED, _("この例外は既に取り消されています。"))
        relying = list(override.engagements.filter(status__in=HOLDING_STATUSES).select_related("municipality"))
        if relying and not end_engagements:
            raise ConflictError.single("end_engagements", ErrorCode.RELIED_ON, interpolate(
                _("この例外で配置した任用があります: %(engagements)s。取り消すには、これらの任用を終了することを選んでください。"),
                engagements=joined(interpolate(_("%(expert)s（%(status)s）"), expert=e.expert.name,
                                               status=e.get_status_display()) for e in relying)))
        for engagement in relying:
            _end_for_revoked_exception(user=user, engagement=engagement)
        before = _exception_snapshot(override)
        override.revoked_at, override.revoked_by, override.revoke_reason = timezone.now(), user, reason.strip()
        override.save(update_fields=["revoked_at", "revoked_by", "revoke_reason"])
        audit_record(actor=user, action=AuditAction.COI_OVERRIDE_REVOKE, obj=override,
                     prefecture=override.municipality.prefecture, before=before, after=_exception_snapshot(override))
    return override


def _end_for_revoked_exception(*, user, engagement: Engagement) -> None:
    before = _engagement_snapshot(engagement)
    if engagement.status == EngagementStatus.OFFERED:
        engagement.status, engagement.declined_by = EngagementStatus.DECLINED, "coordinator"
        Need.objects.filter(pk=engagement.need_id).update(status=NeedStatus.OPEN)
    else:
        today = timezone.localdate()
        share = share_served(starts_on=engagement.starts_on, ends_on=engagement.ends_on,
                             fiscal_year=engagement.fiscal_year, until=today)
        engagement.status, engagement.ends_on = EngagementStatus.ENDED, max(today, engagement.starts_on)
        engagement.days_per_year = round(engagement.days_per_year * share)
        engagement.fee = round(engagement.fee * share)
        engagement.travel_cost = round(engagement.travel_cost * share)
        Need.objects.filter(pk=engagement.need_id).update(status=NeedStatus.OPEN)
    engagement.save()
    restrictions_sync_engagement_end(engagement=engagement)
    audit_record(actor=user, action=AuditAction.ENGAGEMENT_END, obj=engagement, prefecture=engagement.municipality.prefecture,
                 before=before, after={**_engagement_snapshot(engagement), "because": "exception revoked"})


def need_place_with_exception(*, user, need: Need, expert: Expert, reason: str) -> PairDecision:
    """Place an expert blocked only by the incumbent conflict: record the exception (this expert, this
    municipality, this fiscal year, with the reason) and pin the pair, so the next run proposes them."""
    if not (reason or "").strip():
        raise DomainError.single("reason", ErrorCode.REQUIRED, _("例外として配置する理由を記入してください。"))
    if need.status != NeedStatus.OPEN:
        raise ConflictError.single("need", ErrorCode.NOT_OPEN, _("募集中のニーズではありません。"))
    standing = next((c for c in need_candidates(user=user, need=need) if c.expert.pk == expert.pk), None)
    if standing is None or standing.blocked_by != "conflict":
        raise ConflictError.single("expert", ErrorCode.NOT_CONFLICT_ONLY,
                                   _("この人材は利益相反だけで除外されているわけではないため、例外では配置できません。"))
    with transaction.atomic():
        override = CoiOverride.objects.create(expert=expert, municipality=need.municipality,
                                              fiscal_year=need.fiscal_year, reason=reason.strip(), created_by=user)
        audit_record(actor=user, action=AuditAction.COI_OVERRIDE_CREATE, obj=override,
                     prefecture=need.municipality.prefecture,
                     after={"expert": expert.pk, "municipality": need.municipality_id, "reason": override.reason,
                            "need": need.pk})
        decision, _created = PairDecision.objects.update_or_create(
            need=need, expert=expert, defaults={"kind": DecisionKind.PIN, "created_by": user, "declined_by": "",
                                                "reason": ""})
        audit_record(actor=user, action=AuditAction.DECISION_SET, obj=need, prefecture=need.municipality.prefecture,
                     after={"expert": expert.pk, "kind": DecisionKind.PIN, "exception": override.pk})
    return decision


# -- replacement (要員交代) --------------------------------------------------------------------------------

def replacement_request(*, user, engagement: Engagement, reason: str) -> ReplacementRequest:
    if not is_staff_of(user, engagement.municipality_id):
        raise DomainError.single("engagement", ErrorCode.NOT_YOUR_ENGAGEMENT, _("自分の市区町村の任用のみ交代を依頼できます。"))
    if not (reason or "").strip():
        raise DomainError.single("reason", ErrorCode.REQUIRED, _("交代を依頼する理由を記入してください。"))
    if engagement.status != EngagementStatus.ACTIVE:
        raise ConflictError.single("engagement", ErrorCode.NOT_ACTIVE, _("稼働中の任用のみ交代を依頼できます。"))
    try:
        with transaction.atomic():
            request = ReplacementRequest.objects.create(engagement=engagement, reason=reason.strip(),
                                                        requested_by=user)
            # A pin on the current expert would contradict the request; the replacement run excludes them.
            PairDecision.objects.filter(need_id=engagement.need_id, expert_id=engagement.expert_id,
                                        kind=DecisionKind.PIN).delete()
            audit_record(actor=user, action=AuditAction.REPLACEMENT_REQUEST, obj=request,
                         prefecture=engagement.municipality.prefecture, after={"engagement": engagement.pk,
                                                                                "reason": request.reason})
            notify(recipients=recipients_coordinators(prefecture_id=engagement.municipality.prefecture_id),
                   kind=NotificationKind.REPLACEMENT_REQUESTED, link=reverse("frontend:replacements"),
                   params={"replacement": request.pk, "engagement": engagement.pk,
                           "municipality": engagement.municipality.name, "expert": engagement.expert.name,
                           "reason": request.reason})
    except IntegrityError:
        raise ConflictError.single("engagement", ErrorCode.ALREADY_REQUESTED, _("この任用の交代は既に依頼されています。")) from None
    return request


def replacement_run(*, user, replacement: ReplacementRequest, params: dict | None = None) -> MatchRun:
    if replacement.status != ReplacementStatus.OPEN:
        raise ConflictError.single("replacement", ErrorCode.NOT_OPEN, _("対応中の交代依頼ではありません。"))
    engagement = replacement.engagement
    return run_enqueue(actor=user, fiscal_year=engagement.fiscal_year,
                       scope=[engagement.municipality.prefecture_id], params=params, replacement=replacement)


def _replacement_complete(*, user, replacement: ReplacementRequest, successor: Engagement) -> None:
    replacement.status = ReplacementStatus.COMPLETED
    replacement.completed_at = timezone.now()
    replacement.save(update_fields=["status", "completed_at"])
    audit_record(actor=user, action=AuditAction.REPLACEMENT_COMPLETE, obj=replacement,
                 prefecture=successor.municipality.prefecture,
                 after={"successor": successor.pk, "replaced": replacement.engagement_id})

