"""Screens say 「費用弁償 未算定」 for on-site days and an expert with no home, never 0円 (issue 21)."""

from tests.backend.factories import CoordinatorFactory, ExpertFactory, NeedFactory, ProposalFactory


def test_the_run_page_and_the_approval_page_say_the_travel_is_not_counted(client, db):
    proposal = ProposalFactory(need=NeedFactory(onsite_required=True), expert=ExpertFactory(), travel_cost=0)
    client.force_login(CoordinatorFactory())
    run_page = client.get(f"/runs/{proposal.run_id}/").content.decode()
    approve_page = client.post(f"/proposals/{proposal.pk}/approve/").content.decode()
    assert "費用弁償 未算定" in run_page
    assert "費用弁償 未算定" in approve_page


def test_a_counted_travel_is_shown_with_its_amount(client, db):
    proposal = ProposalFactory(need=NeedFactory(onsite_required=True),
                               expert=ExpertFactory(home_municipality_id="202029"), travel_cost=12_000)
    client.force_login(CoordinatorFactory())
    run_page = client.get(f"/runs/{proposal.run_id}/").content.decode()
    assert "費用弁償 1.2万円" in run_page and "未算定" not in run_page
