"""Who may open a page: role checks (wrong role -> 403) on top of the backend's scoped selectors
(an object outside the user's scope -> 404, so its existence is not revealed)."""

from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin

COORDINATOR = (UserRole.COORDINATOR,)
MUNICIPAL = (UserRole.MUNICIPAL,)
EXPERT = (UserRole.EXPERT,)
STAFF = (UserRole.COORDINATOR, UserRole.MUNICIPAL)


def role_required(*roles: UserRole):
    """Signed-in users of these roles (system administrators always pass); everyone else gets 403. The roles
    are UserRole members: a misspelt string would silently shut everyone out, so it fails at import."""
    strings = [role for role in roles if not isinstance(role, UserRole)]
    if strings:
        raise TypeError(f"role_required takes UserRole members, not {strings!r}")

    def decorator(view):
        @login_required
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if not (is_admin(request.user) or request.user.role in roles):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
