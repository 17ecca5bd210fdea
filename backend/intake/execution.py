"""The worker's side of an import job: claim it, import its rows as its coordinator would in a request (every row
validated, all or nothing, the same services and audit rows), report progress on a connection of its own, and end
it with the ids it created or the errors by row and column."""

import datetime as dt
import logging

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, DatabaseError, connections, transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy

from backend.core.api import BilingualValidationError
from backend.core.audit import AuditAction
from backend.core.errors import DomainError, FieldProblem
from backend.intake.errors import ErrorCode
from backend.intake.imports import SPECS, Deadline, import_rows
from backend.intake.models import ImportJob, ImportJobStatus
from backend.intake.workflows import IMPORT_JOB_WORKFLOW

logger = logging.getLogger(__name__)


def import_job_snapshot(job: ImportJob) -> dict:
    return {"kind": job.kind, "file_name": job.file_name, "actor": job.actor_id, "rows_total": job.rows_total,
            "rows_done": job.rows_done, "created": len(job.created_ids), "errors": len(job.errors),
            "status": job.status}


class _Progress:
    """Rows validated so far, written on a connection of its own: the import's transaction is still open, and
    the page that polls must see the count before it commits. Progress is a courtesy: a failure to write it is
    logged and the import goes on."""

    def __init__(self, job_id: int):
        self.job_id = job_id
        self.connection = None

    def __call__(self, done: int) -> None:
        try:
            if self.connection is None:
                self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
            with self.connection.cursor() as cursor:
                cursor.execute(f"UPDATE {ImportJob._meta.db_table} SET rows_done = %s WHERE id = %s",  # noqa: S608
                               [done, self.job_id])
        except DatabaseError:
            logger.warning("import job %s: progress not written", self.job_id, exc_info=True)

    def close(self) -> None:
        if self.connection is not None:
            self.connection.close()


def worker_max_seconds() -> int:
    return getattr(settings, "KENMU_IMPORT_WORKER_MAX_SECONDS", 600)


def import_jobs_fail_stale(*, now=None) -> list[int]:
    """Jobs still running well past the worker's time budget lost their worker (its transaction, and every row it
    wrote, went with it): they end failed, saying so, and the coordinator uploads the file again. The worker's
    periodic pass calls this; returns the ids failed."""
    started_before = (now or timezone.now()) - dt.timedelta(seconds=worker_max_seconds() + 60)
    failed = []
    with transaction.atomic():
        for job in (ImportJob.objects.select_for_update(skip_locked=True)
                    .filter(status=ImportJobStatus.RUNNING, started_at__lt=started_before)):
            errors = BilingualValidationError.of(FieldProblem("file", ErrorCode.TIMEOUT, gettext_lazy(
                "取り込みを処理していたワーカーが応答しなくなったため、何も登録しませんでした。もう一度アップロードしてください。")),
                row=None, column=None).errors
            _end(job, AuditAction.IMPORT_JOB_FAIL, created_ids=[], errors=errors)
            failed.append(job.pk)
    return failed


def import_job_run(*, job_id: int) -> str:
    """The task body; returns the job's status. A job that is no longer queued (run twice) is left as it is."""
    with transaction.atomic(durable=True):
        job = ImportJob.objects.select_for_update().get(pk=job_id)
        if job.status != ImportJobStatus.QUEUED:
            return job.status
        IMPORT_JOB_WORKFLOW.move(job, AuditAction.IMPORT_JOB_START, actor=None, prefecture=job.prefecture_id,
                                 changes={"started_at": timezone.now()})
    progress = _Progress(job.pk)
    try:
        return _import(job, progress)
    finally:
        progress.close()


def _import(job: ImportJob, progress: _Progress) -> str:
    seconds = worker_max_seconds()
    try:
        with transaction.atomic(durable=True):
            created = import_rows(spec=SPECS[job.kind](), actor=job.actor, rows=job.rows, progress=progress,
                                  deadline=Deadline.start(file_name=job.file_name, seconds=seconds))
            return _end(job, AuditAction.IMPORT_JOB_SUCCEED, created_ids=[obj.pk for obj in created], errors=[])
    except BilingualValidationError as exc:
        errors = exc.errors
    except DomainError as exc:  # the actor may no longer import (a role changed since the upload)
        errors = BilingualValidationError.of(*exc.problems, row=None, column=None).errors
    except Exception:
        logger.exception("import job %s failed", job.pk)
        errors = BilingualValidationError.of(FieldProblem("file", ErrorCode.UNREADABLE, gettext_lazy(
            "取り込み中に予期しない問題が起きたため、何も登録しませんでした。もう一度お試しください。")),
            row=None, column=None).errors
    with transaction.atomic(durable=True):
        return _end(job, AuditAction.IMPORT_JOB_FAIL, created_ids=[], errors=errors)


def _end(job: ImportJob, action: AuditAction, *, created_ids: list[int], errors: list[dict]) -> str:
    job = ImportJob.objects.select_for_update().get(pk=job.pk)
    done = job.rows_total if action == AuditAction.IMPORT_JOB_SUCCEED else job.rows_done
    IMPORT_JOB_WORKFLOW.move(job, action, actor=None, prefecture=job.prefecture_id,
                             changes={"finished_at": timezone.now(), "created_ids": created_ids, "errors": errors,
                                      "rows": [], "rows_done": done},
                             after={"created": len(created_ids), "errors": len(errors)})
    return job.status
