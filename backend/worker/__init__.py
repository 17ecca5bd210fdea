"""The task worker (`manage.py run_worker`): django_tasks_db's worker, supervised and reaping what dead workers
left behind. It sits above the apps whose work it runs and sweeps; it has no models."""
