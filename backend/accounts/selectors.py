"""Reads on accounts, scoped to the reader: API tokens (their owner's), invitations and the users a
coordinator manages (their prefecture's), and which logins django-axes holds locked out."""

from collections.abc import Iterable

from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from backend.accounts.models import Invitation, User, UserRole
from backend.accounts.permissions import is_admin


def auth_token_list(*, user: User) -> QuerySet[AuthToken]:
    """The user's tokens that still work, newest first."""
    now = timezone.now()
    return AuthToken.objects.filter(Q(expiry__gt=now) | Q(expiry__isnull=True), user=user).order_by("-created")


def invitation_list(*, user: User) -> QuerySet[Invitation]:
    """A coordinator's prefecture's invitations, newest first; everyone else but administrators: none."""
    queryset = Invitation.objects.select_related("user__municipality", "user__expert", "invited_by").order_by(
        "-sent_at", "-id")
    if is_admin(user):
        return queryset
    if user.role == UserRole.COORDINATOR:
        return queryset.filter(prefecture_id=user.prefecture_id)
    return queryset.none()


def managed_user_list(*, user: User) -> QuerySet[User]:
    """The municipal staff and experts of a coordinator's prefecture (the accounts they may deactivate)."""
    queryset = User.objects.filter(role__in=[UserRole.MUNICIPAL, UserRole.EXPERT]).select_related(
        "municipality", "expert").order_by("role", "username")
    if is_admin(user):
        return queryset
    if user.role == UserRole.COORDINATOR:
        pref = user.prefecture_id
        return queryset.filter(Q(municipality__prefecture_id=pref) | Q(expert__registering_prefecture_id=pref))
    return queryset.none()


def locked_out_usernames(usernames: Iterable[str]) -> set[str]:
    """Those of `usernames` that django-axes refuses now, from at least one address: AXES_FAILURE_LIMIT
    failures within AXES_COOLOFF_TIME (the lock-out counts a username per address)."""
    since = timezone.now() - settings.AXES_COOLOFF_TIME
    return set(AccessAttempt.objects.filter(
        username__in=list(usernames), failures_since_start__gte=settings.AXES_FAILURE_LIMIT,
        attempt_time__gte=since).values_list("username", flat=True))


def municipalities_without_staff(codes) -> set[str]:
    """Of these municipality codes, those with no active staff account: nobody there can answer an offer."""
    codes = set(codes)
    staffed = set(User.objects.filter(role=UserRole.MUNICIPAL, is_active=True, municipality_id__in=codes)
                  .values_list("municipality_id", flat=True).distinct())
    return codes - staffed
