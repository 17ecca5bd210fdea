"""The allowed moves of an engagement, an exception (利益相反の例外) and a replacement request, each with the
audit action that records it (issue 22). Only `backend.engagements.services` moves them."""

from backend.core.audit import AuditAction
from backend.core.transitions import Move, Workflow, register
from backend.engagements.models import ConflictState, EngagementStatus, ExceptionState, ReplacementStatus

ENGAGEMENT_WORKFLOW = register(Workflow(
    "engagements.Engagement",
    # Both sides accepted and the expert signed the pledge: the bid restrictions start with it.
    Move(AuditAction.ENGAGEMENT_ACTIVATE, {EngagementStatus.OFFERED}, EngagementStatus.ACTIVE),
    Move(AuditAction.ENGAGEMENT_DECLINE, {EngagementStatus.OFFERED}, EngagementStatus.DECLINED),
    # The prefecture withdraws an offer (its exception was revoked): declined, by the coordinator.
    Move(AuditAction.ENGAGEMENT_WITHDRAW, {EngagementStatus.OFFERED}, EngagementStatus.DECLINED),
    # Nobody answered by the offer's deadline (issue 25): it lapses, the need is on offer again.
    Move(AuditAction.ENGAGEMENT_LAPSE, {EngagementStatus.OFFERED}, EngagementStatus.LAPSED),
    Move(AuditAction.ENGAGEMENT_END, {EngagementStatus.ACTIVE}, EngagementStatus.ENDED),
    # Its successor became active before its term began: it never started (no end date, no restriction).
    Move(AuditAction.ENGAGEMENT_CANCEL, {EngagementStatus.ACTIVE}, EngagementStatus.CANCELLED),
    labels=dict(EngagementStatus.choices),
))

EXCEPTION_WORKFLOW = register(Workflow(
    "engagements.CoiOverride",
    Move(AuditAction.COI_OVERRIDE_LAPSE, {ExceptionState.IN_FORCE}, ExceptionState.LAPSED),
    Move(AuditAction.COI_OVERRIDE_REVOKE, {ExceptionState.IN_FORCE, ExceptionState.LAPSED}, ExceptionState.REVOKED),
    state="state", writes_status=False, labels=dict(ExceptionState.choices),
))

REPLACEMENT_WORKFLOW = register(Workflow(
    "engagements.ReplacementRequest",
    Move(AuditAction.REPLACEMENT_COMPLETE, {ReplacementStatus.OPEN}, ReplacementStatus.COMPLETED),
    # The engagement ended early before any successor was active (backend.engagements.services._end_early).
    Move(AuditAction.REPLACEMENT_CLOSE, {ReplacementStatus.OPEN}, ReplacementStatus.CLOSED),
    labels=dict(ReplacementStatus.choices),
))

CONFLICT_WORKFLOW = register(Workflow(
    "engagements.EngagementConflict",
    # The coordinator records an exception for the engagement, or ends it (backend/placement/conflicts.py).
    Move(AuditAction.ENGAGEMENT_CONFLICT_EXCEPT, {ConflictState.OPEN}, ConflictState.RESOLVED),
    Move(AuditAction.ENGAGEMENT_CONFLICT_END, {ConflictState.OPEN}, ConflictState.RESOLVED),
    state="state", writes_status=False, labels=dict(ConflictState.choices),
))
