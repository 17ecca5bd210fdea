"""Who may open a page: role checks (wrong role -> 403) on top of the backend's scoped selectors
(an object outside the user's scope -> 404, so its existence is not revealed)."""

from collections.abc import Callable
from functools import wraps

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.urls import reverse

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


def post_acts(back: str | Callable[..., str] | None = None):
    """A URL whose POST does an act. Opened again, in a new tab or from the history, its GET shows a page rather
    than a blank 405 (issue 21): the page the act belongs to (`back`, a URL name or a callable given the request
    and the view's arguments), or, without `back`, the view itself, which then answers a GET with its confirmation step and
    writes nothing. Put it below role_required, where require_POST stood."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            if request.method == "POST" or (back is None and request.method in ("GET", "HEAD")):
                return view(request, *args, **kwargs)
            if request.method not in ("GET", "HEAD"):
                return HttpResponseNotAllowed(["GET", "POST"])
            return redirect(back(request=request, **kwargs) if callable(back) else reverse(back))

        return wrapped

    return decorator


def to(name: str) -> Callable[..., str]:
    """`back` for post_acts: the page `name` of the same object (the view's `pk`)."""
    return lambda pk, **_: reverse(name, kwargs={"pk": pk})
