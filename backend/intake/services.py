"""Starting an import: a file small enough is imported in the request; a bigger one (more than
KENMU_IMPORT_BACKGROUND_ROWS rows) waits as an import job for the worker, which the page and the API follow."""

from dataclasses import dataclass

from django.conf import settings
from django.db import transaction

from backend.accounts.models import User
from backend.core.audit import AuditAction, audit_record
from backend.intake.execution import import_job_snapshot
from backend.intake.imports import (
    SPECS,
    Deadline,
    ImportLimits,
    _check_imports,
    _file_name,
    check_header,
    import_rows,
    read_rows,
)
from backend.intake.models import ImportJob
from backend.intake.tasks import run_import_job


@dataclass(frozen=True)
class ImportStarted:
    """What an upload led to: the objects created in the request, or the job the worker will run."""

    created: list
    job: ImportJob | None = None


def background_rows() -> int:
    return getattr(settings, "KENMU_IMPORT_BACKGROUND_ROWS", 500)


def import_start(*, kind: str, actor: User, upload) -> ImportStarted:
    """Read the upload (every way the file is wrong is refused here, in the request); import it at once, or queue
    it when it has more rows than one request should write."""
    _check_imports(actor)
    deadline = Deadline.start(file_name=_file_name(upload), seconds=ImportLimits.from_settings().max_seconds)
    rows = read_rows(upload, deadline=deadline)
    check_header(SPECS[kind](), rows)  # a wrong file is refused now, not after it waited for the worker
    if len(rows) <= background_rows():
        return ImportStarted(created=import_rows(spec=SPECS[kind](), actor=actor, rows=rows, deadline=deadline))
    return ImportStarted(created=[], job=import_job_enqueue(actor=actor, kind=kind, file_name=_file_name(upload),
                                                            rows=rows))


@transaction.atomic(durable=True)
def import_job_enqueue(*, actor: User, kind: str, file_name: str, rows: list[dict[str, str]]) -> ImportJob:
    _check_imports(actor)
    job = ImportJob.objects.create(kind=kind, file_name=file_name[:255], actor=actor,
                                   prefecture_id=actor.prefecture_id, rows=rows, rows_total=len(rows))
    audit_record(actor=actor, action=AuditAction.IMPORT_JOB_ENQUEUE, obj=job, prefecture=job.prefecture_id,
                 after=import_job_snapshot(job))
    transaction.on_commit(lambda: run_import_job.enqueue(job.pk))
    return job
