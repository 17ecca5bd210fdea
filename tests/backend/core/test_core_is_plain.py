"""backend.core is the plumbing every app uses; it must not import the domain apps (they import it)."""

import ast
import pathlib

CORE = pathlib.Path(__file__).resolve().parents[3] / "backend" / "core"
DOMAIN = ("accounts", "applications", "costs", "engagements", "experts", "geo", "needs", "notifications", "procurement",
          "restrictions", "runs", "renewals", "intake")


def test_core_imports_no_domain_app():
    found = []
    for path in CORE.rglob("*.py"):
        if "migrations" in path.parts:
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            module = node.module if isinstance(node, ast.ImportFrom) else None
            if module and module.startswith("backend.") and module.split(".")[1] in DOMAIN:
                found.append(f"{path.name}: {module}")
    assert found == []
