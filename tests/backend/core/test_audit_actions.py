"""Audit actions are constants with words for the log page; no service writes a free string."""

import pathlib
import re

from django.utils import translation

from backend.core.audit import AuditAction

ROOT = pathlib.Path(__file__).resolve().parents[3]


def test_no_service_writes_an_audit_action_as_a_string():
    free = [f"{path.relative_to(ROOT)}:{n}" for path in (ROOT / "backend").rglob("*.py")
            for n, line in enumerate(path.read_text().splitlines(), 1)
            if re.search(r'action=f?"[a-z_]+\.', line)]
    assert free == []


def test_every_action_has_words_in_both_languages():
    for action in AuditAction:
        with translation.override("ja"):
            ja = str(action.label)
        with translation.override("en"):
            en = str(action.label)
        assert ja and en and ja != en and action.value not in (ja, en)
