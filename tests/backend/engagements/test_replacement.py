"""要員交代: the current engagement ends only when the successor is active, on the day before it starts, with
days and fee prorated by the months served (issue 11, item 6).

A new user saw approving a successor end the current engagement at once ("2027-04-01〜2027-04-01") while
neither the successor nor the municipality had accepted.
"""

import datetime as dt

import pytest
from django.utils import timezone

from backend.core.fiscal import months_served, prorate
from backend.engagements.models import Engagement, ReplacementRequest
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import engagement_respond, replacement_request
from backend.placement.services import proposal_approve
from tests.backend.factories import (
    ExpertFactory,
    ExpertUserFactory,
    MatchRunFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProposalFactory,
)

TODAY = dt.date(2027, 10, 15)


@pytest.fixture
def mid_year(monkeypatch):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    return TODAY


def _active(expert, need):
    return Engagement.objects.create(
        expert=expert, municipality_id="202011", need=need, fiscal_year=2027, starts_on=dt.date(2027, 4, 1),
        ends_on=dt.date(2028, 3, 31), weekdays=["mon"], days_per_year=48, fee=2_400_000,
        employment_form="special_part_time", status="active", pledge_signed_at=timezone.now(),
        pledge_version=PLEDGE_VERSION)


def _successor_proposal(*, run, need, expert):
    """A successor's proposal as a replacement run makes it: the days and fee of the rest of the year."""
    days = prorate(need.days_per_year, start=TODAY, end=dt.date(2028, 3, 31))
    return ProposalFactory(run=run, need=need, expert=expert, days_per_year=days, fee=expert.daily_rate * days)


def test_months_are_counted_by_the_share_of_days_served():
    assert months_served(dt.date(2027, 4, 1), dt.date(2027, 9, 30)) == 6
    assert months_served(dt.date(2027, 10, 15), dt.date(2028, 3, 31)) == pytest.approx(5 + 17 / 31)
    assert months_served(dt.date(2027, 4, 1), dt.date(2027, 3, 31)) == 0
    assert prorate(2_400_000, start=dt.date(2027, 4, 1), end=dt.date(2027, 9, 30)) == 1_200_000


def test_the_current_engagement_ends_only_when_the_successor_is_active(coordinator, mid_year):
    need = NeedFactory(municipality_id="202011", status="filled", budget=3_600_000)
    current_expert, successor_expert = ExpertFactory(), ExpertFactory(daily_rate=60_000)
    current = _active(current_expert, need)
    staff = MunicipalStaffFactory(municipality_id="202011")
    request = replacement_request(actor=staff, engagement=current, reason="週の後半に来てほしい")
    run = MatchRunFactory(kind="replacement", replacement=request)
    successor = proposal_approve(actor=coordinator, proposal=_successor_proposal(run=run, need=need,
                                                                               expert=successor_expert))
    current.refresh_from_db()
    assert current.status == "active" and current.ends_on == dt.date(2028, 3, 31)
    assert successor.starts_on == TODAY and successor.replaces_id == current.pk
    rest = prorate(48, start=TODAY, end=dt.date(2028, 3, 31))
    assert (successor.days_per_year, successor.fee) == (rest, 60_000 * rest)

    engagement_respond(actor=staff, engagement=successor, accept=True)
    current.refresh_from_db()
    assert current.status == "active"  # the expert has not accepted yet
    engagement_respond(actor=ExpertUserFactory(expert=successor_expert), engagement=successor, accept=True,
                       pledge_version=PLEDGE_VERSION)
    current.refresh_from_db()
    assert current.status == "ended" and current.ends_on == dt.date(2027, 10, 14)
    served = months_served(dt.date(2027, 4, 1), dt.date(2027, 10, 14))
    assert current.fee == round(2_400_000 * served / 12) and current.days_per_year == round(48 * served / 12)
    assert ReplacementRequest.objects.get().status == "completed"


def test_a_declined_successor_leaves_the_current_engagement_and_the_request_open(coordinator, mid_year):
    need = NeedFactory(municipality_id="202011", status="filled")
    current = _active(ExpertFactory(), need)
    staff = MunicipalStaffFactory(municipality_id="202011")
    request = replacement_request(actor=staff, engagement=current, reason="交代したい")
    successor = proposal_approve(actor=coordinator, proposal=_successor_proposal(
        run=MatchRunFactory(kind="replacement", replacement=request), need=need, expert=ExpertFactory()))
    engagement_respond(actor=staff, engagement=successor, accept=False, decline_code="schedule")
    current.refresh_from_db()
    assert current.status == "active"
    assert ReplacementRequest.objects.get().status == "open"
    need.refresh_from_db()
    assert need.status == "filled"  # the current engagement still holds it (the decline reopened it before)


def test_the_replacement_form_refuses_an_engagement_that_is_not_active(client):
    need = NeedFactory(municipality_id="202011")
    declined = _active(ExpertFactory(), need)
    Engagement.objects.filter(pk=declined.pk).update(status="declined")
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    response = client.get(f"/engagements/{declined.pk}/replacement/", follow=True)
    page = response.content.decode()
    assert "稼働中の任用だけです" in page and "「辞退」" in page
    assert 'name="reason"' not in page


def test_a_multi_year_engagement_handed_over_keeps_the_months_of_its_first_year(coordinator, mid_year):
    """任期付短時間職員 for three years: the stored fee and days are the first fiscal year's, so the hand-over
    prorates them over that year's months, not over the whole three-year term (which gave a third of it)."""
    need = NeedFactory(municipality_id="202011", status="filled", budget=3_600_000, employment_forms=["fixed_term_short"])
    current_expert, successor_expert = ExpertFactory(employment_forms=["fixed_term_short"]), ExpertFactory(
        daily_rate=60_000, employment_forms=["fixed_term_short"])
    current = _active(current_expert, need)
    Engagement.objects.filter(pk=current.pk).update(employment_form="fixed_term_short", ends_on=dt.date(2030, 3, 31))
    staff = MunicipalStaffFactory(municipality_id="202011")
    request = replacement_request(actor=staff, engagement=current, reason="専門分野の変更")
    run = MatchRunFactory(kind="replacement", replacement=request)
    successor = proposal_approve(actor=coordinator, proposal=_successor_proposal(run=run, need=need,
                                                                               expert=successor_expert))
    engagement_respond(actor=staff, engagement=successor, accept=True)
    engagement_respond(actor=ExpertUserFactory(expert=successor_expert), engagement=successor, accept=True,
                       pledge_version=PLEDGE_VERSION)
    current.refresh_from_db()
    served = months_served(dt.date(2027, 4, 1), dt.date(2027, 10, 14))
    assert current.ends_on == dt.date(2027, 10, 14)
    assert (current.fee, current.days_per_year) == (round(2_400_000 * served / 12), round(48 * served / 12))
