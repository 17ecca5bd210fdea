"""Writes of notifications: make them (`notify`), mark them read, and a user's e-mail choice per kind.

`notify` runs inside the caller's transaction, so a rolled-back action leaves no notification and mails
nothing: the e-mail task is enqueued on commit. Each write recounts the recipients' unread notifications
in SQL into `User.unread_notifications`, which the header shows without a query of its own. Reading a
notification is not audited (it changes nothing of the business); the e-mail choice is.

`notify` takes no actor: it is called by the services that made the event, after they checked their own
actor, and it writes only to the recipients. Every other write here acts on the actor's own notifications
and preference, which any signed-in role has; another user's notification is refused (403).
"""

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import DomainError, ForbiddenError, interpolate
from backend.notifications.errors import ErrorCode
from backend.notifications.models import EmailPreference, Notification, NotificationKind
from backend.notifications.tasks import send_notification_email
from backend.notifications.texts import notification_render


def _recount(user_ids: Iterable[int]) -> None:
    unread = (Notification.objects.filter(recipient_id=OuterRef("pk"), read_at__isnull=True).order_by()
              .values("recipient_id").annotate(n=Count("pk")).values("n"))
    User.objects.filter(pk__in=list(user_ids)).update(unread_notifications=Coalesce(Subquery(unread), 0))


def _lock_users(user_ids) -> None:
    """Every write here locks the users' rows first, in one order: concurrent writes for one user queue, and
    the recount after the lock sees every notification committed before it (READ COMMITTED)."""
    list(User.objects.select_for_update().filter(pk__in=user_ids).order_by("pk").values_list("pk", flat=True))


def notify(*, recipients: Iterable[User] | QuerySet[User], kind: str, link: str, params: dict) -> list[Notification]:
    """Tell `recipients` (active users) of an event of `kind`: a notification rendered in each one's language,
    pointing at `link` (a path of this site), and an e-mail after commit unless they turned the kind off."""
    kind = NotificationKind(kind)
    ids = recipients.values("pk") if isinstance(recipients, QuerySet) else [u.pk for u in recipients if u.pk]
    with transaction.atomic():
        muted = EmailPreference.objects.filter(user_id=OuterRef("pk"), muted_kinds__contains=[kind.value])
        users = list(User.objects.select_for_update(of=("self",)).filter(pk__in=ids, is_active=True).order_by("pk")
                     .only("pk", "email", "language").annotate(muted=Exists(muted)))
        if not users:
            return []
        notifications = []
        for user in users:
            with translation.override(user.language or "ja"):
                subject, text = notification_render(kind=kind, params=params)
            notifications.append(Notification(recipient_id=user.pk, kind=kind, params=params, link=link,
                                              language=user.language or "ja", subject=subject[:200], text=text[:500]))
        Notification.objects.bulk_create(notifications)
        _recount(u.pk for u in users)
        mailed = [n.pk for n, u in zip(notifications, users, strict=True) if u.email and not u.muted]
        if mailed:
            transaction.on_commit(partial(_enqueue_emails, mailed))
    return notifications


def _enqueue_emails(notification_ids: list[int]) -> None:
    for pk in notification_ids:
        send_notification_email.enqueue(pk)


def _refresh_count(user: User) -> None:
    user.unread_notifications = User.objects.values_list("unread_notifications", flat=True).get(pk=user.pk)


@transaction.atomic
def notification_mark_read(*, actor: User, notification: Notification) -> Notification:
    """Mark one of the actor's notifications read (again is harmless: the first time stays)."""
    if notification.recipient_id != actor.pk:
        raise ForbiddenError.single("notification", ErrorCode.NOT_YOURS, _("他の利用者のお知らせは既読にできません。"))
    _lock_users([actor.pk])
    Notification.objects.filter(pk=notification.pk, recipient_id=actor.pk, read_at__isnull=True).update(
        read_at=timezone.now())
    _recount([actor.pk])
    _refresh_count(actor)
    notification.refresh_from_db(fields=["read_at"])
    return notification


@transaction.atomic
def notification_mark_all_read(*, actor: User) -> int:
    """Mark every unread notification of the actor read; returns how many were unread."""
    _lock_users([actor.pk])
    marked = Notification.objects.filter(recipient_id=actor.pk, read_at__isnull=True).update(read_at=timezone.now())
    _recount([actor.pk])
    _refresh_count(actor)
    return marked


@transaction.atomic
def notification_email_preference_update(*, actor: User, muted_kinds: Iterable[str]) -> EmailPreference:
    """The kinds the actor does not want by e-mail (they still see them here)."""
    muted_kinds = sorted(set(muted_kinds))
    unknown = [k for k in muted_kinds if k not in NotificationKind.values]
    if unknown:
        raise DomainError.single("muted_kinds", ErrorCode.UNKNOWN_KIND, interpolate(_("お知らせの種類が不正です: %(kinds)s"),
                                                                                 kinds=", ".join(unknown)))
    preference, _created = EmailPreference.objects.select_for_update().get_or_create(user_id=actor.pk)
    before = {"muted_kinds": list(preference.muted_kinds)}
    preference.muted_kinds = muted_kinds
    preference.save(update_fields=["muted_kinds", "updated_at"])
    audit_record(actor=actor, action=AuditAction.NOTIFICATION_EMAIL_PREFERENCE, obj=preference, before=before,
                 after={"muted_kinds": muted_kinds})
    return preference
