"""`manage.py run_worker`: the task worker to run in production and under `kenmu.py serve`.

It claims and runs tasks exactly as django_tasks_db's `db_worker` does, but survives database outages
and reaps abandoned work (see backend/worker/worker.py). Exit status: 0 after SIGINT/SIGTERM (the
current task is finished first; a second signal ends it at once), non-zero only when it cannot work at
all (failed system checks, unapplied migrations).
"""

import logging
import os
import socket

from django.core.management.base import CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.migrations.executor import MigrationExecutor
from django.utils.crypto import get_random_string
from django_tasks_db.compat import DEFAULT_TASK_BACKEND_ALIAS
from django_tasks_db.management.commands import db_worker

from backend.worker import worker as kenmu_worker


def _default_worker_id() -> str:
    """Host and pid first, so that an operator can tell from a task row which process claimed it."""
    return f"{socket.gethostname()[:32]}-{os.getpid()}-{get_random_string(8)}"


class Command(db_worker.Command):
    help = ("Run the task worker: claims tasks like db_worker, waits out database outages, "
            "and reaps abandoned tasks and stale match runs.")

    def add_arguments(self, parser):
        # Not the library's: no --reload (it runs the loop in a thread that an outage kills for good) and no --batch.
        parser.add_argument("--queue-name", default="*",
                            help="Queues to process, comma-separated; '*' for all (default: %(default)r)")
        parser.add_argument("--exclude-queues", default="", help="Queues to skip (with --queue-name '*')")
        parser.add_argument("--interval", type=db_worker.valid_interval, default=1.0,
                            help="Seconds to wait when no task is ready (default: %(default)r)")
        parser.add_argument("--backend", dest="backend_name", default=DEFAULT_TASK_BACKEND_ALIAS,
                            type=db_worker.valid_backend_name, help="Task backend (default: %(default)r)")
        parser.add_argument("--no-startup-delay", action="store_false", dest="startup_delay",
                            help="Do not wait up to one second before the first claim")
        parser.add_argument("--worker-id", type=db_worker.validate_worker_id, default=None,
                            help="Unique id of this worker (default: host-pid-random)")
        parser.add_argument("--reap-every", type=db_worker.valid_interval, default=None,
                            help="Seconds between reaping passes (default: KENMU_WORKER_REAP_EVERY_S, 30)")

    def configure_logging(self, verbosity: int) -> None:
        super().configure_logging(verbosity)
        logging.getLogger(kenmu_worker.__name__).setLevel(logging.getLogger("django_tasks_db").level)

    def handle(self, *, verbosity, queue_name, exclude_queues, interval, backend_name, startup_delay, worker_id,
               reap_every, **options):
        self.configure_logging(verbosity)
        queue_names = queue_name.split(",")
        excluded = exclude_queues.split(",") if exclude_queues else []
        if excluded and "*" not in queue_names:
            raise CommandError("--exclude-queues can only be used with --queue-name='*'")
        worker = kenmu_worker.SupervisedWorker(
            queue_names=queue_names, excluded_queue_names=excluded, interval=interval, batch=False,
            backend_name=backend_name, startup_delay=startup_delay, max_tasks=None,
            worker_id=worker_id or _default_worker_id(),
            reap_every_s=kenmu_worker.reap_every_s() if reap_every is None else reap_every,
        )
        worker.configure_signals()
        worker.wait_for_database()
        _refuse_unmigrated()
        worker.run()


def _refuse_unmigrated() -> None:
    """A worker on an older schema would fail every task it claims; it stops instead, and says why."""
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        first = plan[0][0]
        raise CommandError(f"{len(plan)} migration(s) not applied (first: {first.app_label}.{first.name}); "
                           "run `manage.py migrate` before starting the worker")
