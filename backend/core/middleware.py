"""Request hygiene before any view runs: input PostgreSQL cannot store is refused with a clear 400.

PostgreSQL text cannot hold NUL (U+0000) and psycopg cannot encode a lone UTF-16 surrogate; either
would reach the database and come back as a 500, and a JSON number such as 1e999 is read as infinity, which
no field can hold. This middleware looks at the path, the query string,
form fields and JSON bodies, and answers 400 naming where the character was: in the API's error shape
under /api/, as a short plain page elsewhere. It never reads uploaded files (the import code checks
those), and it parses a body only when a fast look at its raw bytes finds something suspect. A body
it cannot parse is left to the view, which reports it as it always has.
"""

import json
import math
import re
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass

from django.core.exceptions import RequestDataTooBig
from django.http import HttpResponseBadRequest, JsonResponse, QueryDict
from django.http.multipartparser import MultiPartParserError
from django.http.request import RawPostDataException
from django.utils import translation
from django.utils.cache import patch_cache_control
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from backend.core.errors import ErrorCode, FieldProblem, interpolate

NUL = "\x00"
SURROGATE = re.compile("[\ud800-\udfff]")
SUSPECT_FORM = re.compile(rb"\x00|%00")
# The last branch: a number with a three-digit exponent, which Python's parser may read as inf (1e999).
SUSPECT_JSON = re.compile(rb"\x00|\\u(?:0000|d[89a-f])|[0-9][eE][+-]?[0-9]{3}", re.IGNORECASE)
MAX_JSON_DEPTH = 32  # no kenmu input nests more than four deep
SHALLOW_BRACKETS = 2 * MAX_JSON_DEPTH  # a body with fewer brackets cannot nest deeper

MESSAGES = {
    ErrorCode.NULL_CHARACTER: _("%(where)sに NUL 文字（U+0000）が含まれています。この文字は保存できないため、取り除いてから送信してください。"),
    ErrorCode.TOO_DEEP: _("%(where)sの入れ子が深すぎるため、読み取れません。"),
    ErrorCode.NOT_FINITE: _("%(where)sの数値が大きすぎて扱えません。有限の数で指定してください。"),
    ErrorCode.UNPAIRED_SURROGATE: _("%(where)sに対になっていないサロゲート文字（U+D800〜U+DFFF）が含まれています。"
                            "この文字は保存できないため、取り除いてから送信してください。"),
}


@dataclass(frozen=True)
class Unstorable:
    field: str
    code: str
    where: Promise  # lazy: the place is named in whichever language the message is rendered


class RejectUnstorableInputMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        try:
            found = next(_unstorable(request), None)
        except MultiPartParserError as exc:
            if not request.path.startswith("/api/"):
                raise  # Django answers 400, as when a view reads the form
            return _api_malformed_form(exc)  # the stream is spent: DRF could no longer say it
        if found is None:
            return self.get_response(request)
        if request.path.startswith("/api/"):
            return _api_response(found)
        return HttpResponseBadRequest("リクエストに保存できない文字（NUL 文字など）が含まれているか、入れ子が深すぎるため、受け付けられません。",
                                      content_type="text/plain; charset=utf-8")


def _api_response(found: Unstorable) -> JsonResponse:
    return _api_400(FieldProblem(found.field, found.code, interpolate(MESSAGES[found.code], where=found.where)))


def _api_malformed_form(exc: MultiPartParserError) -> JsonResponse:
    return _api_400(FieldProblem(None, ErrorCode.PARSE_ERROR,
                                 interpolate(_("multipart 形式のフォームデータを読み取れませんでした（%(detail)s）。"),
                                             detail=exc)))


def _api_400(problem: FieldProblem) -> JsonResponse:
    error = problem.as_error()
    return JsonResponse({"detail": error["en"], "errors": [error]}, status=400,
                        json_dumps_params={"ensure_ascii": False})


def _unstorable(request) -> Iterator[Unstorable]:
    if NUL in request.path:
        yield Unstorable("path", ErrorCode.NULL_CHARACTER, _("URL のパス"))
    query = request.META.get("QUERY_STRING", "")
    if "%00" in query or NUL in query:
        yield from _in_fields(request.GET, _("クエリパラメータ「%(name)s」"))
    content_type = request.content_type or ""
    if content_type == "multipart/form-data" and request.method == "POST":
        yield from _in_fields(request.POST, _("フォーム項目「%(name)s」"))  # request.FILES is not read
    elif content_type == "application/x-www-form-urlencoded":
        body = _body(request)
        if SUSPECT_FORM.search(body):
            yield from _in_fields(QueryDict(body, encoding=request.encoding), _("フォーム項目「%(name)s」"))
    elif content_type == "application/json" or content_type.endswith("+json"):
        body = _body(request)
        if SUSPECT_JSON.search(body):
            yield from _in_json(body)
        elif body.count(b"[") + body.count(b"{") > SHALLOW_BRACKETS and _too_deep(body):
            yield Unstorable("body", ErrorCode.TOO_DEEP, _("送信された JSON"))


def _body(request) -> bytes:
    """The raw body; empty when it is over Django's size limit or already consumed (the view decides then)."""
    try:
        return request.body
    except (RequestDataTooBig, RawPostDataException):
        return b""


def _in_fields(fields: QueryDict, where: Promise) -> Iterator[Unstorable]:
    for name, values in fields.lists():
        code = next((c for c in map(_bad_character, (name, *values)) if c), None)
        if code:
            shown = _printable(name)
            yield Unstorable(shown, code, interpolate(where, name=shown))


JSON_STRING = re.compile(rb'"(?:[^"\\]|\\.)*"')
NOT_BRACKETS = bytes(b for b in range(256) if b not in b"[]{}")


def _too_deep(body: bytes) -> bool:
    """The JSON nests deeper than any kenmu input (four levels) by far: Python 3.11's parser raised
    RecursionError on such a body in DRF (a 500, issue 21), and no answer should depend on that limit. Strings
    are dropped first, so a bracket inside a value does not count."""
    depth = deepest = 0
    for bracket in JSON_STRING.sub(b"", body).translate(None, NOT_BRACKETS):
        depth += 1 if bracket in b"[{" else -1
        deepest = max(deepest, depth)
    return deepest > MAX_JSON_DEPTH


def _in_json(body: bytes) -> Iterator[Unstorable]:
    try:
        data = json.loads(body.decode("utf-8"))
    except RecursionError:
        yield Unstorable("body", ErrorCode.TOO_DEEP, _("送信された JSON"))
        return
    except ValueError:  # not UTF-8 JSON: the view's parser answers as it always has
        return
    for path, code in _walk(data):
        field = path or "body"
        yield Unstorable(field, code, interpolate(_("項目「%(name)s」"), name=field))


def _walk(document) -> Iterator[tuple[str, str]]:
    """(field path, problem code) of every bad string or key of a JSON document, shallowest first; paths
    read like `a.b[0].c`. A queue, not recursion: a document nested a thousand deep must not overflow."""
    queue = deque([("", document)])
    while queue:
        path, value = queue.popleft()
        if isinstance(value, str):
            code = _bad_character(value)
            if code:
                yield path, code
        elif isinstance(value, float) and not math.isfinite(value):
            yield path, ErrorCode.NOT_FINITE  # 1e999: int(inf) in a field's lookup was an OverflowError, a 500
        elif isinstance(value, dict):
            for key, item in value.items():
                child = f"{path}.{_printable(key)}" if path else _printable(key)
                code = _bad_character(key)
                if code:
                    yield child, code
                queue.append((child, item))
        elif isinstance(value, list):
            queue.extend((f"{path}[{index}]", item) for index, item in enumerate(value))


def _bad_character(text: str) -> str | None:
    if NUL in text:
        return ErrorCode.NULL_CHARACTER
    if SURROGATE.search(text):
        return ErrorCode.UNPAIRED_SURROGATE
    return None


def _printable(name: str) -> str:
    """A field name fit to show back: the offending characters spelled as escapes."""
    return SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", name.replace(NUL, "\\u0000"))


class ApiInEnglishMiddleware:
    """Under /api/ every message is raised in English, the language of DRF's and Django's msgids.

    API errors carry both languages (`backend.core.api.exception_handler` renders each from the catalogues);
    raising them in the page's language would leave the handler to guess which message a translation
    came from.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith("/api/"):
            return self.get_response(request)
        with translation.override("en"):
            return self.get_response(request)


class NoStoreMiddleware:
    """Nothing a signed-in user or an API caller is shown is kept by a browser or a proxy on the way
    (`Cache-Control: no-store, private`): a shared office PC's back button, or a proxy's cache, would otherwise
    show a clerk's lists, exports and tokens to the next person (issue 21). Public pages may be cached."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        if request.path.startswith("/api/") or (user is not None and user.is_authenticated):
            patch_cache_control(response, no_store=True, private=True)
        return response
