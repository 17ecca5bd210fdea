"""Writes of engagements (任用・委託) once approved: the answers to the offer and the pledge, activation and the
hand-over to a successor, the exceptions to the incumbent conflict (利益相反の例外: revoked, lapsed), the request
for a replacement (要員交代), and the end. Approving a proposal into an offered engagement, placing an expert with
an exception and the replacement run belong to the placement app's services, above this app (they ask the engine
or queue a run); this module never imports them.

Every status here moves through its declared workflow (backend/engagements/workflows.py for an engagement, an
exception and a replacement) in the one service below that makes that move: it checks its actor first
(ForbiddenError, a 403, for a wrong role or someone else's engagement), owns its transaction and writes the audit
row of each move with its `AuditAction` member. A need is released through backend.needs.services, the
bid-restriction register written through backend.restrictions.services; both audit what they write.

Lock order, the same in every service so that none deadlock (approval keeps it too): the experts, then the
needs, then the proposal and the engagements, then the exception, then the rows of the register, each in id
order (backend/engagements/locks.py takes the first steps). An answer to an offer and the pledge lock the expert
first: the activation they may bring records the register under the expert's lock, so that an affiliation
changed at the same moment is recorded once (backend.restrictions.services).

This app reads and writes the run side it needs (a declined pair becomes a forbid) through backend.runs;
backend.runs never imports this module.
"""
import datetime as dt

from django.conf import settings
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import override

from backend.accounts.models import User
from backend.accounts.permissions import coordinates, is_expert_self, is_staff_of
from backend.core.audit import AuditAction, audit_record
from backend.core.choices import DECLINE_REASONS_CHOSEN, DeclineReason
from backend.core.errors import ConflictError, DomainError, ForbiddenError, interpolate, joined
from backend.core.fiscal import era_date
from backend.engagements.errors import ErrorCode
from backend.engagements.hooks import ENGAGEMENT_ENDED
from backend.engagements.locks import engagements_locked, experts_locked
from backend.engagements.models import (
    HOLDING_STATUSES,
    CoiOverride,
    ConflictResolution,
    Engagement,
    EngagementConflict,
    EngagementStatus,
    ExceptionState,
    ReplacementRequest,
    ReplacementStatus,
)
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.terms import share_served
from backend.engagements.workflows import (
    CONFLICT_WORKFLOW,
    ENGAGEMENT_WORKFLOW,
    EXCEPTION_WORKFLOW,
    REPLACEMENT_WORKFLOW,
)
from backend.experts.models import Expert
from backend.needs.services import need_release
from backend.notifications.models import NotificationKind
from backend.notifications.selectors import recipients_coordinators, recipients_parties
from backend.notifications.services import notify
from backend.restrictions.services import (
    restrictions_cancel_for_engagement,
    restrictions_record_for_engagement,
    restrictions_sync_engagement_end,
)
from backend.runs.models import DecisionKind, PairDecision

# -- notifications ------------------------------------------------------------------------------------

def engagement_notify(engagement: Engagement, kind: str, recipients, **extra) -> None:
    """Notify of an event of this engagement, inside the calling service's transaction; the link is the
    engagement's own page, where its answers and the pledge are given. Every service that tells of an engagement's
    event goes through it (approval's offer too, in the placement app's services), so the link and the parameters
    read the same everywhere."""
    notify(recipients=recipients, kind=kind, link=reverse("frontend:engagement", args=[engagement.pk]),
           params={"engagement": engagement.pk, "municipality": engagement.municipality.name,
                   "need": engagement.need.title or "—", "expert": engagement.expert.name, **extra})


def _tell_answer(engagement: Engagement, *, side: str, accept: bool) -> None:
    """The coordinators hear each answer; once the engagement is active, all three sides hear that instead."""
    if engagement.status == EngagementStatus.ACTIVE:
        _tell_active(engagement)
        return
    answered_by = engagement.municipality.name if side == "municipality" else engagement.expert.name
    held_by = _held_by(engagement) if not accept else None
    engagement_notify(engagement, NotificationKind.OFFER_ACCEPTED if accept else NotificationKind.OFFER_DECLINED,
          recipients_coordinators(prefecture_id=engagement.municipality.prefecture_id), answered_by=answered_by,
          **({"held_by": held_by} if held_by else {}))
    if accept and side == "expert" and not engagement.pledge_signed_at:
        # Accepted without the pledge (the API allows it): the engagement waits for the expert's signature.
        engagement_notify(engagement, NotificationKind.PLEDGE_TO_SIGN, recipients_parties(expert_id=engagement.expert_id))


def _held_by(engagement: Engagement) -> str | None:
    """The expert whose engagement still serves the need of this declined successor, if one does."""
    if not engagement.replaces_id:
        return None
    return Engagement.objects.filter(pk=engagement.replaces_id, status=EngagementStatus.ACTIVE).values_list(
        "expert__name", flat=True).first()


def _tell_active(engagement: Engagement) -> None:
    engagement_notify(engagement, NotificationKind.ENGAGEMENT_ACTIVE, recipients_parties(
        municipality_id=engagement.municipality_id, expert_id=engagement.expert_id,
        prefecture_id=engagement.municipality.prefecture_id))


# -- offers -------------------------------------------------------------------------------------------

def _engagement_snapshot(e: Engagement) -> dict:
    return {"status": e.status, "municipality_accepted_at": e.municipality_accepted_at,
            "expert_accepted_at": e.expert_accepted_at, "declined_by": e.declined_by or None,
            "ends_on": e.ends_on}


# -- the answer deadline (回答期限, issue 25) -------------------------------------------------------------------

# Who "declined" a lapsed offer: nobody answered by its deadline (Engagement.declined_by, PairDecision.declined_by).
LAPSED_BY = "lapsed"
# How many days before its deadline an offer not yet answered is reminded of (once).
REMIND_DAYS_BEFORE = 2


def _past_deadline(engagement: Engagement, today: dt.date) -> bool:
    return engagement.answer_by is not None and engagement.answer_by < today


def _too_late(engagement: Engagement) -> ConflictError:
    return ConflictError.single("answer_by", ErrorCode.ANSWER_TOO_LATE, interpolate(
        _("回答期限（%(answer_by)s）を過ぎたため、この打診は失効しました。ニーズは再び募集中です。"),
        answer_by=era_date(engagement.answer_by)))


def _lapse(engagement: Engagement) -> None:
    """Nobody answered the offer by its deadline: it lapses, in the system's name (no actor). As after a decline,
    the need is on offer again (a successor's lapse leaves it to the engagement it was to replace), the pair is
    remembered as a forbid that says why, and an exception it alone relied on lapses; both sides and the
    prefecture's coordinators are told. The caller holds the engagement's locks (`_offer_locked`)."""
    before = _engagement_snapshot(engagement)
    lapsed = {"declined_by": LAPSED_BY, "decline_code": DeclineReason.LAPSED, "decline_reason": ""}
    ENGAGEMENT_WORKFLOW.move(engagement, AuditAction.ENGAGEMENT_LAPSE, actor=None,
                             prefecture=engagement.municipality.prefecture, before=before,
                             after={**before, **lapsed, "answer_by": engagement.answer_by}, changes=lapsed)
    ENGAGEMENT_ENDED.fire(actor=None, engagement=engagement, cancelled=True)
    _release_need_if_free(actor=None, engagement=engagement, because="lapsed")
    with override(settings.LANGUAGE_CODE):  # the forbid keeps its reason in the house language
        _remember_decline(actor=None, engagement=engagement, side=LAPSED_BY, reason=str(DeclineReason.LAPSED.label))
    _lapse_exception_if_unused(actor=None, engagement=engagement)
    engagement_notify(engagement, NotificationKind.OFFER_LAPSED, recipients_parties(
        municipality_id=engagement.municipality_id, expert_id=engagement.expert_id,
        prefecture_id=engagement.municipality.prefecture_id), answer_by=engagement.answer_by.isoformat(),
        held_by=_held_by(engagement) or "")


def engagement_lapse(*, engagement: Engagement, today: dt.date | None = None) -> bool:
    """Lapse one offer if it is still offered and past its deadline (the daily task; an answer that came too late).
    True when it lapsed now; False when it was answered, lapsed or changed meanwhile (checked under its locks)."""
    today = today or timezone.localdate()
    with transaction.atomic():
        engagement = _offer_locked(engagement)
        if engagement.status != EngagementStatus.OFFERED or not _past_deadline(engagement, today):
            return False
        _lapse(engagement)
    return True


def engagements_lapse_due(*, today: dt.date | None = None) -> list[int]:
    """Every offer past its deadline lapses, each in its own transaction (the daily task). The ids lapsed."""
    today = today or timezone.localdate()
    due = Engagement.objects.filter(status=EngagementStatus.OFFERED, answer_by__lt=today).order_by("pk")
    return [e.pk for e in due if engagement_lapse(engagement=e, today=today)]


def engagements_remind_deadline(*, today: dt.date | None = None) -> list[int]:
    """Remind the side(s) that have not answered an offer whose deadline is within two days, once per offer
    (`deadline_reminded_at`); the side that accepted hears nothing (the expert who accepted without the pledge is
    reminded to sign it). Run daily by the worker; no actor: notifications are not audited. The ids reminded."""
    today = today or timezone.localdate()
    reminded = []
    with transaction.atomic():
        due = (Engagement.objects.select_for_update(of=("self",), skip_locked=True)
               .select_related("municipality", "expert", "need")
               .filter(status=EngagementStatus.OFFERED, deadline_reminded_at__isnull=True, answer_by__gte=today,
                       answer_by__lte=today + dt.timedelta(days=REMIND_DAYS_BEFORE)).order_by("pk"))
        for engagement in due:
            waiting = {"municipality_id": engagement.municipality_id} if not engagement.municipality_accepted_at else {}
            if not (engagement.expert_accepted_at and engagement.pledge_signed_at):
                waiting["expert_id"] = engagement.expert_id
            engagement.deadline_reminded_at = timezone.now()
            engagement.save(update_fields=["deadline_reminded_at"])
            engagement_notify(engagement, NotificationKind.OFFER_DEADLINE_NEAR, recipients_parties(**waiting),
                              answer_by=engagement.answer_by.isoformat())
            reminded.append(engagement.pk)
    return reminded


def engagement_deadline_set(*, actor: User, engagement: Engagement, answer_by: dt.date,
                            today: dt.date | None = None) -> Engagement:
    """The coordinator of the engagement's prefecture changes an offer's answer deadline (not to a past day);
    audited with the old and the new date, both sides told. A deadline moved is reminded of again."""
    if not coordinates(actor, engagement.municipality.prefecture_id):
        raise ForbiddenError.single("engagement", ErrorCode.NOT_YOURS,
                                    _("回答期限を変更できるのは、その市区町村の都道府県のコーディネーターのみです。"))
    today = today or timezone.localdate()
    if answer_by < today:
        raise DomainError.single("answer_by", ErrorCode.DEADLINE_PAST, interpolate(
            _("回答期限は今日（%(today)s）以降の日付にしてください。"), today=era_date(today)))
    with transaction.atomic():
        engagement = _offer_locked(engagement)
        if engagement.status != EngagementStatus.OFFERED:
            raise ConflictError.single("status", ErrorCode.NOT_OFFERED, _("承諾待ちの任用ではありません。"))
        before = {"answer_by": engagement.answer_by}
        if engagement.answer_by == answer_by:
            return engagement
        engagement.answer_by, engagement.deadline_reminded_at = answer_by, None
        engagement.save(update_fields=["answer_by", "deadline_reminded_at", "updated_at"])
        audit_record(actor=actor, action=AuditAction.ENGAGEMENT_DEADLINE_SET, obj=engagement,
                     prefecture=engagement.municipality.prefecture, before=before, after={"answer_by": answer_by})
        engagement_notify(engagement, NotificationKind.OFFER_DEADLINE_NEAR, recipients_parties(
            municipality_id=engagement.municipality_id, expert_id=engagement.expert_id),
            answer_by=answer_by.isoformat(), changed=True)
    return engagement


def decline_code_problem(code: str, reason: str) -> tuple[str, str] | None:
    """Why a decline's reason is incomplete, or None: a code among DECLINE_REASONS_CHOSEN is required, and the
    words too when the code is その他. (field, message)"""
    if code not in DECLINE_REASONS_CHOSEN:
        return "decline_code", _("辞退の理由を一覧から選んでください。")
    if code == DeclineReason.OTHER and not reason:
        return "reason", _("辞退の理由で「その他」を選んだときは、理由を記入してください。")
    return None


def _side_of(actor: User, engagement: Engagement) -> str:
    """The side of the offer the actor answers for. Anyone else may not answer it: a 403, as for any write that
    is not theirs (the municipality and the expert of an engagement never change)."""
    if is_staff_of(actor, engagement.municipality_id):
        return "municipality"
    if is_expert_self(actor, engagement.expert_id):
        return "expert"
    raise ForbiddenError.single("engagement", ErrorCode.NOT_A_PARTY, _("この任用の当事者ではありません。"))


def _offer_locked(engagement: Engagement) -> Engagement:
    """The engagement, locked in the one order (backend/engagements/locks.py) with its expert and need, and the
    engagement it replaces with that one's expert: the activation an answer may bring ends the predecessor and
    records the register under the experts' locks."""
    return engagements_locked([engagement.pk])[engagement.pk]


def _remember_decline(*, actor: User, engagement: Engagement, side: str, reason: str) -> None:
    """A declined pair is not proposed again for that need: it becomes a forbid naming who declined, when
    and why, and replaces any pin on the pair. The coordinator sees it and can lift it."""
    PairDecision.objects.update_or_create(
        need_id=engagement.need_id, expert_id=engagement.expert_id,
        defaults={"kind": DecisionKind.FORBID, "declined_by": side, "reason": reason, "created_by": actor})


def _release_need_if_free(*, actor: User, engagement: Engagement, because: str) -> None:
    """The engagement no longer holds its need: the need is on offer again, unless another engagement holds
    it (a declined or withdrawn successor leaves the need to the engagement it was to replace)."""
    if not Engagement.objects.filter(need_id=engagement.need_id, status__in=HOLDING_STATUSES).exclude(
            pk=engagement.pk).exists():
        need_release(actor=actor, need=engagement.need, cause={"engagement": engagement.pk, "because": because})


def _activate_if_ready(*, actor: User, engagement: Engagement) -> None:
    """Active once both sides accepted and the expert signed the pledge for this municipality. The engagement it
    replaces hands over first (one engagement holds a need at a time), and the register records a row per vendor
    of the expert."""
    if not (engagement.municipality_accepted_at and engagement.expert_accepted_at and engagement.pledge_signed_at):
        return
    if engagement.replaces_id:
        _hand_over(actor=actor, successor=engagement)
    ENGAGEMENT_WORKFLOW.move(engagement, AuditAction.ENGAGEMENT_ACTIVATE, actor=actor,
                             prefecture=engagement.municipality.prefecture,
                             after={"starts_on": engagement.starts_on, "ends_on": engagement.ends_on,
                                    "pledge_version": engagement.pledge_version,
                                    "replaces": engagement.replaces_id})
    restrictions_record_for_engagement(actor=actor, engagement=engagement)


def _sign_pledge(*, actor: User, engagement: Engagement, version: str) -> None:
    if version != PLEDGE_VERSION:
        raise ConflictError.single("pledge_version", ErrorCode.OUTDATED,
                                   _("誓約書の文面が更新されています。最新の文面を確認して署名してください。"))
    engagement.pledge_signed_at, engagement.pledge_version = timezone.now(), version
    engagement.save(update_fields=["pledge_signed_at", "pledge_version", "updated_at"])
    audit_record(actor=actor, action=AuditAction.ENGAGEMENT_SIGN_PLEDGE, obj=engagement,
                 prefecture=engagement.municipality.prefecture,
                 after={"version": version, "municipality": engagement.municipality_id,
                        "signed_at": engagement.pledge_signed_at})


def engagement_sign_pledge(*, actor: User, engagement: Engagement, version: str,
                           today: dt.date | None = None) -> Engagement:
    """The expert signs the confidentiality pledge (情報漏洩防止の誓約) for this engagement's municipality; after
    the offer's deadline it is refused, and the offer lapses then (409)."""
    if not is_expert_self(actor, engagement.expert_id):
        raise ForbiddenError.single("engagement", ErrorCode.NOT_THE_EXPERT, _("誓約書に署名できるのは任用される専門人材のみです。"))
    today = today or timezone.localdate()
    with transaction.atomic():
        engagement = _offer_locked(engagement)
        lapsed = engagement.status == EngagementStatus.OFFERED and _past_deadline(engagement, today)
        if lapsed:
            _lapse(engagement)
        else:
            if engagement.status != EngagementStatus.OFFERED or engagement.pledge_signed_at:
                raise ConflictError.single("status", ErrorCode.NOT_AWAITING_PLEDGE, _("この任用は誓約書の署名を待っていません。"))
            _sign_pledge(actor=actor, engagement=engagement, version=version)
            _activate_if_ready(actor=actor, engagement=engagement)
            if engagement.status == EngagementStatus.ACTIVE:
                _tell_active(engagement)
    if lapsed:  # committed: the lapse stands although the signature is refused
        raise _too_late(engagement)
    return engagement


def engagement_respond(*, actor: User, engagement: Engagement, accept: bool, reason: str = "",
                       decline_code: str = "", pledge_version: str = "",
                       today: dt.date | None = None) -> Engagement:
    """The municipality and the expert each accept or decline; the expert may sign the pledge with the
    acceptance. Active once both accepted and the pledge is signed. A decline says why: a code among
    DECLINE_REASONS_CHOSEN and, for その他, the words. An answer after the offer's deadline is refused (409) and
    the offer lapses then, if the daily task has not lapsed it yet: no offer waits past its deadline."""
    side = _side_of(actor, engagement)
    reason = (reason or "").strip()
    if not accept and (problem := decline_code_problem(decline_code, reason)):
        raise DomainError.single(problem[0], ErrorCode.DECLINE_CODE if problem[0] == "decline_code"
                                 else ErrorCode.REQUIRED, problem[1])
    today = today or timezone.localdate()
    with transaction.atomic():
        engagement = _offer_locked(engagement)
        if engagement.status != EngagementStatus.OFFERED:
            raise ConflictError.single("status", ErrorCode.NOT_OFFERED, _("承諾待ちの任用ではありません。"))
        lapsed = _past_deadline(engagement, today)
        if lapsed:
            _lapse(engagement)
        elif accept:
            _accept(actor=actor, engagement=engagement, side=side, pledge_version=pledge_version)
        else:
            _decline(actor=actor, engagement=engagement, side=side, reason=reason, code=decline_code)
        if not lapsed:
            _tell_answer(engagement, side=side, accept=accept)
    if lapsed:  # committed: the lapse stands although the answer is refused
        raise _too_late(engagement)
    return engagement


def _accept(*, actor: User, engagement: Engagement, side: str, pledge_version: str) -> None:
    before = _engagement_snapshot(engagement)
    setattr(engagement, f"{side}_accepted_at", timezone.now())
    engagement.save(update_fields=[f"{side}_accepted_at", "updated_at"])
    audit_record(actor=actor, action=AuditAction.ENGAGEMENT_ACCEPT, obj=engagement,
                 prefecture=engagement.municipality.prefecture, before=before, after=_engagement_snapshot(engagement))
    if side == "expert" and pledge_version:
        _sign_pledge(actor=actor, engagement=engagement, version=pledge_version)
    _activate_if_ready(actor=actor, engagement=engagement)


def _decline(*, actor: User, engagement: Engagement, side: str, reason: str, code: str) -> None:
    ENGAGEMENT_WORKFLOW.move(engagement, AuditAction.ENGAGEMENT_DECLINE, actor=actor,
                             prefecture=engagement.municipality.prefecture, before=_engagement_snapshot(engagement),
                             after={**_engagement_snapshot(engagement), "declined_by": side, "reason": reason,
                                    "decline_code": code},
                             changes={"declined_by": side, "decline_code": code, "decline_reason": reason})
    ENGAGEMENT_ENDED.fire(actor=actor, engagement=engagement, cancelled=True)
    _release_need_if_free(actor=actor, engagement=engagement, because="declined")
    with override(settings.LANGUAGE_CODE):  # the forbid says why: the words, else the code's label (house language)
        said = reason or str(DeclineReason(code).label)
    _remember_decline(actor=actor, engagement=engagement, side=side, reason=said)
    _lapse_exception_if_unused(actor=actor, engagement=engagement)


def _hand_over(*, actor: User, successor: Engagement) -> None:
    """The successor becomes active: the engagement it replaces ends the day before the successor starts, with its
    days and fee prorated by the months it served, or, when the successor starts on or before its first day (a
    replacement asked for before the fiscal year began), it is cancelled as never started: its term and fee stay
    as offered, and the restrictions it recorded, never in force, leave the register. Either is done in the name
    of the one who asked for the replacement (the coordinator who approved the successor if nobody did), not of
    the successor whose answer completed it (`activated_by` on the row). Unless it ended already (its exception
    was revoked), the replaced expert is told. The replacement request is complete."""
    old = Engagement.objects.select_for_update(of=("self",)).select_related(
        "municipality__prefecture", "need", "expert").get(pk=successor.replaces_id)
    replacement = ReplacementRequest.objects.select_for_update(of=("self",)).select_related("requested_by").filter(
        engagement=old, status=ReplacementStatus.OPEN).first()
    if old.status == EngagementStatus.ACTIVE:
        by = (replacement.requested_by if replacement else None) or successor.approved_by or actor
        why = {"successor": successor.pk, "activated_by": actor.pk,
               "replacement": replacement.pk if replacement else None}
        if successor.starts_on <= old.starts_on:
            ENGAGEMENT_WORKFLOW.move(
                old, AuditAction.ENGAGEMENT_CANCEL, actor=by, prefecture=old.municipality.prefecture,
                before=_engagement_snapshot(old),
                after={**_engagement_snapshot(old), **why, "because": "replaced before its start"})
            restrictions_cancel_for_engagement(actor=by, engagement=old)
            ENGAGEMENT_ENDED.fire(actor=by, engagement=old, cancelled=True)
        else:
            ends_on = successor.starts_on - dt.timedelta(days=1)
            share = share_served(starts_on=old.starts_on, ends_on=old.ends_on, fiscal_year=old.fiscal_year,
                                 until=ends_on)
            cut = {"ends_on": ends_on, "days_per_year": round(old.days_per_year * share),
                   "fee": round(old.fee * share), "travel_cost": round(old.travel_cost * share)}
            ENGAGEMENT_WORKFLOW.move(
                old, AuditAction.ENGAGEMENT_END, actor=by, prefecture=old.municipality.prefecture,
                before={**_engagement_snapshot(old), "days_per_year": old.days_per_year, "fee": old.fee},
                after={**_engagement_snapshot(old), **cut, **why}, changes=cut)
            restrictions_sync_engagement_end(actor=by, engagement=old)
            ENGAGEMENT_ENDED.fire(actor=by, engagement=old, cancelled=False)
        _lapse_exception_if_unused(actor=by, engagement=old)
        engagement_notify(old, NotificationKind.ENGAGEMENT_REPLACED, recipients_parties(expert_id=old.expert_id),
                          successor=successor.expert.name, cancelled=old.status == EngagementStatus.CANCELLED,
                          ends_on=old.ends_on.isoformat())
    if replacement is not None:
        _replacement_complete(actor=actor, replacement=replacement, successor=successor)


# -- exceptions (利益相反の例外) ---------------------------------------------------------------------------------

def _exception_snapshot(o: CoiOverride) -> dict:
    return {"expert": o.expert_id, "municipality": o.municipality_id, "fiscal_year": o.fiscal_year,
            "reason": o.reason, "lapsed_at": o.lapsed_at, "revoked_at": o.revoked_at,
            "revoke_reason": o.revoke_reason or None}


def _lapse_exception_if_unused(*, actor: User, engagement: Engagement) -> None:
    """An exception covers the engagements approved with it; once none of them holds any more (declined,
    ended), it lapses, so that a later placement at that municipality asks for a reason again. Locked after the
    engagement (the module's lock order), so that two engagements ending at once see each other's end."""
    if engagement.coi_override_id is None:
        return
    override = CoiOverride.objects.select_for_update(of=("self",)).select_related("municipality__prefecture").get(
        pk=engagement.coi_override_id)
    if override.state != ExceptionState.IN_FORCE:
        return
    if override.engagements.filter(status__in=HOLDING_STATUSES).exclude(pk=engagement.pk).exists():
        return
    lapsed = {"lapsed_at": timezone.now()}
    EXCEPTION_WORKFLOW.move(override, AuditAction.COI_OVERRIDE_LAPSE, actor=actor,
                            prefecture=override.municipality.prefecture, before=_exception_snapshot(override),
                            after={**_exception_snapshot(override), **lapsed}, changes=lapsed)


def coi_override_revoke(*, actor: User, override: CoiOverride, reason: str, end_engagements: bool = False,
                        lift_pins: bool = True) -> CoiOverride:
    """Revoke an exception. Engagements that rely on it must not go on silently: unless the coordinator
    chose to end them (an offer is withdrawn, an active engagement ends today, prorated), it is a 409 that
    names them. The pins placing with the exception made (this expert on that municipality's needs of that
    fiscal year) are lifted unless the coordinator keeps them: kept, they break the incumbent conflict rule in
    every later run, which then cannot be solved."""
    if not coordinates(actor, override.municipality.prefecture_id):
        raise ForbiddenError.single("exception", ErrorCode.NOT_YOURS, _("この例外を取り消せるのは、その市区町村の都道府県のみです。"))
    if not (reason or "").strip():
        raise DomainError.single("reason", ErrorCode.REQUIRED, _("取り消す理由を記入してください。"))
    with transaction.atomic():
        # Lock order (backend/engagements/locks.py): the exception's expert first, so no approval adds an
        # engagement relying on it meanwhile; then the relying engagements with their needs, then the exception.
        experts_locked([override.expert_id])
        relying = [e for e in engagements_locked(
            Engagement.objects.filter(coi_override_id=override.pk, status__in=HOLDING_STATUSES).values_list(
                "pk", flat=True), predecessors=False).values() if e.status in HOLDING_STATUSES]
        override = CoiOverride.objects.select_for_update(of=("self",)).select_related(
            "municipality__prefecture").get(pk=override.pk)
        if override.revoked_at is not None:
            raise ConflictError.single("exception", ErrorCode.ALREADY_REVOKED, _("この例外は既に取り消されています。"))
        if relying and not end_engagements:
            raise ConflictError.single("end_engagements", ErrorCode.RELIED_ON, interpolate(
                _("この例外で配置した任用があります: %(engagements)s。取り消すには、これらの任用を終了することを選んでください。"),
                engagements=joined(interpolate(_("%(expert)s（%(status)s）"), expert=e.expert.name,
                                               status=e.get_status_display()) for e in relying)))
        for engagement in relying:
            _end_early(actor=actor, engagement=engagement, because="exception revoked")
        revoked = {"revoked_at": timezone.now(), "revoked_by": actor, "revoke_reason": reason.strip()}
        EXCEPTION_WORKFLOW.move(override, AuditAction.COI_OVERRIDE_REVOKE, actor=actor,
                                prefecture=override.municipality.prefecture, before=_exception_snapshot(override),
                                after={**_exception_snapshot(override), **revoked, "revoked_by": actor.pk},
                                changes=revoked)
        if lift_pins:
            _lift_exception_pins(actor=actor, override=override)
    return override


def _lift_exception_pins(*, actor: User, override: CoiOverride) -> None:
    """The pins of the exception's expert on its municipality's needs of its fiscal year go, each audited on its
    need as the coordinator's own clearing would be."""
    pins = PairDecision.objects.select_for_update(of=("self",)).filter(
        expert_id=override.expert_id, kind=DecisionKind.PIN, need__municipality_id=override.municipality_id,
        need__fiscal_year=override.fiscal_year).select_related("need").order_by("pk")
    for pin in pins:
        pin.delete()
        audit_record(actor=actor, action=AuditAction.DECISION_SET, obj=pin.need,
                     prefecture=override.municipality.prefecture, before={"kind": DecisionKind.PIN, "declined_by": None},
                     after={"expert": override.expert_id, "kind": None, "because": "exception revoked",
                            "exception": override.pk})


def _end_early(*, actor: User, engagement: Engagement, because: str, on: dt.date | None = None, reason: str = "",
               side: str = "") -> None:
    """End an engagement before its term (its exception revoked, a conflict that arose later, ending mid-year): an
    offer is withdrawn; an active engagement ends on `on` (today unless given), prorated by the months served, and
    so do its restrictions; `reason` and `side` ("prefecture" or "municipality") are kept on it when given. Either
    way the need is on offer again."""
    before = _engagement_snapshot(engagement)
    prefecture = engagement.municipality.prefecture
    if engagement.status == EngagementStatus.OFFERED:
        withdrawn = {"declined_by": "coordinator"}
        ENGAGEMENT_WORKFLOW.move(engagement, AuditAction.ENGAGEMENT_WITHDRAW, actor=actor, prefecture=prefecture,
                                 before=before, after={**before, **withdrawn, "because": because},
                                 changes=withdrawn)
        ENGAGEMENT_ENDED.fire(actor=actor, engagement=engagement, cancelled=True)
    else:
        until = on or timezone.localdate()
        share = share_served(starts_on=engagement.starts_on, ends_on=engagement.ends_on,
                             fiscal_year=engagement.fiscal_year, until=until)
        cut = {"ends_on": max(until, engagement.starts_on), "days_per_year": round(engagement.days_per_year * share),
               "fee": round(engagement.fee * share), "travel_cost": round(engagement.travel_cost * share)}
        said = {"end_reason": reason, "ended_by_side": side} if reason else {}
        ENGAGEMENT_WORKFLOW.move(engagement, AuditAction.ENGAGEMENT_END, actor=actor, prefecture=prefecture,
                                 before={**before, "days_per_year": engagement.days_per_year, "fee": engagement.fee,
                                         "travel_cost": engagement.travel_cost},
                                 after={**before, **cut, **said, "because": because}, changes={**cut, **said})
        restrictions_sync_engagement_end(actor=actor, engagement=engagement)
        ENGAGEMENT_ENDED.fire(actor=actor, engagement=engagement, cancelled=False)
        _close_replacements(actor=actor, engagement=engagement, because=because)
    _release_need_if_free(actor=actor, engagement=engagement, because=because)


def _close_replacements(*, actor: User, engagement: Engagement, because: str) -> None:
    """A replacement asked for an engagement that ended before its successor took over has nothing left to
    replace: it is closed, not left 対応中 on every list (the need is on offer again for the year's run). While a
    successor is offered, it stays open: that successor's activation completes it."""
    if Engagement.objects.filter(replaces=engagement, status=EngagementStatus.OFFERED).exists():
        return
    for replacement in ReplacementRequest.objects.select_for_update(of=("self",)).filter(
            engagement=engagement, status=ReplacementStatus.OPEN):
        REPLACEMENT_WORKFLOW.move(replacement, AuditAction.REPLACEMENT_CLOSE, actor=actor,
                                  prefecture=engagement.municipality.prefecture,
                                  changes={"completed_at": timezone.now()},
                                  after={"replaced": engagement.pk, "ends_on": engagement.ends_on, "because": because})


# -- ending mid-year (任期途中の終了) ---------------------------------------------------------------------------

def _ending_side(actor: User, engagement: Engagement) -> str:
    """Who may end an engagement mid-year: the coordinator of its prefecture, or staff of its municipality (for
    the municipality's side). The expert asks the municipality; anyone else is refused."""
    if coordinates(actor, engagement.municipality.prefecture_id):
        return "prefecture"
    if is_staff_of(actor, engagement.municipality_id):
        return "municipality"
    raise ForbiddenError.single("engagement", ErrorCode.NOT_YOURS,
                                _("任用を途中で終了できるのは、都道府県のコーディネーターと市区町村の職員のみです。"))


def end_date_problem(engagement: Engagement, on: dt.date, *, today: dt.date) -> str | None:
    """Why `on` cannot be the last day of this engagement, or None. Within the term (from its start, before its
    end: the last day itself needs no early end) and not before the first of the current month (that month's
    work may already be logged; earlier months are the record the money is computed from)."""
    if not engagement.starts_on <= on < engagement.ends_on:
        return interpolate(_("終了日は任期内（%(starts)s〜%(ends)sの前日）の日付にしてください。"),
                           starts=era_date(engagement.starts_on), ends=era_date(engagement.ends_on))
    first = today.replace(day=1)
    if on < first:
        return interpolate(_("終了日は今月1日（%(first)s）以降の日付にしてください。前月までの活動は記録済みです。"),
                           first=era_date(first))
    return None


@transaction.atomic(durable=True)
def engagement_end(*, actor: User, engagement: Engagement, on: dt.date, reason: str) -> Engagement:
    """End an active engagement mid-year (任期途中の終了) on `on`, with the reason: the coordinator, or the
    municipality for its side. Its days, fee and travel are prorated by the months served, its bid restrictions
    end that day, the visit plan drops the later dates (ENGAGEMENT_ENDED), the need is on offer again (the
    engagement's page offers the coordinator a run to find a successor), and the expert, the municipality's
    staff and the coordinators are told. The term only shrinks, so no incumbent conflict can arise from it: no
    conflict scan (backend.placement.conflicts) is needed."""
    side = _ending_side(actor, engagement)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError.single("reason", ErrorCode.REQUIRED, _("終了の理由を記入してください。"))
    engagement = engagements_locked([engagement.pk], predecessors=False)[engagement.pk]
    if engagement.status != EngagementStatus.ACTIVE:
        raise ConflictError.single("engagement", ErrorCode.NOT_ACTIVE, _("途中で終了できるのは稼働中の任用のみです。"))
    problem = end_date_problem(engagement, on, today=timezone.localdate())
    if problem:
        raise DomainError.single("ends_on", ErrorCode.OUTSIDE_TERM, problem)
    _end_early(actor=actor, engagement=engagement, because="ended mid-year", on=on, reason=reason, side=side)
    _lapse_exception_if_unused(actor=actor, engagement=engagement)
    prefecture = engagement.municipality.prefecture
    engagement_notify(engagement, NotificationKind.ENGAGEMENT_ENDED_EARLY, recipients_parties(
        municipality_id=engagement.municipality_id, expert_id=engagement.expert_id, prefecture_id=prefecture.pk),
        ends_on=on.isoformat(), reason=reason,
        ended_by=prefecture.name if side == "prefecture" else engagement.municipality.name)
    return engagement


# -- replacement (要員交代) --------------------------------------------------------------------------------

def replacement_request(*, actor: User, engagement: Engagement, reason: str) -> ReplacementRequest:
    """Staff of the municipality ask for another expert on an active engagement, with the reason."""
    if not is_staff_of(actor, engagement.municipality_id):
        raise ForbiddenError.single("engagement", ErrorCode.NOT_YOUR_ENGAGEMENT, _("自分の市区町村の任用のみ交代を依頼できます。"))
    if not (reason or "").strip():
        raise DomainError.single("reason", ErrorCode.REQUIRED, _("交代を依頼する理由を記入してください。"))
    try:
        with transaction.atomic():
            engagement = engagements_locked([engagement.pk], predecessors=False)[engagement.pk]
            if engagement.status != EngagementStatus.ACTIVE:
                raise ConflictError.single("engagement", ErrorCode.NOT_ACTIVE, _("稼働中の任用のみ交代を依頼できます。"))
            request = ReplacementRequest.objects.create(engagement=engagement, reason=reason.strip(),
                                                        requested_by=actor)
            # A pin on the current expert would contradict the request; the replacement run excludes them.
            PairDecision.objects.filter(need_id=engagement.need_id, expert_id=engagement.expert_id,
                                        kind=DecisionKind.PIN).delete()
            audit_record(actor=actor, action=AuditAction.REPLACEMENT_REQUEST, obj=request,
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


def _replacement_complete(*, actor: User, replacement: ReplacementRequest, successor: Engagement) -> None:
    REPLACEMENT_WORKFLOW.move(replacement, AuditAction.REPLACEMENT_COMPLETE, actor=actor,
                              prefecture=successor.municipality.prefecture, changes={"completed_at": timezone.now()},
                              after={"successor": successor.pk, "replaced": replacement.engagement_id})


# -- conflicts that arose after the offer (任用後に生じた利益相反) ----------------------------------------------------
# Recorded by backend.placement.conflicts (which asks the engine's incumbent rule); resolved here, by the
# coordinator of the engagement's prefecture only: an exception with its reason, or the end of the engagement.

def _exception_record(*, actor: User, expert: Expert, municipality, fiscal_year: int, reason: str,
                     **cause) -> CoiOverride:
    """The exception in force for this expert, municipality and fiscal year, recorded (and audited) with the
    reason unless one is in force already. The caller has checked the actor and holds the expert's lock."""
    existing = CoiOverride.objects.in_force().filter(expert=expert, municipality=municipality,
                                                     fiscal_year=fiscal_year).first()
    if existing is not None:
        return existing
    override = CoiOverride.objects.create(expert=expert, municipality=municipality, fiscal_year=fiscal_year,
                                          reason=reason.strip(), created_by=actor)
    audit_record(actor=actor, action=AuditAction.COI_OVERRIDE_CREATE, obj=override, prefecture=municipality.prefecture,
                 after={"expert": expert.pk, "municipality": municipality.pk, "reason": override.reason, **cause})
    return override


def _conflict_check(actor: User, conflict: EngagementConflict) -> None:
    prefecture_id = Engagement.objects.values_list("municipality__prefecture_id", flat=True).get(
        pk=conflict.engagement_id)
    if not coordinates(actor, prefecture_id):
        raise ForbiddenError.single("conflict", ErrorCode.NOT_YOURS,
                                    _("利益相反を解消できるのは、その市区町村の都道府県のコーディネーターのみです。"))


def _conflict_locked(conflict: EngagementConflict) -> tuple[Engagement, list[EngagementConflict]]:
    """The module's lock order: the expert, the engagement with its need, then the engagement's open conflicts.
    Refused once the conflict is resolved or the engagement no longer holds."""
    engagement = _offer_locked(conflict.engagement)
    conflicts = list(EngagementConflict.objects.select_for_update().filter(
        engagement=engagement, resolved_at__isnull=True).order_by("pk"))
    if conflict.pk not in {c.pk for c in conflicts}:
        raise ConflictError.single("conflict", ErrorCode.ALREADY_RESOLVED, _("この利益相反は既に解消されています。"))
    if engagement.status not in HOLDING_STATUSES:
        raise ConflictError.single("conflict", ErrorCode.NOT_HOLDING, interpolate(
            _("この任用は既に「%(status)s」です。"), status=engagement.get_status_display()))
    return engagement, conflicts


def _resolution(conflict: EngagementConflict, *, actor: User, resolution: str, override: CoiOverride | None = None,
                reason: str = "") -> dict:
    """What a move that resolves `conflict` writes and records (its `changes`, `before`, `after`)."""
    named = {"engagement": conflict.engagement_id, "vendor": conflict.vendor_id, "procurement": conflict.procurement_id}
    return {"changes": {"resolved_at": timezone.now(), "resolved_by": actor, "resolution": resolution,
                        "coi_override": override},
            "before": named, "after": {**named, "resolution": resolution, "exception": override.pk if override else None,
                                       "reason": reason or None}}


def engagement_conflict_except(*, actor: User, conflict: EngagementConflict, reason: str) -> EngagementConflict:
    """The coordinator keeps the engagement with a recorded exception (利益相反の例外, with the reason): the
    engagement relies on it from now on (revoking it ends the engagement), and every open conflict of the
    engagement is resolved by it."""
    _conflict_check(actor, conflict)
    if not (reason or "").strip():
        raise DomainError.single("reason", ErrorCode.REQUIRED, _("例外として継続する理由を記入してください。"))
    with transaction.atomic():
        engagement, conflicts = _conflict_locked(conflict)
        override = _exception_record(actor=actor, expert=engagement.expert, municipality=engagement.municipality,
                                    fiscal_year=engagement.fiscal_year, reason=reason,
                                    engagement=engagement.pk, conflict=conflict.pk)
        if engagement.coi_override_id != override.pk:
            audit_record(actor=actor, action=AuditAction.ENGAGEMENT_CONFLICT_EXCEPT, obj=engagement,
                         prefecture=engagement.municipality.prefecture,
                         before={"coi_override": engagement.coi_override_id}, after={"coi_override": override.pk})
            engagement.coi_override = override
            engagement.save(update_fields=["coi_override", "updated_at"])
        for open_conflict in conflicts:
            CONFLICT_WORKFLOW.move(open_conflict, AuditAction.ENGAGEMENT_CONFLICT_EXCEPT, actor=actor,
                                   prefecture=engagement.municipality.prefecture, **_resolution(
                                       open_conflict, actor=actor, resolution=ConflictResolution.EXCEPTION,
                                       override=override, reason=reason.strip()))
    return EngagementConflict.objects.get(pk=conflict.pk)


def engagement_conflict_end(*, actor: User, conflict: EngagementConflict, reason: str = "") -> EngagementConflict:
    """The coordinator ends the engagement for the conflict: an offer is withdrawn, an active engagement ends today
    (prorated, with its restrictions), as when an exception is revoked; every open conflict of it is resolved."""
    _conflict_check(actor, conflict)
    with transaction.atomic():
        engagement, conflicts = _conflict_locked(conflict)
        _end_early(actor=actor, engagement=engagement, because="incumbent conflict")
        _lapse_exception_if_unused(actor=actor, engagement=engagement)
        for open_conflict in conflicts:
            CONFLICT_WORKFLOW.move(open_conflict, AuditAction.ENGAGEMENT_CONFLICT_END, actor=actor,
                                   prefecture=engagement.municipality.prefecture, **_resolution(
                                       open_conflict, actor=actor, resolution=ConflictResolution.ENDED,
                                       reason=(reason or "").strip()))
    return EngagementConflict.objects.get(pk=conflict.pk)
