"""Writes on accounts: API tokens (django-rest-knox) are issued and revoked here and nowhere else.

Only a SHA-512 digest of a token is stored; its secret leaves the server once, in the issuing response.
"""

from datetime import datetime

from knox.models import AuthToken

from backend.accounts.models import User


def auth_token_issue(*, user: User) -> tuple[str, datetime]:
    """A new token for the user, valid for REST_KNOX["TOKEN_TTL"]: (secret, expiry)."""
    instance, secret = AuthToken.objects.create(user=user)
    return secret, instance.expiry


def auth_token_revoke(*, user: User, token_key: str) -> bool:
    """Revoke the user's token named by its key; False when the user has no such token (another user's
    token is not theirs to revoke, and is not revealed to exist)."""
    deleted, _ = AuthToken.objects.filter(user=user, token_key=token_key).delete()
    return deleted > 0


def auth_token_revoke_all(*, user: User) -> None:
    AuthToken.objects.filter(user=user).delete()
