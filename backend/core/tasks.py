"""Mail, sent by the task worker only (`manage.py run_worker`), never inside a request; and the queueing of the
worker's daily tasks."""

from django.db import transaction
from django.utils import timezone
from django_tasks import task
from django_tasks_db.models import DBTaskResult

from backend.core.mail import mail_send


@task()
def send_mail_task(message: str, object_id: int) -> str:
    return mail_send(message=message, object_id=object_id)


def mail_enqueue(*, message: str, object_id: int) -> None:
    """Queue `message` about `object_id` once the current transaction commits (nothing if it rolls back)."""
    transaction.on_commit(lambda: send_mail_task.enqueue(message, object_id))


def enqueue_once_a_day(daily_task, *, now=None) -> bool:
    """Queue `daily_task` unless it was queued today (local time); True when it was queued now. The worker's
    periodic pass calls this for each daily task (backend/worker/worker.py)."""
    now = timezone.localtime(now or timezone.now())
    start_of_day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    if DBTaskResult.objects.filter(task_path=daily_task.module_path, enqueued_at__gte=start_of_day).exists():
        return False
    daily_task.enqueue()
    return True
