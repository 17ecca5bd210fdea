"""The worker's side of a notification's e-mail: render it in the recipient's language and send it once.

Run by the task worker (backend/notifications/tasks.py), never in a request.
"""

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from backend.notifications.models import EmailPreference, Notification
from backend.notifications.texts import notification_render


def notification_email_send(*, notification_id: int) -> str:
    """Mail one notification to its recipient; "skipped" when it was mailed already, the recipient has no
    address or turned this kind off since."""
    with transaction.atomic():
        notification = (Notification.objects.select_for_update(of=("self",)).select_related("recipient")
                        .filter(pk=notification_id).first())
        if notification is None or notification.emailed_at is not None:
            return "skipped"
        recipient = notification.recipient
        muted = EmailPreference.objects.filter(user_id=recipient.pk, muted_kinds__contains=[notification.kind])
        if not recipient.email or not recipient.is_active or muted.exists():
            return "skipped"
        site = settings.KENMU_BASE_URL.rstrip("/")
        with translation.override(recipient.language or "ja"):
            subject, text = notification_render(kind=notification.kind, params=notification.params)
            body = "\n\n".join([
                text, f"{site}{notification.link}",
                _("このメールの受け取りは、お知らせの設定で種類ごとに止められます：%(url)s")
                % {"url": f"{site}{reverse('frontend:notification-settings')}"},
            ])
            send_mail(f"[kenmu] {subject}", body, None, [recipient.email])
        notification.emailed_at = timezone.now()
        notification.save(update_fields=["emailed_at"])
    return "sent"
