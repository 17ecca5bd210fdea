"""The allowed moves of a month's confirmation (月次確認), each with the audit action that records it (issue 23).
Only `backend.worklog.services` moves them.

    open ─submit→ submitted ─confirm→ confirmed (locked: corrections only as adjustments)
                      │  ↑ dispute        ↑ confirm
                      ↓  │                │
                   disputed ─answer→ answered ─dispute→ disputed …

A coordinator records a confirmation the municipality gave on paper from any state after the submission, only
with the document's reference."""

from backend.core.audit import AuditAction
from backend.core.transitions import Move, Workflow, register
from backend.worklog.models import WorkMonthStatus

SUBMITTED = {WorkMonthStatus.SUBMITTED, WorkMonthStatus.DISPUTED, WorkMonthStatus.ANSWERED}

WORK_MONTH_WORKFLOW = register(Workflow(
    "worklog.WorkMonth",
    Move(AuditAction.WORK_MONTH_SUBMIT, {WorkMonthStatus.OPEN}, WorkMonthStatus.SUBMITTED),
    Move(AuditAction.WORK_MONTH_DISPUTE, {WorkMonthStatus.SUBMITTED, WorkMonthStatus.ANSWERED},
         WorkMonthStatus.DISPUTED),
    Move(AuditAction.WORK_MONTH_ANSWER, {WorkMonthStatus.DISPUTED}, WorkMonthStatus.ANSWERED),
    Move(AuditAction.WORK_MONTH_CONFIRM, {WorkMonthStatus.SUBMITTED, WorkMonthStatus.ANSWERED},
         WorkMonthStatus.CONFIRMED),
    Move(AuditAction.WORK_MONTH_CONFIRM_ON_PAPER, SUBMITTED, WorkMonthStatus.CONFIRMED),
    labels=dict(WorkMonthStatus.choices),
))
