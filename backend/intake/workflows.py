"""The moves of an import job's status: the worker starts it and ends it, with the rows stored or none."""

from backend.core.audit import AuditAction
from backend.core.transitions import Move, Workflow, register
from backend.intake.models import ImportJobStatus

IMPORT_JOB_WORKFLOW = register(Workflow(
    "intake.ImportJob",
    Move(AuditAction.IMPORT_JOB_START, {ImportJobStatus.QUEUED}, ImportJobStatus.RUNNING),
    Move(AuditAction.IMPORT_JOB_SUCCEED, {ImportJobStatus.RUNNING}, ImportJobStatus.SUCCEEDED),
    Move(AuditAction.IMPORT_JOB_FAIL, {ImportJobStatus.RUNNING}, ImportJobStatus.FAILED),
    labels=dict(ImportJobStatus.choices),
))
