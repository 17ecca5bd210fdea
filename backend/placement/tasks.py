"""Background work, executed by the database-backed worker (`manage.py run_worker`, see backend/worker/worker.py).

A task row names its task by import path (`backend.placement.tasks.execute_run`). A row queued under an older path
fails when the worker cannot import it, and the stale sweep (`runs_reap_stale`) then fails its run, which the
coordinator retries: nothing here keeps an old path alive."""

from django_tasks import task

from backend.placement.execution import run_execute


@task()
def execute_run(run_id: int) -> str:
    return run_execute(run_id=run_id)
