"""API plumbing shared by every app: bilingual errors, input validation, object scoping."""

import sys

from django.conf import settings
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError, InterfaceError, OperationalError
from django.http import Http404, HttpResponse, JsonResponse, QueryDict
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django.views.defaults import bad_request as html_bad_request
from django.views.defaults import page_not_found as html_page_not_found
from django.views.defaults import server_error as html_server_error
from rest_framework import exceptions, serializers
from rest_framework.pagination import PageNumberPagination
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from backend.core.errors import LANGS, DomainError, ErrorCode, FieldProblem, in_language, interpolate


def _flatten(detail, prefix: str = "") -> list[tuple[str, str, str]]:
    """(field path, code, message) for every leaf of a DRF error structure."""
    if isinstance(detail, dict):
        out = []
        for key, value in detail.items():
            if isinstance(key, int):
                out += _flatten(value, f"{prefix}[{key}]")
            else:
                out += _flatten(value, f"{prefix}.{key}" if prefix else str(key))
        return out
    if isinstance(detail, list):
        if all(isinstance(d, (exceptions.ErrorDetail, str)) for d in detail):
            return [(prefix or "non_field_errors", getattr(d, "code", "invalid"), str(d)) for d in detail]
        out = []
        for index, value in enumerate(detail):
            if value:
                out += _flatten(value, f"{prefix}[{index}]")
        return out
    return [(prefix or "non_field_errors", getattr(detail, "code", "invalid"), str(detail))]


def bilingual_errors(by_lang: dict[str, object]) -> list[dict]:
    """Zip the same error structure rendered in Japanese and English into one list."""
    flat = {lang: _flatten(detail) for lang, detail in by_lang.items()}
    errors = []
    for index, (field, code, ja) in enumerate(flat["ja"]):
        en = flat["en"][index][2] if index < len(flat["en"]) else ja
        errors.append({"field": field, "code": code, "ja": ja, "en": en})
    return errors


class BilingualValidationError(exceptions.APIException):
    status_code = 400
    default_code = "invalid"

    def __init__(self, errors: list[dict], status_code: int = 400):
        self.errors = errors
        self.status_code = status_code
        super().__init__(detail=errors[0]["en"] if errors else "invalid")

    @classmethod
    def of(cls, *problems: FieldProblem, **extra) -> "BilingualValidationError":
        """Problems whose messages are rendered in both languages, each with the same extra keys (row, column)."""
        return cls([{**p.as_error(), **extra} for p in problems])


# JSON types each kind of field takes as it is documented: DRF would quietly turn 0 into "0" or "7" into 7.
_TYPE_OF = ((serializers.BooleanField, (bool,), _("true か false で指定してください。")),
            (serializers.IntegerField, (int,), _("整数で指定してください。")),
            (serializers.ChoiceField, (str,), _("文字列で指定してください。")),
            (serializers.CharField, (str,), _("文字列で指定してください。")))


def _type_problems(serializer, data) -> list[dict]:
    """Values of JSON input whose type is not the one the schema documents for their field."""
    problems = []
    for name, field in serializer.fields.items():
        if field.read_only or name not in data or data[name] is None:
            continue
        values = [(name, data[name])]
        if isinstance(field, serializers.ListField) and isinstance(data[name], list):
            field = field.child
            values = [(f"{name}[{i}]", v) for i, v in enumerate(data[name])]
        for kind, types, message in _TYPE_OF:
            if isinstance(field, kind):
                message = field.error_messages.get("invalid_type", message)  # a field that says its unit
                # The field is named by "field"; the page shows the message next to its label.
                problems += [FieldProblem(path, ErrorCode.INVALID_TYPE, message).as_error()
                             for path, value in values
                             if not isinstance(value, types) or (types == (int,) and isinstance(value, bool))]
                break
    return problems


def validate_input(serializer_class, *, data, instance=None, partial: bool = False, context=None):
    """Validate request data; on failure raise errors rendered in both languages.

    Query parameters are validated as plain strings (an empty value is a value, not "absent"); JSON input
    must have the types the schema documents. Validation has no side effects, so it runs once per language.
    """
    problems = []
    if isinstance(data, QueryDict):
        data = data.dict()
    elif isinstance(data, dict):
        problems = _type_problems(serializer_class(context=context or {}), data)
    serializer = serializer_class(instance, data=data, partial=partial, context=context or {})
    with translation.override("ja"):
        if serializer.is_valid() and not problems:
            return serializer.validated_data
        by_lang = {"ja": serializer.errors}
    with translation.override("en"):
        again = serializer_class(instance, data=data, partial=partial, context=context or {})
        again.is_valid()
        by_lang["en"] = again.errors
    mistyped = {p["field"].split("[")[0] for p in problems}
    rest = [e for e in bilingual_errors(by_lang) if e["field"].split(".")[0].split("[")[0] not in mistyped]
    raise BilingualValidationError(problems + rest)


def readers_language(request):
    """The language of the person asking (cookie or Accept-Language), for documents the API makes for
    people (spreadsheets); the API's messages themselves are raised in English and carried in both."""
    return translation.override(getattr(request, "LANGUAGE_CODE", None) or "ja")


def _render(detail_factory) -> dict:
    return {lang: _with_lang(lang, detail_factory) for lang in LANGS}


def _with_lang(lang, factory):
    with translation.override(lang):
        return str(factory())


def _in_both(message) -> dict:
    """A message DRF or Django raised, in both languages, from the catalogues.

    The API runs in English (`ApiInEnglishMiddleware`), so what was raised is DRF's or Django's own msgid,
    and the Japanese is its translation. A message no catalogue knows stays as it is in both.
    """
    return _render(lambda: translation.gettext(str(message)))


# Messages DRF formats when it raises them: made again in each language from what they were made of.
_REMADE = {
    exceptions.MethodNotAllowed: lambda exc, request: exceptions.MethodNotAllowed(request.method).detail,
    exceptions.Throttled: lambda exc, request: exceptions.Throttled(exc.wait).detail,
    exceptions.UnsupportedMediaType: lambda exc, request: exceptions.UnsupportedMediaType(
        request.content_type).detail,
}


def _texts_of(exc: exceptions.APIException, request) -> dict:
    if type(exc) in _REMADE and request is not None:
        return _render(lambda: _REMADE[type(exc)](exc, request))
    if isinstance(exc, exceptions.ParseError):
        # DRF's parsers say what is wrong in English only ("JSON parse error - Expecting value: ...").
        return {"ja": in_language(interpolate(_("リクエストの本文を読み取れませんでした（%(detail)s）。"),
                                              detail=exc.detail), "ja"),
                "en": str(exc.detail)}
    if exc.detail == exc.default_detail:
        return _render(lambda: type(exc).default_detail)
    return _in_both(exc.detail)


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        errors = [p.as_error() for p in exc.problems]
        return Response({"detail": errors[0]["en"], "errors": errors}, status=exc.status_code)
    if isinstance(exc, BilingualValidationError):
        return Response({"detail": exc.detail, "errors": exc.errors}, status=exc.status_code)
    if isinstance(exc, IntegrityError):
        # The atomic service rolled back; a database constraint caught what validation did not.
        errors = [FieldProblem(None, ErrorCode.CONFLICT, _("データの整合性制約に違反したため保存しませんでした。")).as_error()]
        return Response({"detail": errors[0]["en"], "errors": errors}, status=409)
    if isinstance(exc, DjangoValidationError):
        exc = exceptions.ValidationError(exc.message_dict if hasattr(exc, "error_dict") else exc.messages)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    if isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.ValidationError):
        errors = [{"field": f, "code": c, **_in_both(m)} for f, c, m in _flatten(exc.detail)]
        return Response({"detail": errors[0]["en"] if errors else "invalid", "errors": errors}, status=400)
    response = drf_exception_handler(exc, context)
    if response is not None and isinstance(exc, exceptions.APIException):
        code = exc.get_codes() if isinstance(exc.get_codes(), str) else "error"
        texts = _texts_of(exc, context.get("request"))
        response.data = {"detail": texts["en"], "errors": [{"field": None, "code": code, **texts}]}
    return response


def _api_error(status: int, code: str, message):
    error = FieldProblem(None, code, message).as_error()
    return JsonResponse({"detail": error["en"], "errors": [error]}, status=status)


def bad_request(request, exception=None):
    """400 for a request Django refused before any view (a body over the upload limit, a bad host header):
    under /api/ in the API's error shape, naming the limit when that was the cause."""
    if not request.path.startswith("/api/"):
        return html_bad_request(request, exception)
    if isinstance(exception, RequestDataTooBig):
        megabytes = settings.DATA_UPLOAD_MAX_MEMORY_SIZE // (1024 * 1024)
        return _api_error(400, ErrorCode.REQUEST_TOO_LARGE, interpolate(
            _("送信された内容が大きすぎます（上限 %(megabytes)s MB）。"), megabytes=megabytes))
    return _api_error(400, ErrorCode.INVALID, _("リクエストを処理できませんでした。"))


def page_not_found(request, exception=None):
    """404 for a URL that matches no route: JSON in the API's error shape under /api/, the page elsewhere."""
    if request.path.startswith("/api/"):
        return _api_error(404, ErrorCode.NOT_FOUND, _("見つかりません。"))
    return html_page_not_found(request, exception)


RETRY_AFTER_S = 30  # what a client waiting for the database is told to wait before it asks again


def _database_away() -> bool:
    """The exception being handled says the database cannot be reached (not a query kenmu got wrong)."""
    exc = sys.exc_info()[1]
    return isinstance(exc, (OperationalError, InterfaceError)) and not isinstance(exc, IntegrityError)


def server_error(request):
    """500, or 503 with Retry-After while the database is away (issue 21: an outage answered 500). Neither
    answer reads the database."""
    if _database_away():
        if request.path.startswith("/api/"):
            response = _api_error(503, ErrorCode.DATABASE_UNAVAILABLE, _(
                "データベースに接続できません。しばらくしてからもう一度お試しください。"))
        else:
            response = HttpResponse(loader.render_to_string("503.html"), status=503)
        response["Retry-After"] = str(RETRY_AFTER_S)
        return response
    if request.path.startswith("/api/"):
        return _api_error(500, ErrorCode.SERVER_ERROR, _("サーバーで問題が発生しました。管理者に連絡してください。"))
    return html_server_error(request)


class StrictPageNumberPagination(PageNumberPagination):
    """Pages of 20 (a screen of rows, and what keeps a list request cheap under load); a `page` that is not a positive whole number is a 400 naming it (an empty one too),
    rather than silently page 1."""

    page_size = 20

    def paginate_queryset(self, queryset, request, view=None):
        raw = request.query_params.get(self.page_query_param)
        if raw is not None and not (raw.isascii() and raw.isdigit() and int(raw) >= 1):
            raise BilingualValidationError.of(FieldProblem(self.page_query_param, ErrorCode.INVALID_PAGE,
                                                           _("ページは1以上の整数で指定してください。")))
        return super().paginate_queryset(queryset, request, view)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_query_param:
                parameter["schema"] = {"type": "integer", "minimum": 1}
        return parameters
