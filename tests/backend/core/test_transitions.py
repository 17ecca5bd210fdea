"""Every status has one owner: its moves are declared once (backend/*/workflows.py), each with its audit action,
the mover refuses the rest, and no code outside backend/core/transitions.py writes a status."""

import ast
import importlib
import pathlib

import pytest

from backend.core.audit import AuditAction
from backend.core.errors import ConflictError
from backend.core.models import AuditLog
from backend.core.transitions import WORKFLOWS, Move, Workflow
from backend.needs.models import NeedStatus
from backend.needs.workflows import NEED_WORKFLOW
from tests.backend.factories import CoordinatorFactory, NeedFactory

ROOT = pathlib.Path(__file__).resolve().parents[3]
WORKFLOW_MODULES = ["backend.needs.workflows", "backend.runs.workflows", "backend.engagements.workflows",
                    "backend.experts.workflows", "backend.visits.workflows", "backend.worklog.workflows",
                    "backend.intake.workflows"]

# The whole table, as docs/architecture.md states it: a change here is a change of the record's rules.
EXPECTED = {
    "needs.Need": {
        "need.withdraw": ({"open"}, "withdrawn"),
        "need.reopen": ({"withdrawn", "dropped"}, "open"),
        "need.fill": ({"open"}, "filled"),
        "need.release": ({"filled"}, "open"),
        "need.renewal_confirm": ({"renewal"}, "open"),
        "need.renewal_drop": ({"renewal"}, "dropped"),
    },
    "runs.MatchRun": {
        "run.start": ({"queued"}, "running"),
        "run.succeeded": ({"running"}, "succeeded"),
        "run.infeasible": ({"running"}, "infeasible"),
        "run.failed": ({"running"}, "failed"),
        "run.cancelled": ({"running"}, "cancelled"),
        "run.cancel": ({"queued"}, "cancelled"),
        "run.requeue": ({"queued", "running"}, "queued"),
        "run.stale": ({"queued", "running"}, "failed"),
    },
    "runs.Proposal": {
        "proposal.approve": ({"proposed"}, "approved"),
        "proposal.supersede": ({"proposed"}, "superseded"),
    },
    "engagements.Engagement": {
        "engagement.activate": ({"offered"}, "active"),
        "engagement.decline": ({"offered"}, "declined"),
        "engagement.withdraw": ({"offered"}, "declined"),
        "engagement.lapse": ({"offered"}, "lapsed"),
        "engagement.end": ({"active"}, "ended"),
        "engagement.cancel": ({"active"}, "cancelled"),
    },
    "engagements.CoiOverride": {
        "coi_override.lapse": ({"in_force"}, "lapsed"),
        "coi_override.revoke": ({"in_force", "lapsed"}, "revoked"),
    },
    "engagements.EngagementConflict": {
        "engagement_conflict.except": ({"open"}, "resolved"),
        "engagement_conflict.end": ({"open"}, "resolved"),
    },
    "engagements.ReplacementRequest": {
        "replacement.complete": ({"open"}, "completed"),
        "replacement.close": ({"open"}, "closed"),
    },
    "experts.ExpertApplication": {
        "application.accept": ({"pending"}, "accepted"),
        "application.decline": ({"pending"}, "declined"),
    },
    "experts.AffiliationChange": {
        "affiliation.accept": ({"pending"}, "accepted"),
        "affiliation.decline": ({"pending"}, "declined"),
    },
    "visits.PlannedVisit": {
        "visits.cancel": ({"planned"}, "cancelled"),
    },
    "worklog.WorkMonth": {
        "work_month.submit": ({"open"}, "submitted"),
        "work_month.dispute": ({"submitted", "answered"}, "disputed"),
        "work_month.answer": ({"disputed"}, "answered"),
        "work_month.confirm": ({"submitted", "answered"}, "confirmed"),
        "work_month.confirm_on_paper": ({"submitted", "disputed", "answered"}, "confirmed"),
    },
    # an import too big for one request (issue 26)
    "intake.ImportJob": {
        "import_job.start": ({"queued"}, "running"),
        "import_job.succeed": ({"running"}, "succeeded"),
        "import_job.fail": ({"running"}, "failed"),
    },
}


def _declared() -> dict:
    for module in WORKFLOW_MODULES:
        importlib.import_module(module)
    return {name: {str(m.action): (set(m.sources), m.target) for m in wf.moves.values()}
            for name, wf in WORKFLOWS.items()}


def test_every_transition_is_declared_once_with_its_audit_action():
    assert _declared() == EXPECTED


def test_every_declared_state_is_a_state_of_its_model():
    from django.apps import apps

    for name, workflow in WORKFLOWS.items():
        model = apps.get_model(name)
        if workflow.writes_status:
            states = {value for value, _label in model._meta.get_field("status").choices}
        else:
            states = set(workflow.labels)
        for move in workflow.moves.values():
            assert move.sources | {move.target} <= states, (name, move.action)


def test_a_move_is_declared_only_once():
    with pytest.raises(ValueError):
        Workflow("x.Y", Move(AuditAction.NEED_FILL, {"a"}, "b"), Move(AuditAction.NEED_FILL, {"c"}, "d"))


def test_a_move_from_a_state_outside_its_sources_is_refused_and_leaves_no_row(db):
    need = NeedFactory(municipality_id="202011", status=NeedStatus.FILLED)
    with pytest.raises(ConflictError) as refused:
        NEED_WORKFLOW.move(need, AuditAction.NEED_WITHDRAW, actor=CoordinatorFactory(prefecture_id="20"))
    assert refused.value.problems[0].code == "bad_transition" and "充足" in refused.value.problems[0].ja
    need.refresh_from_db()
    assert need.status == NeedStatus.FILLED and not AuditLog.objects.exists()


def test_a_move_writes_the_status_and_its_audit_row_with_both_states(db):
    need = NeedFactory(municipality_id="202011", status=NeedStatus.OPEN)
    row = NEED_WORKFLOW.move(need, AuditAction.NEED_WITHDRAW, actor=None, prefecture="20", after={"why": "x"})
    need.refresh_from_db()
    assert need.status == NeedStatus.WITHDRAWN
    assert (row.action, row.before, row.after) == ("need.withdraw", {"status": "open"},
                                                   {"why": "x", "status": "withdrawn"})


def _status_writes(tree: ast.AST) -> list[int]:
    lines = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Assign, ast.AnnAssign, ast.AugAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:
                for element in (target.elts if isinstance(target, ast.Tuple) else [target]):
                    if isinstance(element, ast.Attribute) and element.attr == "status":
                        lines.append(node.lineno)
        names_status = isinstance(node, ast.Call) and (any(kw.arg == "status" for kw in node.keywords) or any(
            isinstance(a, ast.List) and any(isinstance(e, ast.Constant) and e.value == "status" for e in a.elts)
            for a in node.args))
        if names_status and getattr(node.func, "attr", None) in {"update", "bulk_update"}:
            lines.append(node.lineno)
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "setattr" and len(node.args) > 1 and \
                isinstance(node.args[1], ast.Constant) and node.args[1].value == "status":
            lines.append(node.lineno)
    return lines


def test_no_status_is_written_outside_the_workflow_mover():
    """`x.status = …`, `.update(status=…)` and `setattr(x, "status", …)` appear nowhere in the service code
    but in backend/core/transitions.py (creating a row in its first status is not a move)."""
    found = []
    for path in [*(ROOT / "backend").rglob("*.py"), *(ROOT / "frontend").rglob("*.py")]:
        if "migrations" in path.parts or path.relative_to(ROOT).as_posix() == "backend/core/transitions.py":
            continue
        found += [f"{path.relative_to(ROOT)}:{line}"
                  for line in _status_writes(ast.parse(path.read_text(encoding="utf-8")))]
    assert found == []


def test_the_architecture_document_names_every_move_with_its_owner():
    """docs/architecture.md's table is how a newcomer finds who makes a move: it must list every declared one."""
    document = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    rows = [line for line in document.splitlines() if line.startswith("|")]
    missing = [action for moves in _declared().values() for action in moves
               if not any(f"`{action}`" in row for row in rows)]
    assert missing == []
