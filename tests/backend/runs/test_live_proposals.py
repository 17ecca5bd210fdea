"""Proposal rows say what is true now, not what was true when the run ran (issue 11, item 8).

Found by a new user: 誓約書が必要 stayed after the expert signed, a conflict that arose after the run showed
only when 承認 was pressed, and rows stayed 承認済 after the engagement was declined or ended.
"""

import datetime as dt

from backend.engagements.models import Engagement
from tests.backend.conftest import client_for
from tests.backend.factories import (
    AffiliationFactory,
    ExpertFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
)


def _live(coordinator, proposal):
    rows = client_for(coordinator).get(f"/api/v1/runs/{proposal.run_id}/proposals/").json()["results"]
    (row,) = [r for r in rows if r["id"] == proposal.pk]
    return row["live"]


def test_a_pledge_signed_after_the_run_is_no_longer_asked_for(client, coordinator):
    expert = ExpertFactory()
    proposal = ProposalFactory(expert=expert, need=NeedFactory(), flags=[
        {"kind": "pledge_required", "expert": f"E{expert.pk}", "vendor": None, "municipality": "202011"}])
    client.force_login(coordinator)
    assert "誓約書が必要" in client.get(f"/runs/{proposal.run_id}/").content.decode()
    expert.pool_pledge_signed_on = dt.date(2027, 3, 1)
    expert.save()
    page = client.get(f"/runs/{proposal.run_id}/").content.decode()
    assert "誓約書が必要" not in page and "誓約書は署名済み" in page
    assert _live(coordinator, proposal) == {"state": "proposed", "notes": ["pledge_signed_since"]}


def test_a_conflict_that_arose_after_the_run_shows_on_the_row(client, coordinator):
    expert = ExpertFactory()
    proposal = ProposalFactory(expert=expert, need=NeedFactory(municipality_id="202011"))
    assert _live(coordinator, proposal)["notes"] == []
    ProcurementFactory(municipality_id="202011", incumbent_vendor=AffiliationFactory(expert=expert).vendor)
    assert _live(coordinator, proposal)["notes"] == ["conflict_since"]
    client.force_login(coordinator)
    assert "実行後に利益相反が生じました" in client.get(f"/runs/{proposal.run_id}/").content.decode()


def test_rows_follow_their_engagement_and_need(client, coordinator):
    need = NeedFactory(municipality_id="202011")
    proposal = ProposalFactory(need=need, status="approved")
    engagement = Engagement.objects.create(
        expert=proposal.expert, municipality_id="202011", need=need, proposal=proposal, fiscal_year=2027,
        starts_on="2027-04-01", ends_on="2028-03-31", weekdays=["mon"], days_per_year=48, fee=2_400_000,
        employment_form="special_part_time", status="declined", declined_by="expert")
    assert _live(coordinator, proposal)["state"] == "declined"
    client.force_login(coordinator)
    assert "辞退された" in client.get(f"/runs/{proposal.run_id}/").content.decode()
    Engagement.objects.filter(pk=engagement.pk).update(status="ended")
    assert _live(coordinator, proposal)["state"] == "ended"
    withdrawn = ProposalFactory(need=NeedFactory(municipality_id="202011", status="withdrawn"))
    assert _live(coordinator, withdrawn)["state"] == "need_withdrawn"
