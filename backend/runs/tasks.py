"""Background work, executed by the database-backed worker (`manage.py run_worker`, see backend/runs/worker.py)."""

from django_tasks import task

from backend.runs.execution import run_execute


@task()
def execute_run(run_id: int) -> str:
    return run_execute(run_id=run_id)
