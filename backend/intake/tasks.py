"""Background work of imports, executed by the database-backed worker (`manage.py run_worker`)."""

from django_tasks import task

from backend.intake.execution import import_job_run


@task()
def run_import_job(job_id: int) -> str:
    return import_job_run(job_id=job_id)
