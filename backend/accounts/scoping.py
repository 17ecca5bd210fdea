"""Role scoping shared by every selector: which prefectures and municipalities a user may see."""

from backend.accounts.models import UserRole


def is_admin(user) -> bool:
    return bool(user and user.is_authenticated and (user.is_superuser or user.role == UserRole.ADMIN))


def prefecture_codes_for(user) -> list[str] | None:
    """Prefectures whose data the user coordinates; None means all (system administrator)."""
    if is_admin(user):
        return None
    if user.role == UserRole.COORDINATOR:
        return [user.prefecture_id]
    return []
