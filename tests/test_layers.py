"""The house points one way (issue 22): every app under backend/ has a place in one order, and imports only
apps below it. Two apps that import each other both ways — models included — are a cycle this test refuses;
foreign keys between apps are string references ("experts.Expert"), which need no import, and reads across
them go through the relation the model declares.

Imports under `if TYPE_CHECKING:` count too: an annotation that names a higher app's class is a dependency
on it (a lower app describes what it reads with a Protocol instead). `frontend` is above every app; `matching` is below all of them and imports none (tests/test_imports_at_top.py holds that).
docs/architecture.md draws the same order and says why each app sits where it does.
"""

import ast
import pathlib

ROOT = pathlib.Path(__file__).resolve().parents[1]
BACKEND = ROOT / "backend"

# Lowest first. An app may import the apps before it in this list, never one after it.
LAYERS = [
    "core",           # audit log, transitions, errors, choices: plumbing, no domain
    "geo",            # the register of prefectures and municipalities
    "accounts",       # users, roles, permissions, invitations
    "calendar",       # the working calendar: 祝日, 年末年始, the closed days a prefecture or municipality adds
    "notifications",  # what users are told
    "procurement",    # vendors and procurements
    "restrictions",   # the bid-restriction register, written by the apps above
    "experts",        # experts, affiliations, affiliation changes
    "applications",   # how people join: applications and invitations that register experts
    "needs",          # municipalities' needs and their status
    "wishes",         # both sides' wishes (shortlists, interest), vetoes, second rounds (issue 25)
    "runs",           # runs, proposals, pins and forbids, consents
    "engagements",    # offers, activation, exceptions, replacement, end
    "visits",         # the visit plan: each engagement's working dates, moves, the expert's calendar, iCal feeds
    "worklog",        # the activity log, monthly confirmation, disputes, adjustments after a month is locked
    "payments",       # what is owed per confirmed month, year to date against the budget, the payment sheets
    "goals",          # goals set at activation, the October and March evaluations
    "funding",        # funding schemes, each engagement's scheme, recruitment costs, eligibility from the log
    "placement",      # from rows to the engine and back: the instance, candidates, approval, the run's execution
    "renewals",
    "costs",          # the cost table by scheme, the claim pack, the autumn estimate (予算要求見込み)
    "documents",      # A4 PDFs in Japanese: letters, pledge, contract essentials, notices, reports, council pack
    "public",         # the anonymous yearly page per prefecture and fiscal year
    "intake",         # imports
    "audit",          # the audit log's API and filters
    "worker",         # the task worker
    "demo",
    "config",
]


def _apps() -> list[str]:
    return sorted(p.name for p in BACKEND.iterdir() if p.is_dir() and (p / "__init__.py").exists())


def _runtime_imports(tree: ast.AST):
    """Every module imported, annotations' imports included."""
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module:
            yield node.lineno, node.module
        elif isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name


def _uses() -> dict[str, set[tuple[str, str]]]:
    uses: dict[str, set[tuple[str, str]]] = {app: set() for app in _apps()}
    for app in uses:
        for path in (BACKEND / app).rglob("*.py"):
            if "migrations" in path.parts:
                continue
            for line, module in _runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
                parts = module.split(".")
                if len(parts) > 1 and parts[0] == "backend" and parts[1] in uses and parts[1] != app:
                    uses[app].add((parts[1], f"{path.relative_to(ROOT)}:{line}"))
    return uses


def test_every_app_has_its_place_in_the_order():
    assert set(_apps()) <= set(LAYERS), set(_apps()) - set(LAYERS)


def test_every_app_imports_only_apps_below_it():
    place = {app: index for index, app in enumerate(LAYERS)}
    upward = sorted(f"{where} imports backend.{used}" for app, used_by in _uses().items()
                    for used, where in used_by if place[used] > place[app])
    assert upward == []


def test_no_two_apps_import_each_other():
    uses = {app: {used for used, _where in used_by} for app, used_by in _uses().items()}
    both = sorted({tuple(sorted((a, b))) for a in uses for b in uses[a] if a in uses.get(b, set())})
    assert both == []
