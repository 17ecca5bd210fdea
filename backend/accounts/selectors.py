"""Reads on accounts: the API tokens a user holds, scoped to that user."""

from django.db.models import Q, QuerySet
from django.utils import timezone
from knox.models import AuthToken

from backend.accounts.models import User


def auth_token_list(*, user: User) -> QuerySet[AuthToken]:
    """The user's tokens that still work, newest first."""
    now = timezone.now()
    return AuthToken.objects.filter(Q(expiry__gt=now) | Q(expiry__isnull=True), user=user).order_by("-created")
