"""The allowed moves of an expert's application and of an affiliation change request, each with the audit
action that records it (issue 22). Only the coordinator's decision services move them."""

from backend.core.audit import AuditAction
from backend.core.transitions import Move, Workflow, register
from backend.experts.models import AffiliationChangeStatus, ApplicationStatus

APPLICATION_WORKFLOW = register(Workflow(
    "experts.ExpertApplication",
    Move(AuditAction.APPLICATION_ACCEPT, {ApplicationStatus.PENDING}, ApplicationStatus.ACCEPTED),
    Move(AuditAction.APPLICATION_DECLINE, {ApplicationStatus.PENDING}, ApplicationStatus.DECLINED),
    labels=dict(ApplicationStatus.choices),
))

AFFILIATION_CHANGE_WORKFLOW = register(Workflow(
    "experts.AffiliationChange",
    Move(AuditAction.AFFILIATION_ACCEPT, {AffiliationChangeStatus.PENDING}, AffiliationChangeStatus.ACCEPTED),
    Move(AuditAction.AFFILIATION_DECLINE, {AffiliationChangeStatus.PENDING}, AffiliationChangeStatus.DECLINED),
    labels=dict(AffiliationChangeStatus.choices),
))
