"""Reads reused while the database has not changed: a list or page is built once per database snapshot.

A response is kept under its reader (the user, the language, the host and path with its query, the htmx
target, the CSRF cookie its forms were signed for), the minute, and PostgreSQL's `pg_current_snapshot()`:
the set of transactions whose writes a query would see now. Two queries under the same snapshot see the
same rows, so a kept response is what the view would build again; any committed write anywhere moves the
snapshot, so nothing is reused across a change. The key is read before the view runs: a write committed in
between can only put newer rows under an older key, which nobody asks for again once the write is visible.
The minute bounds what depends on the clock alone (an invitation that expires, today's restrictions).

Nothing is reused inside a transaction (its own writes are not in the snapshot), for anonymous users, while
a flash message waits to be shown, for a page asked without a CSRF cookie, or for a response that sets a cookie, adds a message or is not a 200.
The views it wraps must not write on GET: a reused response skips the view entirely. Permissions are still
checked on every request, before the wrapped view (the decorator goes under `role_required`, and DRF's
checks run before `list`).

Kept per process (the `reuse` cache, bounded LRU). KENMU_REUSE_READS=0 turns it off.
"""

import hashlib
import time
from functools import wraps

from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.utils.translation import get_language
from rest_framework.response import Response

CACHE_ALIAS = "reuse"


def database_snapshot() -> str | None:
    """The snapshot a query on this connection would read now; None inside a transaction."""
    if connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_current_snapshot()::text")
        return cursor.fetchone()[0]


def _messages_waiting(request) -> bool:
    return CookieStorage.cookie_name in request.COOKIES or SessionStorage.session_key in request.session


def reuse_key(request, kind: str) -> str | None:
    """The key a response to `request` is kept under, or None when it must be built afresh."""
    if not settings.KENMU_REUSE_READS or request.method not in ("GET", "HEAD"):
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or _messages_waiting(request):
        return None
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    if kind == "page" and not csrf_cookie:
        return None  # the page's forms would be signed for a cookie this reader is only now given
    snapshot = database_snapshot()
    if snapshot is None:
        return None
    parts = (kind, str(user.pk), get_language() or "", request.get_host(), request.get_full_path(),
             request.headers.get("HX-Request", ""), request.headers.get("HX-Target", ""),
             csrf_cookie, str(int(time.time() // 60)), snapshot)
    return "reuse:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _added_message(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and storage.added_new)


def reuse_page(view):
    """Serve a page view's 200 again while the database is unchanged (see the module docstring)."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = reuse_key(request, "page")
        if key is None:
            return view(request, *args, **kwargs)
        cache = caches[CACHE_ALIAS]
        kept = cache.get(key)
        if kept is not None:
            content, headers = kept
            return HttpResponse(content, headers=headers)
        response = view(request, *args, **kwargs)
        if hasattr(response, "render") and not response.is_rendered:
            response.render()
        if (response.status_code == 200 and not response.streaming and not response.cookies
                and not _added_message(request)):
            cache.set(key, (response.content, dict(response.headers)))
        return response
    return wrapper


def reuse_data(request, build):
    """The data `build()` returns for an API read, kept while the database is unchanged; `build` returns a
    DRF Response, and only a 200's data is kept (rendering stays per request, for the format asked)."""
    key = reuse_key(request, "data")
    if key is None:
        return build()
    cache = caches[CACHE_ALIAS]
    kept = cache.get(key)
    if kept is not None:
        return Response(kept)
    response = build()
    if response.status_code == 200 and not response.cookies:
        cache.set(key, response.data)
    return response
