"""The one move of a planned visit's status, with the audit action that records it (issue 22's table). Only
`backend.visits.services` moves it: all the later dates of an engagement at once, in one audit row."""

from backend.core.audit import AuditAction
from backend.core.transitions import Move, Workflow, register
from backend.visits.models import VisitStatus

VISIT_WORKFLOW = register(Workflow(
    "visits.PlannedVisit",
    # The engagement ended early or never started (ENGAGEMENT_ENDED): its dates after the end are cancelled.
    Move(AuditAction.VISITS_CANCEL, {VisitStatus.PLANNED}, VisitStatus.CANCELLED),
    labels=dict(VisitStatus.choices),
))
