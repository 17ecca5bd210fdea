"""Messages have one mechanism: a lazy gettext msgid (Japanese) whose English is in the catalogue, rendered in
both languages by the API's exception handler. No code writes a Japanese/English pair inline."""

import ast
from pathlib import Path

import pytest
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from backend.core.api import exception_handler
from backend.core.choices import Weekday
from backend.core.errors import DomainError, FieldProblem, in_both, interpolate, joined

ROOT = Path(__file__).resolve().parents[3]
SOURCES = sorted(p for top in ("backend", "frontend") for p in (ROOT / top).rglob("*.py")
                 if "migrations" not in p.parts)


def _is_text(node) -> bool:
    return isinstance(node, ast.JoinedStr) or (isinstance(node, ast.Constant) and isinstance(node.value, str))


def _inline_pairs(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(), filename=str(path))):
        if isinstance(node, ast.Dict):
            texts = {k.value: v for k, v in zip(node.keys, node.values, strict=True)
                     if isinstance(k, ast.Constant) and k.value in ("ja", "en")}
            if len(texts) == 2 and all(_is_text(v) for v in texts.values()):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {{'ja': ..., 'en': ...}}")
        if isinstance(node, ast.Call):
            named = {k.arg for k in node.keywords if _is_text(k.value)}
            if {"ja", "en"} <= named:
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} ja=..., en=...")
        if isinstance(node, ast.Name) and node.id == "bilingual":
            found.append(f"{path.relative_to(ROOT)}:{node.lineno} bilingual(...)")
    return found


def test_no_module_writes_a_japanese_and_english_pair_inline():
    found = [pair for path in SOURCES for pair in _inline_pairs(path)]
    assert found == [], "write one gettext message; the catalogue has its English"


def test_a_problem_is_rendered_in_both_languages_from_the_catalogue_whatever_language_is_active():
    problem = FieldProblem("status", "not_open", _("募集中のニーズのみ取り下げられます。"))
    for active in ("ja", "en"):
        with translation.override(active):
            response = exception_handler(DomainError(problem), {})
        assert response.data["errors"] == [{"field": "status", "code": "not_open",
                                             "ja": "募集中のニーズのみ取り下げられます。",
                                             "en": "Only an open need can be withdrawn."}]


@pytest.mark.parametrize(("lang", "expected"), [
    ("ja", "勤務が決まっている曜日（月、火）は稼働可能曜日から外せません。"),
    ("en", "Weekdays already booked (Mon, Tue) cannot be removed."),
])
def test_parameters_and_their_labels_are_filled_in_the_language_the_message_is_rendered_in(lang, expected):
    message = interpolate(_("勤務が決まっている曜日（%(weekdays)s）は稼働可能曜日から外せません。"),
                          weekdays=joined(Weekday(d).label for d in ("mon", "tue")))
    assert in_both(message)[lang] == expected
