"""Background work of notifications, executed by the database-backed worker (`manage.py run_worker`)."""

from django_tasks import task

from backend.notifications.mail import notification_email_send


@task()
def send_notification_email(notification_id: int) -> str:
    return notification_email_send(notification_id=notification_id)
