"""Audit actions are constants with words for the log page; no service writes a free string."""

import ast
import pathlib

from django.utils import translation

from backend.core.audit import AuditAction

ROOT = pathlib.Path(__file__).resolve().parents[3]


def _is_member(node: ast.expr) -> bool:
    """`AuditAction.X`, or a choice between two such members."""
    if isinstance(node, ast.IfExp):
        return _is_member(node.body) and _is_member(node.orelse)
    return isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "AuditAction"


def _audit_calls():
    for path in [*(ROOT / "backend").rglob("*.py"), *(ROOT / "frontend").rglob("*.py")]:
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "id", getattr(node.func, "attr", None)) in {
                    "audit_record", "move", "move_all"}:
                yield path.relative_to(ROOT), node


def test_every_audit_row_is_written_with_an_audit_action_member():
    """Read as code, not text (a regex missed `ENGAGEMENT_ACCEPT if accept else "engagement.decline"`): every
    call of audit_record or of a workflow's move names its action as an AuditAction member, or hands on a
    variable that holds one (the mover, a helper shared by accept and decline): never a string, an f-string or
    an AuditAction built from one, and audit_record refuses a non-member at run time too."""
    free = []
    for path, call in _audit_calls():
        name = getattr(call.func, "id", getattr(call.func, "attr", None))
        action = next((kw.value for kw in call.keywords if kw.arg == "action"), None)
        if name != "audit_record":
            action = call.args[1] if len(call.args) > 1 else action
            if action is None:
                continue  # another object's move()
        if isinstance(action, ast.Name):
            continue  # a member handed on by a helper; audit_record refuses anything else at run time
        if action is None or not _is_member(action):
            free.append(f"{path}:{call.lineno}")
    assert free == []


def test_every_action_has_words_in_both_languages():
    for action in AuditAction:
        with translation.override("ja"):
            ja = str(action.label)
        with translation.override("en"):
            en = str(action.label)
        assert ja and en and ja != en and action.value not in (ja, en)
