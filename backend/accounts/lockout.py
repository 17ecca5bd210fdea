"""django-axes plumbing: the address a login attempt came from, and what a locked-out client is told.

Axes counts the failures and decides whether an account is locked; this module never does.
"""

import ipaddress

from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from backend.accounts.errors import ErrorCode
from backend.core.errors import FieldProblem, interpolate


def client_ip_address(request: HttpRequest) -> str | None:
    """REMOTE_ADDR, or behind `AXES_IPWARE_PROXY_COUNT` trusted proxies the address the outermost of them
    appended to X-Forwarded-For. Entries further left are whatever the client claimed, so they are never
    read; a malformed entry falls back to REMOTE_ADDR."""
    remote = request.META.get("REMOTE_ADDR")
    proxies = settings.AXES_IPWARE_PROXY_COUNT or 0
    if proxies <= 0:
        return remote
    forwarded = [part.strip() for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")]
    if len(forwarded) < proxies:
        return remote
    try:
        return str(ipaddress.ip_address(forwarded[-proxies]))
    except ValueError:
        return remote


USERNAME_STORED = 150  # the user model's own limit; axes' column holds 255


def attempt_username(request: HttpRequest, credentials: dict | None = None) -> str:
    """The username a login attempt named, as axes records and counts it: at most the length a username can
    have (no account has a longer one, so nothing is lost for the count)."""
    username = (credentials or {}).get(settings.AXES_USERNAME_FORM_FIELD)
    if username is None:
        username = request.POST.get(settings.AXES_USERNAME_FORM_FIELD, "") if request is not None else ""
    return str(username)[:USERNAME_STORED]


def lockout_minutes() -> int:
    return int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)


def lockout_message():
    return interpolate(_("ログインに続けて失敗したため、このアカウントは%(minutes)s分間ロックされています。"
                         "お困りの場合は、都道府県のコーディネーターまたはシステム管理者にお問い合わせください。"),
                       minutes=lockout_minutes())


def lockout_response(request: HttpRequest, original_response: HttpResponse | None = None,
                     credentials: dict | None = None) -> HttpResponse:
    """AXES_LOCKOUT_CALLABLE: a 429 in the API's bilingual error shape, or the 429 page for a person."""
    status = settings.AXES_HTTP_RESPONSE_CODE
    if request.path.startswith("/api/"):
        error = FieldProblem(None, ErrorCode.LOCKED_OUT, lockout_message()).as_error()
        body = {"detail": error["en"], "errors": [error]}
        return JsonResponse(body, status=status, json_dumps_params={"ensure_ascii": False})
    return render(request, "429.html", {"lockout_minutes": lockout_minutes()}, status=status)
