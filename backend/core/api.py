"""API plumbing shared by every app: bilingual errors, input validation, object scoping."""

import functools

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import IntegrityError
from django.http import Http404
from django.utils import translation
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from backend.core.errors import DomainError

LANGS = ("ja", "en")


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


def validate_input(serializer_class, *, data, instance=None, partial: bool = False, context=None):
    """Validate request data; on failure raise errors rendered in both languages.

    Validation has no side effects, so it is simply run once per language.
    """
    serializer = serializer_class(instance, data=data, partial=partial, context=context or {})
    with translation.override("ja"):
        if serializer.is_valid():
            return serializer.validated_data
        by_lang = {"ja": serializer.errors}
    with translation.override("en"):
        again = serializer_class(instance, data=data, partial=partial, context=context or {})
        again.is_valid()
        by_lang["en"] = again.errors
    raise BilingualValidationError(bilingual_errors(by_lang))


def _render(detail_factory) -> dict:
    return {lang: _with_lang(lang, detail_factory) for lang in LANGS}


def _with_lang(lang, factory):
    with translation.override(lang):
        return str(factory())


@functools.cache
def _msgid_of_japanese() -> dict[str, str]:
    """Japanese translation -> msgid, for messages DRF and Django translate when they are raised."""
    catalog = translation.trans_real.translation("ja")._catalog
    return {str(text): key for key, text in catalog.items() if isinstance(key, str) and key}


def _in_both(message: str) -> dict:
    """A message already rendered in the request's language, in both languages where a catalogue knows it."""
    message = str(message)
    msgid = _msgid_of_japanese().get(message, message)
    texts = _render(lambda: translation.gettext(msgid))
    return texts if message in texts.values() else {"ja": message, "en": message}


def exception_handler(exc, context):
    if isinstance(exc, DomainError):
        errors = [{"field": p.field, "code": p.code, "ja": p.ja, "en": p.en} for p in exc.problems]
        return Response({"detail": errors[0]["en"], "errors": errors}, status=exc.status_code)
    if isinstance(exc, BilingualValidationError):
        return Response({"detail": exc.detail, "errors": exc.errors}, status=exc.status_code)
    if isinstance(exc, IntegrityError):
        # The atomic service rolled back; a database constraint caught what validation did not.
        errors = [{"field": None, "code": "conflict",
                   "ja": "データの整合性制約に違反したため保存しませんでした。",
                   "en": "Not saved: the change violates a database integrity constraint."}]
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
        if exc.detail == exc.default_detail:
            texts = _render(lambda: type(exc).default_detail)
        else:
            texts = _in_both(exc.detail)
        response.data = {"detail": texts["en"], "errors": [{"field": None, "code": code, **texts}]}
    return response


class ReadOnlyModelSerializer(serializers.ModelSerializer):
    def create(self, validated_data):  # pragma: no cover - output serializers never write
        raise NotImplementedError

    def update(self, instance, validated_data):  # pragma: no cover
        raise NotImplementedError
