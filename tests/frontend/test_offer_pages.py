"""The offer pages of issue 25 (items 6, 7) through Django's test client: the answer deadline on the offer, the
engagement page and the to-do list; the coordinator changes it; the decline form asks why; the prefecture's
days to answer on its settings page; the year's declines by reason."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.engagements.models import Engagement
from backend.geo.models import PrefectureSetting
from backend.placement.services import proposal_approve
from frontend.todo import todo_list
from tests.backend.factories import (
    CoordinatorFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    ProposalFactory,
)


@pytest.fixture
def offer(db):
    coordinator = CoordinatorFactory(prefecture_id="20")
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory())
    return (engagement, coordinator, MunicipalStaffFactory(municipality_id=engagement.municipality_id),
            ExpertUserFactory(expert=engagement.expert))


def test_the_offer_shows_its_deadline_and_the_coordinator_changes_it(client, offer):
    engagement, coordinator, staff, _expert = offer
    Engagement.objects.filter(pk=engagement.pk).update(answer_by=timezone.localdate() + dt.timedelta(days=3))
    client.force_login(staff)
    assert "（あと3日）" in client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert "（あと3日）" in client.get("/engagements/").content.decode()
    assert {i.key: i.note for i in todo_list(user=staff)}["offers"].endswith("（あと3日）")
    assert client.post(f"/engagements/{engagement.pk}/deadline/", {"answer_by": "2099-01-01"}).status_code == 403
    client.force_login(coordinator)
    page = client.post(f"/engagements/{engagement.pk}/deadline/", {"answer_by": "2000-01-01"}, follow=True)
    assert "以降の日付にしてください" in page.content.decode()
    later = timezone.localdate() + dt.timedelta(days=20)
    page = client.post(f"/engagements/{engagement.pk}/deadline/", {"answer_by": later.isoformat()}, follow=True)
    assert "回答期限を" in page.content.decode() and "（あと20日）" in page.content.decode()
    engagement.refresh_from_db()
    assert engagement.answer_by == later


def test_the_decline_form_asks_why_and_the_coordinator_counts_it(client, offer):
    engagement, coordinator, staff, _expert = offer
    client.force_login(staff)
    form = client.get(f"/engagements/{engagement.pk}/decline/").content.decode()
    assert 'value="side_job_permission"' in form and 'value="lapsed"' not in form
    refused = client.post(f"/engagements/{engagement.pk}/respond/", {"answer": "decline", "confirmed": "1",
                                                                     "reason": "議会で否決"}, follow=True)
    assert "辞退の理由を一覧から選んでください" in refused.content.decode() and "議会で否決" in refused.content.decode()
    assert Engagement.objects.get(pk=engagement.pk).status == "offered"
    client.post(f"/engagements/{engagement.pk}/respond/", {"answer": "decline", "confirmed": "1",
                                                          "decline_code": "council_budget", "reason": "議会で否決"})
    engagement.refresh_from_db()
    assert (engagement.status, engagement.decline_code, engagement.decline_reason) == (
        "declined", "council_budget", "議会で否決")
    client.force_login(coordinator)
    page = client.get(f"/offers/declines/?fy={engagement.fiscal_year}").content.decode()
    assert "議会で否決" in page and 'id="reason-council_budget"' in page
    assert client.get(f"/offers/declines/?fy={engagement.fiscal_year}&file=xlsx").status_code == 200


def test_the_prefectures_days_to_answer_are_set_on_its_settings_page(client, offer):
    _engagement, coordinator, _staff, _expert = offer
    client.force_login(coordinator)
    form = {"travel_yen_per_km": "37", "matching_season": "", "confirmation_working_day": "5"}
    page = client.post("/settings/", {**form, "offer_answer_days": "91"}).content.decode()
    assert "打診への回答期限（日数）" in page and PrefectureSetting.objects.filter(offer_answer_days=91).count() == 0
    client.post("/settings/", {**form, "offer_answer_days": "30"})
    assert PrefectureSetting.objects.get(pk="20").offer_answer_days == 30
