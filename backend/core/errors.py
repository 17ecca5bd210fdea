"""Domain errors that name the field and the problem in Japanese and English."""

from dataclasses import dataclass


@dataclass(frozen=True)
class FieldProblem:
    field: str
    code: str
    ja: str
    en: str


class DomainError(Exception):
    """Raised by services when a request breaks a business rule; rendered as HTTP 400 (or 409)."""

    status_code = 400

    def __init__(self, *problems: FieldProblem):
        super().__init__("; ".join(f"{p.field}: {p.en}" for p in problems))
        self.problems = problems

    @classmethod
    def single(cls, field: str, code: str, ja: str, en: str) -> "DomainError":
        return cls(FieldProblem(field, code, ja, en))


class ConflictError(DomainError):
    status_code = 409


class ForbiddenError(DomainError):
    """The request is well formed but the user's role or scope does not allow it (HTTP 403)."""

    status_code = 403


def _pick(ja: str, en: str) -> str:
    from django.utils.translation import get_language

    return en if (get_language() or "ja").startswith("en") else ja


def bilingual(ja: str, en: str):
    """A message that renders in the active language; the API renders every error in both."""
    from django.utils.functional import lazy

    return lazy(_pick, str)(ja, en)
