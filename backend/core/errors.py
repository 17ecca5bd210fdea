"""Domain errors: the field at fault, a code from the app's `ErrorCode` enum and one lazy gettext message.

A message is a Japanese msgid whose English lives in the catalogue; nothing here picks a language. The API's
exception handler (`backend.core.api`) renders each message in both languages, a page in its own.
"""

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum

from django.utils import translation
from django.utils.functional import Promise, lazy
from django.utils.translation import pgettext

LANGS = ("ja", "en")


class ErrorCode(StrEnum):
    """The codes of the errors every app shares (input, pages, the request itself); each app keeps its own."""

    BAD_TRANSITION = "bad_transition"
    CONFLICT = "conflict"
    DATABASE_UNAVAILABLE = "database_unavailable"
    DUPLICATE = "duplicate"
    FISCAL_YEAR_OUT_OF_RANGE = "fiscal_year_out_of_range"
    INVALID = "invalid"
    INVALID_CORPORATE_NUMBER = "invalid_corporate_number"
    INVALID_FILTER = "invalid_filter"
    INVALID_MUNICIPALITY_CODE = "invalid_municipality_code"
    INVALID_PAGE = "invalid_page"
    INVALID_TYPE = "invalid_type"
    NOT_FINITE = "not_finite"
    NOT_FOUND = "not_found"
    NULL_CHARACTER = "null_character"
    PARSE_ERROR = "parse_error"
    READ_ONLY = "read_only"
    REQUEST_TOO_LARGE = "request_too_large"
    SERVER_ERROR = "server_error"
    TOO_DEEP = "too_deep"
    UNPAIRED_SURROGATE = "unpaired_surrogate"


def _interpolated(template, params: Mapping) -> str:
    return str(template) % {name: str(value) if isinstance(value, Promise) else value for name, value in params.items()}


_interpolated_lazy = lazy(_interpolated, str)


def interpolate(template, **params):
    """`template % params`, done when the message is rendered, so it renders in whichever language is active.

    The template is a lazy gettext msgid with `%(name)s` placeholders; a parameter may be lazy itself (a label).
    """
    return _interpolated_lazy(template, params) if params else template


def _joined(values) -> str:
    return pgettext("list separator", "、").join(str(value) for value in values)


_joined_lazy = lazy(_joined, str)


def joined(values):
    """Values (labels, lazy or not) as one list in the language the message is rendered in: 「A、B」, "A, B"."""
    return _joined_lazy(tuple(values))


def in_language(message, lang: str) -> str:
    with translation.override(lang):
        return str(message)


def in_both(message) -> dict[str, str]:
    """{"ja": ..., "en": ...}: one message rendered from the catalogues in each language the API speaks."""
    return {lang: in_language(message, lang) for lang in LANGS}


@dataclass(frozen=True)
class FieldProblem:
    field: str | None
    code: str
    message: Promise | str

    @property
    def ja(self) -> str:
        return in_language(self.message, "ja")

    @property
    def en(self) -> str:
        return in_language(self.message, "en")

    def as_error(self) -> dict:
        """The API's error item: field, code and the message in both languages."""
        return {"field": self.field, "code": str(self.code), **in_both(self.message)}


class DomainError(Exception):
    """Raised by services when a request breaks a business rule; rendered as HTTP 400 (or 409)."""

    status_code = 400

    def __init__(self, *problems: FieldProblem):
        super().__init__("; ".join(f"{p.field}: {p.en}" for p in problems))
        self.problems = problems

    @classmethod
    def single(cls, field: str | None, code: str, message) -> "DomainError":
        return cls(FieldProblem(field, code, message))


class ConflictError(DomainError):
    status_code = 409


class ForbiddenError(DomainError):
    """The request is well formed but the user's role or scope does not allow it (HTTP 403)."""

    status_code = 403
