"""Mail, sent by the task worker only (`manage.py run_worker`), never inside a request."""

from django.db import transaction
from django_tasks import task

from backend.core.mail import mail_send


@task()
def send_mail_task(message: str, object_id: int) -> str:
    return mail_send(message=message, object_id=object_id)


def mail_enqueue(*, message: str, object_id: int) -> None:
    """Queue `message` about `object_id` once the current transaction commits (nothing if it rolls back)."""
    transaction.on_commit(lambda: send_mail_task.enqueue(message, object_id))
