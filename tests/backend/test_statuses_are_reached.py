"""Every status a model can hold is one the code sets or reads: a status nothing names is dead vocabulary that
screens, filters and the schema would still offer (ReplacementStatus.WITHDRAWN was one)."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SOURCES = {path: path.read_text() for top in ("backend", "frontend") for path in (ROOT / top).rglob("*.py")
           if "migrations" not in path.parts}
STATUS_CLASS = re.compile(r"^class (\w+Status)\(models\.TextChoices\):\n((?:    .*\n)+)", re.MULTILINE)


def test_every_status_member_is_named_outside_its_definition():
    code = "\n".join(SOURCES.values())
    statuses = [(name, member) for text in SOURCES.values() for name, body in STATUS_CLASS.findall(text)
                for member in re.findall(r"^    ([A-Z_]+) = ", body, re.MULTILINE)]
    assert len(statuses) > 10
    unused = [f"{name}.{member}" for name, member in statuses if not re.search(rf"\b{name}\.{member}\b", code)]
    assert unused == []
