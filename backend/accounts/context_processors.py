"""What every page's template may ask of the signed-in user's role: `roles.COORDINATOR` and its siblings, the
UserRole members, so that templates compare with the one vocabulary instead of spelling roles as strings."""

from backend.accounts.models import UserRole


def roles(request) -> dict:
    return {"roles": UserRole}
