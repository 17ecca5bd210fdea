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


def test_the_cost_page_says_how_many_engagements_have_travel_not_counted(client, db):
    from backend.engagements.models import Engagement

    Engagement.objects.create(
        expert=ExpertFactory(), municipality_id="202011", need=NeedFactory(onsite_required=True), fiscal_year=2027,
        starts_on="2027-04-01", ends_on="2028-03-31", weekdays=["mon"], days_per_year=48, fee=2_400_000,
        employment_form="contract")
    client.force_login(CoordinatorFactory())
    page = client.get("/costs/", {"fy": "2027"}).content.decode()
    assert "費用弁償が未算定の任用・委託が1件あります" in page
