"""`Workflow.move_all`: many rows of one model moved by one UPDATE and recorded by ONE audit row on what caused
the move (issue 22: a new run superseding the proposals of earlier runs of its scope used a bare `.update()`)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.core.audit import AuditAction
from backend.core.models import AuditLog
from backend.runs.models import Proposal
from backend.runs.workflows import PROPOSAL_WORKFLOW
from tests.backend.factories import MatchRunFactory, ProposalFactory

pytestmark = pytest.mark.django_db


def test_move_all_moves_the_rows_in_a_source_state_in_one_update_and_audits_them_once_on_the_cause():
    earlier = MatchRunFactory(scope_key="20/2027")
    proposed = [ProposalFactory(run=earlier), ProposalFactory(run=earlier)]
    approved = ProposalFactory(run=earlier, status="approved")
    later = MatchRunFactory(scope_key="20/2027")
    with CaptureQueriesContext(connection) as queries:
        row = PROPOSAL_WORKFLOW.move_all(Proposal.objects.filter(run=earlier), AuditAction.PROPOSAL_SUPERSEDE,
                                         actor=None, on=later, prefecture="20", also_visible_to=["19"],
                                         after={"run": later.pk})
    updates = [q["sql"] for q in queries.captured_queries if q["sql"].startswith('UPDATE "runs_proposal"')]
    assert len(updates) == 1
    statuses = dict(Proposal.objects.filter(run=earlier).values_list("pk", "status"))
    assert statuses == {proposed[0].pk: "superseded", proposed[1].pk: "superseded", approved.pk: "approved"}
    assert AuditLog.objects.get() == row
    assert (row.action, row.object_type, row.object_id) == ("proposal.supersede", "MatchRun", str(later.pk))
    assert row.actor is None and row.scope == ["19", "20"]
    assert row.before == {"status": ["proposed"]}
    assert row.after == {"run": later.pk, "proposal_ids": sorted(p.pk for p in proposed), "status": "superseded"}


def test_move_all_with_nothing_to_move_writes_nothing():
    run = MatchRunFactory()
    ProposalFactory(run=run, status="approved")
    assert PROPOSAL_WORKFLOW.move_all(Proposal.objects.filter(run=run), AuditAction.PROPOSAL_SUPERSEDE,
                                      actor=None, on=run) is None
    assert not AuditLog.objects.exists()
    assert Proposal.objects.get(run=run).status == "approved"
