"""The allowed moves of a need's status, each with the audit action that records it (issue 22).

Only `backend.needs.services` moves a need: the engagement and renewal services call its functions.
"""

from backend.core.audit import AuditAction
from backend.core.transitions import Move, Workflow, register
from backend.needs.models import NeedStatus

NEED_WORKFLOW = register(Workflow(
    "needs.Need",
    Move(AuditAction.NEED_WITHDRAW, {NeedStatus.OPEN}, NeedStatus.WITHDRAWN),
    Move(AuditAction.NEED_REOPEN, {NeedStatus.WITHDRAWN, NeedStatus.DROPPED}, NeedStatus.OPEN),
    # An approval fills the need; a declined offer or an engagement ended early puts it back on offer.
    Move(AuditAction.NEED_FILL, {NeedStatus.OPEN}, NeedStatus.FILLED),
    Move(AuditAction.NEED_RELEASE, {NeedStatus.FILLED}, NeedStatus.OPEN),
    Move(AuditAction.NEED_RENEWAL_CONFIRM, {NeedStatus.RENEWAL}, NeedStatus.OPEN),
    Move(AuditAction.NEED_RENEWAL_DROP, {NeedStatus.RENEWAL}, NeedStatus.DROPPED),
    labels=dict(NeedStatus.choices),
))
