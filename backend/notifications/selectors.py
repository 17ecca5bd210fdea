"""Reads of notifications (each user reads their own only) and of who is told of an event."""

from django.db.models import Q, QuerySet

from backend.accounts.models import User, UserRole
from backend.notifications.models import EmailPreference, Notification


def notification_list(*, user) -> QuerySet[Notification]:
    """The user's own notifications, newest first; anyone else's is outside the scope (404)."""
    return Notification.objects.filter(recipient_id=user.pk).order_by("-created_at", "-id")


def notification_muted_kinds(*, user) -> list[str]:
    preference = EmailPreference.objects.filter(user_id=user.pk).first()
    return list(preference.muted_kinds) if preference else []


def recipients_coordinators(*, prefecture_id: str) -> QuerySet[User]:
    return User.objects.filter(role=UserRole.COORDINATOR, prefecture_id=prefecture_id, is_active=True)


def recipients_parties(*, municipality_id: str | None = None, expert_id: int | None = None,
                       prefecture_id: str | None = None) -> QuerySet[User]:
    """The staff of a municipality, the expert's account and the coordinators of a prefecture, as asked."""
    who = Q(pk__in=[])
    if municipality_id:
        who |= Q(role=UserRole.MUNICIPAL, municipality_id=municipality_id)
    if expert_id:
        who |= Q(role=UserRole.EXPERT, expert_id=expert_id)
    if prefecture_id:
        who |= Q(role=UserRole.COORDINATOR, prefecture_id=prefecture_id)
    return User.objects.filter(who, is_active=True)
