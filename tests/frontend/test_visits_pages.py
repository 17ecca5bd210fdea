"""The visit plan's pages: the expert's month across engagements (movable dates) and the engagement page's
「訪問予定」 section with the count against the contract and the months that fall short."""

import datetime as dt

import pytest

from backend.engagements.models import Engagement
from backend.visits.models import PlannedVisit
from backend.visits.services import visits_plan
from tests.backend.factories import CoordinatorFactory, ExpertUserFactory, MunicipalStaffFactory, NeedFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def monday_post():
    """A 48-day Monday-only post in FY2027 (45 workable Mondays), planned."""
    expert_user = ExpertUserFactory(expert__name="伊藤 健一")
    engagement = Engagement.objects.create(
        expert=expert_user.expert, municipality_id="202011", need=NeedFactory(fiscal_year=2027, status="filled"),
        fiscal_year=2027, starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2028, 3, 31), weekdays=["mon"],
        days_per_year=48, fee=2_400_000, employment_form="special_part_time")
    visits_plan(actor=CoordinatorFactory(prefecture_id="20"), engagement=engagement, since=dt.date(2027, 4, 1))
    return expert_user, engagement


def test_the_expert_calendar_shows_the_months_visits_with_the_municipality_and_moves_one(client, monday_post):
    expert_user, engagement = monday_post
    client.force_login(expert_user)
    page = client.get("/me/calendar/?month=2027-05").content.decode()
    assert "令和9年5月の訪問予定" in page and "長野市" in page
    assert "憲法記念日" in page and "?month=2027-04" in page and "?month=2027-06" in page
    visit = PlannedVisit.objects.filter(engagement=engagement, date__month=5).order_by("date").first()
    response = client.post(f"/visits/{visit.pk}/move/", {"to_date": "2027-05-11", "reason": "研修", "back": "calendar"},
                           follow=True)
    assert "令和9年5月11日に変更しました" in response.content.decode()
    visit.refresh_from_db()
    assert visit.date == dt.date(2027, 5, 11) and visit.moved_from is not None


def test_the_engagement_page_shows_the_plan_against_the_contract_and_the_months_short(client, monday_post):
    _expert_user, engagement = monday_post
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    assert "訪問予定" in page and "予定 45日／年間 48日" in page
    assert "3日足りません" in page and "祝日・閉庁日と重なり、空いている月曜日が" in page
    assert page.count("<tr><th scope=\"row\">") == 12  # a month a row, not a list item per date
    first = PlannedVisit.objects.filter(engagement=engagement).order_by("date").first()
    assert 'action="/visits/move/"' in page and f'<option value="{first.pk}">' in page


def test_the_engagement_page_s_one_move_form_moves_the_chosen_date_and_returns_to_the_plan(client, monday_post):
    _expert_user, engagement = monday_post
    visit = PlannedVisit.objects.filter(engagement=engagement, date__month=5).order_by("date").first()
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    response = client.post("/visits/move/", {"visit": visit.pk, "to_date": "2027-05-11", "reason": "議会日程",
                                             "back": "engagement"})
    assert response.status_code == 302 and response["Location"].endswith(f"/engagements/{engagement.pk}/#visits")
    visit.refresh_from_db()
    assert visit.date == dt.date(2027, 5, 11)
    other = MunicipalStaffFactory(municipality_id="202029")
    client.force_login(other)
    assert client.post("/visits/move/", {"visit": visit.pk, "to_date": "2027-05-12"}).status_code == 404


def test_the_coming_weeks_visits_wait_on_the_experts_and_the_towns_to_do_list(monday_post):
    from django.utils import timezone

    from frontend.todo import todo_list

    expert_user, engagement = monday_post
    PlannedVisit.objects.create(engagement=engagement, expert=engagement.expert,
                                date=timezone.localdate() + dt.timedelta(days=2))
    for user in (expert_user, MunicipalStaffFactory(municipality_id="202011")):
        assert {item.key: item.count for item in todo_list(user=user)}["visits"] == 1


def test_the_expert_calendar_leads_to_the_month_s_activity_log_of_each_active_engagement(client, monday_post):
    from django.utils import timezone

    expert_user, engagement = monday_post
    client.force_login(expert_user)
    assert "この月の活動記録" not in client.get("/me/calendar/?month=2027-05").content.decode()  # only an offer
    Engagement.objects.filter(pk=engagement.pk).update(status="active", pledge_signed_at=timezone.now())
    page = client.get("/me/calendar/?month=2027-05").content.decode()
    assert f'<a href="/engagements/{engagement.pk}/work/2027/5/">長野市</a>' in page
