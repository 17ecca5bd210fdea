"""Reads reused while what they read has not changed: a list or page is built once per version of its tables.

A response is kept under its reader (the user, the language, the host and path with its query, the htmx
target) and the minute, together with the tables its queries read
and their versions (backend/core/changes.py: every committed write to a table moves its version, whoever wrote
it). A request is served the kept response while each of those tables still has that version; a write to any
other table — a clerk saving a need elsewhere, a run's heartbeat — leaves it in place. The versions are read
before the view runs: a write committed while it builds can only put newer rows under older versions, which
the next request sees as changed. Every session of a user shares it: a page's form tokens are kept as slots and
filled in for each reader's own CSRF cookie. The minute bounds what depends on the clock alone (an invitation that
expires, today's restrictions).

The tables are those named in the SQL the view sent (every ORM query passes through the connection's execute
wrapper). A read that touched a table without versions (changes.UNTRACKED: sessions, sign-in attempts, the
task queue) is never kept.

Nothing is reused inside a transaction (its own writes are not what others see), for anonymous users, while
a flash message waits to be shown, for a page asked without a CSRF cookie, or for a response that sets a cookie,
adds a message or is not a 200. The views it wraps must not write on GET: a reused response skips the view
entirely. Permissions are still checked on every request, before the wrapped view (the decorator goes under
`role_required`, and DRF's checks run before `list`).

Kept per process (the `reuse` cache, bounded LRU). KENMU_REUSE_READS=0 turns it off.
"""

import hashlib
import re
import time
from functools import wraps

from django.apps import apps
from django.conf import settings
from django.contrib.messages.storage.cookie import CookieStorage
from django.contrib.messages.storage.session import SessionStorage
from django.core.cache import caches
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import _unmask_cipher_token, get_token
from django.utils.translation import get_language
from rest_framework.response import Response

from backend.core.changes import UNTRACKED, table_versions

CACHE_ALIAS = "reuse"
_QUOTED = re.compile(r'"([A-Za-z0-9_]+)"')
_TOKEN = re.compile(r"(?<![A-Za-z0-9])[A-Za-z0-9]{64}(?![A-Za-z0-9])")  # a masked CSRF token (CSRF_TOKEN_LENGTH)
_TOKEN_SLOT = "\x00kenmu-csrf-token\x00"
_known_tables: frozenset[str] | None = None


def _tables() -> frozenset[str]:
    global _known_tables
    if _known_tables is None:
        _known_tables = frozenset(m._meta.db_table for m in apps.get_models(include_auto_created=True))
    return _known_tables


class _TablesRead:
    """An execute wrapper that notes the tables each query names (Django quotes every table name)."""

    def __init__(self):
        self.known = _tables()
        self.read: set[str] = set()

    def __call__(self, execute, sql, params, many, context):
        self.read.update(name for name in _QUOTED.findall(sql) if name in self.known)
        return execute(sql, params, many, context)


def _messages_waiting(request) -> bool:
    return CookieStorage.cookie_name in request.COOKIES or SessionStorage.session_key in request.session


def reuse_key(request, kind: str) -> str | None:
    """The key a response to `request` is kept under, or None when it must be built afresh."""
    if not settings.KENMU_REUSE_READS or request.method not in ("GET", "HEAD") or connection.in_atomic_block:
        return None
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated or _messages_waiting(request):
        return None
    csrf_cookie = request.COOKIES.get(settings.CSRF_COOKIE_NAME, "")
    if kind == "page" and not csrf_cookie:
        return None  # the page's forms would be signed for a cookie this reader is only now given
    # Every session of one user shares what is kept (50 clients of one clerk: one build per change, not 50): a
    # page's form tokens are kept as slots and filled for each reader's own CSRF cookie (_with_tokens).
    parts = (kind, str(user.pk), get_language() or "", request.get_host(), request.get_full_path(),
             request.headers.get("HX-Request", ""), request.headers.get("HX-Target", ""),
             str(int(time.time() // 60)))
    return "reuse:" + hashlib.sha256("\x1f".join(parts).encode()).hexdigest()


def _kept(key: str, versions: dict):
    """What is kept under `key` if every table it read still has the version it was built under."""
    kept = caches[CACHE_ALIAS].get(key)
    if kept is None:
        return None
    read_versions, payload = kept
    return payload if all(versions.get(t) == v for t, v in read_versions.items()) else None


def _build(key: str, versions: dict, build, keep):
    """Build the response, noting what it read; keep(response) returns the payload to keep, or None."""
    recorder = _TablesRead()
    with connection.execute_wrapper(recorder):
        response = build()
    payload = keep(response)
    if payload is not None and not recorder.read & UNTRACKED:
        caches[CACHE_ALIAS].set(key, ({t: versions.get(t) for t in recorder.read}, payload))
    return response


def _token_slots(request, content: bytes) -> bytes | None:
    """The page with each CSRF token signed for this reader's cookie replaced by a slot (a token is recognised by
    unmasking it to the reader's secret, so nothing else of 64 letters is touched); None without a secret."""
    secret = request.META.get("CSRF_COOKIE")
    if not secret:
        return None
    text = content.decode()
    return _TOKEN.sub(lambda m: _TOKEN_SLOT if _unmask_cipher_token(m.group()) == secret else m.group(),
                      text).encode()


def _with_tokens(request, content: bytes) -> bytes:
    slot = _TOKEN_SLOT.encode()
    return content.replace(slot, get_token(request).encode()) if slot in content else content


def _added_message(request) -> bool:
    storage = getattr(request, "_messages", None)
    return bool(storage is not None and storage.added_new)


def reuse_page(view):
    """Serve a page view's 200 again while what it read is unchanged (see the module docstring)."""
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        key = reuse_key(request, "page")
        versions = table_versions() if key is not None else None
        if versions is None:
            return view(request, *args, **kwargs)
        kept = _kept(key, versions)
        if kept is not None:
            content, headers = kept
            return HttpResponse(_with_tokens(request, content), headers=headers)

        def build():
            response = view(request, *args, **kwargs)
            if hasattr(response, "render") and not response.is_rendered:
                response.render()
            return response

        def keep(response):
            if (response.status_code == 200 and not response.streaming and not response.cookies
                    and not _added_message(request)):
                content = _token_slots(request, response.content)
                return None if content is None else (content, dict(response.headers))
            return None

        return _build(key, versions, build, keep)
    return wrapper


def reuse_data(request, build):
    """The data `build()` returns for an API read, kept while what it read is unchanged; `build` returns a
    DRF Response, and only a 200's data is kept (rendering stays per request, for the format asked)."""
    key = reuse_key(request, "data")
    versions = table_versions() if key is not None else None
    if versions is None:
        return build()
    kept = _kept(key, versions)
    if kept is not None:
        return Response(kept)
    return _build(key, versions, build,
                  lambda response: response.data if response.status_code == 200 and not response.cookies else None)
