"""Error codes are an enum per app (`backend/<app>/errors.py`); services, serializers and APIs name a member,
never an inline string, and the wire values stay the snake_case words clients already match on."""

import ast
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]
SOURCES = sorted(p for top in ("backend", "frontend") for p in (ROOT / top).rglob("*.py")
                 if "migrations" not in p.parts)
APPS_WITH_CODES = sorted(p.parent.name for p in (ROOT / "backend").glob("*/errors.py"))


def _code_arguments(call: ast.Call) -> list[ast.expr]:
    name = call.func.attr if isinstance(call.func, ast.Attribute) else getattr(call.func, "id", None)
    found = [k.value for k in call.keywords if k.arg == "code" and name in ("ValidationError", "FieldProblem", "single")]
    if name in ("single", "FieldProblem") and len(call.args) >= 2:
        found.append(call.args[1])
    if name in ("_file_problem", "_api_error") and call.args:
        found.append(call.args[0] if name == "_file_problem" else call.args[1])
    return found


def test_no_error_is_raised_with_an_inline_code_string():
    inline = [f"{path.relative_to(ROOT)}:{node.lineno}"
              for path in SOURCES for node in ast.walk(ast.parse(path.read_text()))
              if isinstance(node, ast.Call)
              for code in _code_arguments(node)
              if isinstance(code, ast.JoinedStr) or (isinstance(code, ast.Constant) and isinstance(code.value, str))]
    assert inline == [], "name a member of the app's ErrorCode"


@pytest.mark.parametrize("app", APPS_WITH_CODES)
def test_each_apps_codes_are_snake_case_words_named_by_their_member(app):
    codes = importlib.import_module(f"backend.{app}.errors").ErrorCode
    assert len(codes) > 0
    assert all(code.value == code.name.lower() and code.value.replace("_", "").isalnum() for code in codes)
