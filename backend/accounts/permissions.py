"""Who may act on what: the role predicates every service, API and page asks (one place, issue 12).

Reads are scoped in the selectors (`backend.accounts.scoping`, out-of-scope rows are 404s); these predicates
answer the yes/no questions a write asks: is this user the coordinator of that prefecture, staff of that
municipality, that expert. An administrator passes every coordinator check; no one else does.
"""

from backend.accounts.models import UserRole


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role == UserRole.ADMIN))


def is_coordinator(user) -> bool:
    """A coordinator (of any prefecture) or an administrator."""
    return is_admin(user) or user.role == UserRole.COORDINATOR


def coordinates(user, prefecture_id: str | None) -> bool:
    """The coordinator of that prefecture, or an administrator."""
    return is_admin(user) or (user.role == UserRole.COORDINATOR and user.prefecture_id == prefecture_id)


def is_staff_of(user, municipality_id: str | None) -> bool:
    """Municipal staff of that municipality (an administrator is not staff of any)."""
    return user.role == UserRole.MUNICIPAL and user.municipality_id == municipality_id


def is_expert_self(user, expert_id: int | None) -> bool:
    """The expert's own login."""
    return user.role == UserRole.EXPERT and user.expert_id is not None and user.expert_id == expert_id
