"""Ending an engagement mid-year (issue 23, item 6): the coordinator or the municipality ends it on a date with a
reason; its fee is prorated, its bid restrictions end that day, the need is on offer again, both sides are told."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.core.errors import DomainError, ForbiddenError
from backend.core.models import AuditLog
from backend.engagements.hooks import ENGAGEMENT_ENDED
from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import engagement_end
from backend.needs.models import Need
from backend.notifications.models import Notification
from backend.restrictions.models import BidRestriction
from backend.restrictions.services import restrictions_record_for_engagement
from backend.runs.models import MatchRun
from tests.backend.conftest import client_for
from tests.backend.factories import (
    AffiliationFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    NeedFactory,
)

TODAY = dt.date(2027, 10, 15)


@pytest.fixture
def engagement(monkeypatch, coordinator):
    """An active FY2027 engagement in 長野市 of an expert employed by a vendor (one register row), today mid-October."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    affiliation = AffiliationFactory(relation="employee")
    e = Engagement.objects.create(
        expert=affiliation.expert, municipality_id="202011", need=NeedFactory(status="filled"), fiscal_year=2027,
        starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2028, 3, 31), weekdays=["mon"], days_per_year=48,
        fee=2_400_000, travel_cost=120_000, employment_form="special_part_time", status="active",
        pledge_signed_at=timezone.now(), pledge_version=PLEDGE_VERSION)
    restrictions_record_for_engagement(actor=coordinator, engagement=e)
    return e


def test_ending_mid_year_prorates_ends_the_restrictions_that_day_releases_the_need_tells_and_audits(
        coordinator, municipal, engagement):
    expert_account = ExpertUserFactory(expert=engagement.expert)
    heard = []
    ENGAGEMENT_ENDED.register(heard_end := lambda **kw: heard.append((kw["engagement"].ends_on, kw["cancelled"])))
    try:
        ended = engagement_end(actor=coordinator, engagement=engagement, on=dt.date(2027, 10, 31),
                               reason="本人の転居のため")
    finally:
        ENGAGEMENT_ENDED._callbacks.remove(heard_end)
    ended.refresh_from_db()
    assert (ended.status, ended.ends_on, ended.end_reason, ended.ended_by_side) == (
        "ended", dt.date(2027, 10, 31), "本人の転居のため", "prefecture")
    # Seven months of twelve served.
    assert (ended.days_per_year, ended.fee, ended.travel_cost) == (28, 1_400_000, 70_000)
    assert heard == [(dt.date(2027, 10, 31), False)]
    assert list(BidRestriction.objects.filter(engagement=ended).values_list("ends_on", flat=True)) == [
        dt.date(2027, 10, 31)]
    assert Need.objects.get(pk=ended.need_id).status == "open"
    told = set(Notification.objects.filter(kind="engagement_ended_early").values_list("recipient_id", flat=True))
    assert {coordinator.pk, municipal.pk, expert_account.pk} <= told
    text = Notification.objects.filter(recipient=expert_account).get().text
    assert "令和9年10月31日" in text and "本人の転居のため" in text
    row = AuditLog.objects.filter(action="engagement.end").get()
    assert row.after["end_reason"] == "本人の転居のため" and row.after["ends_on"] == "2027-10-31"


def test_the_municipality_ends_for_its_side_and_others_are_refused(municipal, other_municipal, engagement):
    for outsider in (other_municipal, ExpertUserFactory(expert=engagement.expert)):
        with pytest.raises(ForbiddenError):
            engagement_end(actor=outsider, engagement=engagement, on=TODAY, reason="理由")
    ended = engagement_end(actor=municipal, engagement=engagement, on=TODAY, reason="業務の見直し")
    assert (ended.status, ended.ended_by_side) == ("ended", "municipality")


@pytest.mark.parametrize("on", [dt.date(2027, 9, 30), dt.date(2028, 3, 31), dt.date(2028, 4, 10)])
def test_an_end_date_before_this_month_or_outside_the_term_is_refused_naming_the_field(coordinator, engagement, on):
    with pytest.raises(DomainError) as refused:
        engagement_end(actor=coordinator, engagement=engagement, on=on, reason="理由")
    assert refused.value.problems[0].field == "ends_on" and "終了日" in str(refused.value.problems[0].message)
    assert Engagement.objects.get(pk=engagement.pk).status == "active"


def test_the_api_ends_with_403_for_the_expert_and_404_for_another_prefecture(coordinator, other_coordinator,
                                                                             engagement):
    url = f"/api/v1/engagements/{engagement.pk}/end/"
    body = {"ends_on": "2027-11-30", "reason": "予算の減額"}
    assert client_for(other_coordinator).post(url, body, format="json").status_code == 404
    assert client_for(ExpertUserFactory(expert=engagement.expert)).post(url, body, format="json").status_code == 403
    assert client_for(coordinator).post(url, {"ends_on": "2027-11-30"}, format="json").status_code == 400
    done = client_for(coordinator).post(url, body, format="json")
    assert done.status_code == 200 and (done.json()["status"], done.json()["ends_on"]) == ("ended", "2027-11-30")
    assert client_for(coordinator).post(url, body, format="json").status_code == 409


def test_the_engagement_page_ends_after_a_confirmation_and_offers_a_successor_search(client, coordinator, engagement):
    client.force_login(coordinator)
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert "任期途中で終了" in page
    url = f"/engagements/{engagement.pk}/end/"
    asked = client.post(url, {"ends_on": "2027-10-31", "reason": "本人の希望"})
    assert asked.status_code == 200 and "終了しますか" in asked.content.decode()
    assert Engagement.objects.get(pk=engagement.pk).status == "active"
    done = client.post(url, {"ends_on": "2027-10-31", "reason": "本人の希望", "confirmed": "1"}, follow=True)
    text = done.content.decode()
    assert Engagement.objects.get(pk=engagement.pk).status == "ended"
    assert "任用を令和9年10月31日で終了しました" in text and "後任を探す" in text and "本人の希望" in text
    started = client.post(f"/engagements/{engagement.pk}/successor-run/")
    run = MatchRun.objects.get()
    assert started.url == f"/runs/{run.pk}/" and (run.fiscal_year, run.scope) == (2027, ["20"])
    other = client_for(MunicipalStaffFactory(municipality_id="202029"))
    assert other.get(f"/api/v1/engagements/{engagement.pk}/").status_code == 404


def test_ending_mid_year_closes_the_replacement_asked_for_the_engagement(coordinator, municipal, engagement):
    """A 要員交代 asked before the end has nothing left to replace: it is closed with an audit row, not left 対応中."""
    from backend.engagements.models import ReplacementRequest
    from backend.engagements.services import replacement_request

    asked = replacement_request(actor=municipal, engagement=engagement, reason="週の後半に来てほしい")
    engagement_end(actor=coordinator, engagement=engagement, on=dt.date(2027, 10, 31), reason="本人の都合")
    asked = ReplacementRequest.objects.get(pk=asked.pk)
    assert (asked.status, asked.completed_at is not None) == ("closed", True)
    assert AuditLog.objects.filter(action="replacement.close", object_id=str(asked.pk)).count() == 1
