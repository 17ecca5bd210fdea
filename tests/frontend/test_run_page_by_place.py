"""The run page at national scale (issue 26, step 3): proposals 50 a page, filtered by prefecture and municipality
chosen by name, the counts those of the whole run, and a page view whose queries do not grow with the run."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.accounts.models import UserRole
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    MatchRunFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

ROW = re.compile(r'<tr id="proposal-\d+"')


def _run_with(counts: dict[str, int], **run):
    """A run with this many proposals per municipality, all of one expert (a page shows each row alike)."""
    run, expert = MatchRunFactory(**run), ExpertFactory()
    for code, count in counts.items():
        for _ in range(count):
            ProposalFactory(run=run, expert=expert, need=NeedFactory(municipality_id=code))
    return run


def _page(client, run, **params) -> str:
    response = client.get(f"/runs/{run.pk}/", params)
    assert response.status_code == 200
    return response.content.decode()


def test_the_run_page_shows_fifty_proposals_a_page_and_counts_the_whole_run(client):
    run = _run_with({"202011": 49, "202029": 2})
    ProposalFactory(run=run, need=NeedFactory(municipality_id="202029"), flags=[{"kind": "pledge_required"}])
    # An unflagged proposal whose expert's employer has since become the incumbent there is noted too.
    since = ProposalFactory(run=run, need=NeedFactory(municipality_id="202011"))
    ProcurementFactory(municipality_id="202011", incumbent_vendor=AffiliationFactory(expert=since.expert).vendor)
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    first, second = _page(client, run), _page(client, run, page=2)
    assert len(ROW.findall(first)) == 50 and len(ROW.findall(second)) == 3
    for page in (first, second):
        assert "提案（53件・注意 2件）" in page
    assert "53件中 51〜53件目" in second


def test_the_run_page_filters_by_municipality_chosen_by_name(client):
    run = _run_with({"202011": 2, "202029": 1})
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = _page(client, run)
    assert '<option value="202029" >松本市</option>' in page
    filtered = _page(client, run, municipality="202029")
    assert len(ROW.findall(filtered)) == 1 and "該当する提案 1件" in filtered
    assert len(ROW.findall(_page(client, run, municipality="999999"))) == 3  # not a choice: ignored


def test_an_administrator_chooses_the_prefecture_of_a_joint_run_by_name(client):
    run = _run_with({"202011": 1, "192015": 2}, scope=["19", "20"])
    client.force_login(UserFactory(role=UserRole.ADMIN))
    page = _page(client, run)
    assert '<option value="19" >山梨県</option>' in page and 'id="municipality"' not in page
    filtered = _page(client, run, prefecture="19")
    assert len(ROW.findall(filtered)) == 2 and '<option value="192015" >甲府市</option>' in filtered


def test_the_run_page_queries_do_not_grow_with_the_proposals(client):
    small, large = _run_with({"202011": 2}), _run_with({"202011": 30, "202029": 30})
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    counts = []
    for run in (small, large):
        _page(client, run)
        with CaptureQueriesContext(connection) as queries:
            _page(client, run)
        counts.append(len(queries))
    assert counts[0] == counts[1]
