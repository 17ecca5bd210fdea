"""The visit plan's services and API: planning, moving a date (the other side told, audited, refused onto a closed or
held day, by parties only), the cancellation when an engagement ends, and the secret iCal feed."""

import datetime as dt

import pytest
from icalendar import Calendar

from backend.core.errors import ConflictError, ForbiddenError
from backend.core.models import AuditLog
from backend.engagements.hooks import ENGAGEMENT_ENDED
from backend.engagements.models import Engagement
from backend.engagements.services import engagement_respond
from backend.notifications.models import Notification, NotificationKind
from backend.visits.models import PlannedVisit, VisitStatus
from backend.visits.services import calendar_feed_renew, visit_move, visits_plan
from tests.backend.conftest import client_for
from tests.backend.factories import ExpertFactory, ExpertUserFactory, MunicipalStaffFactory, NeedFactory

pytestmark = pytest.mark.django_db

APRIL = dt.date(2027, 4, 1)


@pytest.fixture
def offer(coordinator, municipal):
    expert = ExpertFactory(name="伊藤 健一")
    need = NeedFactory(municipality_id="202011", fiscal_year=2027, days_per_year=48, weekly_days=1, status="filled",
                       onsite_required=True, onsite_days=10)
    engagement = Engagement.objects.create(
        expert=expert, municipality_id="202011", need=need, fiscal_year=2027, starts_on=APRIL,
        ends_on=dt.date(2028, 3, 31), weekdays=["mon", "thu"], days_per_year=48, fee=2_400_000,
        employment_form="special_part_time")
    visits_plan(actor=coordinator, engagement=engagement, since=APRIL)
    return engagement


def _planned(engagement):
    return list(PlannedVisit.objects.filter(engagement=engagement, status=VisitStatus.PLANNED).order_by("date"))


def test_planning_an_offer_holds_its_days_on_site_days_marked_and_a_replan_changes_nothing(coordinator, offer):
    visits = _planned(offer)
    assert len(visits) == 48 and sum(v.onsite for v in visits) == 10
    assert {v.date.weekday() for v in visits} <= {0, 3}
    visits_plan(actor=coordinator, engagement=offer, since=APRIL)
    assert [v.date for v in _planned(offer)] == [v.date for v in visits]
    assert AuditLog.objects.filter(action="visits.plan", object_id=str(offer.pk)).count() == 2


def test_the_expert_moving_a_visit_tells_the_municipality_and_is_audited(offer, municipal):
    expert_user = ExpertUserFactory(expert=offer.expert)
    visit = _planned(offer)[0]
    moved = visit_move(actor=expert_user, visit=visit, to_date=visit.date + dt.timedelta(days=1), reason="出張のため")
    assert moved.moved_from == visit.date and moved.moved_by == expert_user
    told = Notification.objects.get(kind=NotificationKind.VISIT_MOVED)
    assert told.recipient == municipal and "出張のため" in told.text
    assert AuditLog.objects.filter(action="visit.move", object_id=str(visit.pk)).exists()


def test_a_visit_is_not_moved_onto_a_closed_day_or_a_day_the_expert_is_elsewhere(offer, municipal):
    first, second = _planned(offer)[:2]
    with pytest.raises(ConflictError) as closed:
        visit_move(actor=municipal, visit=first, to_date=dt.date(2027, 5, 3))  # 憲法記念日
    assert closed.value.problems[0].code == "closed_day"
    with pytest.raises(ConflictError) as taken:
        visit_move(actor=municipal, visit=first, to_date=second.date)
    assert taken.value.problems[0].code == "date_taken"


def test_only_the_parties_move_a_visit_others_get_403_or_404(offer, other_municipal, expert_user):
    visit = _planned(offer)[0]
    with pytest.raises(ForbiddenError):
        visit_move(actor=other_municipal, visit=visit, to_date=visit.date + dt.timedelta(days=1))
    for outsider in (other_municipal, expert_user):
        response = client_for(outsider).post(f"/api/v1/visits/{visit.pk}/move/",
                                             {"to_date": "2027-04-06"}, format="json")
        assert response.status_code == 404
    staff = MunicipalStaffFactory(municipality_id="202011")
    assert client_for(staff).post(f"/api/v1/engagements/{offer.pk}/visit-plan/").status_code == 403


def test_declining_an_offer_cancels_its_plan_and_an_early_end_cancels_the_later_dates(coordinator, offer, municipal):
    other = Engagement.objects.create(
        expert=ExpertFactory(), municipality_id="202011", need=NeedFactory(fiscal_year=2027), fiscal_year=2027,
        starts_on=APRIL, ends_on=dt.date(2028, 3, 31), weekdays=["wed"], days_per_year=12, fee=600_000,
        employment_form="special_part_time", status="active", pledge_signed_at=offer.created_at)
    visits_plan(actor=coordinator, engagement=other, since=APRIL)
    engagement_respond(actor=municipal, engagement=offer, accept=False, decline_code="schedule", reason="予算の都合")
    assert not _planned(offer)
    other.ends_on = dt.date(2027, 6, 30)
    other.save(update_fields=["ends_on"])
    ENGAGEMENT_ENDED.fire(actor=coordinator, engagement=other, cancelled=False)
    assert _planned(other) and max(v.date for v in _planned(other)) <= dt.date(2027, 6, 30)
    assert PlannedVisit.objects.filter(engagement=other, status=VisitStatus.CANCELLED).exists()


def test_the_ical_feed_lists_the_visits_and_a_renewed_url_replaces_the_old(client, offer, municipal):
    old = calendar_feed_renew(actor=municipal).token
    response = client.get(f"/calendar/{old}.ics")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    events = Calendar.from_ical(response.content).walk("VEVENT")
    assert len(events) == 48
    first = events[0]
    assert first["DTSTART"].dt == _planned(offer)[0].date and "伊藤 健一" in str(first["SUMMARY"])
    assert str(first["UID"]) == f"visit-{_planned(offer)[0].pk}@kenmu" and "DTSTAMP" in first
    new = calendar_feed_renew(actor=municipal).token
    assert client.get(f"/calendar/{old}.ics").status_code == 404
    assert client.get(f"/calendar/{new}.ics").status_code == 200
    feed = client_for(municipal).get("/api/v1/calendar-feed/").json()
    assert feed["url"].endswith(f"/calendar/{new}.ics")


def test_approving_a_proposal_offers_the_engagement_with_its_dates_planned(coordinator):
    from backend.placement.services import proposal_approve
    from tests.backend.factories import ProposalFactory

    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(
        need=NeedFactory(fiscal_year=2027), weekdays=["mon"], days_per_year=48))
    visits = _planned(engagement)
    assert len(visits) == 45 and {v.date.weekday() for v in visits} == {0}  # FY2027 has 45 workable Mondays


def test_the_visit_list_is_scoped_and_filtered_by_month_and_refuses_a_month_it_cannot_read(offer, municipal,
                                                                                         other_municipal):
    may = client_for(municipal).get("/api/v1/visits/", {"month": "2027-05", "engagement": offer.pk}).json()
    assert may["count"] == len([v for v in _planned(offer) if v.date.month == 5]) > 0
    assert client_for(other_municipal).get("/api/v1/visits/").json()["count"] == 0
    refused = client_for(municipal).get("/api/v1/visits/", {"month": "2027-13"})
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "month"


def test_a_day_the_town_closes_moves_the_visit_planned_on_it_to_the_next_agreed_day(municipal, offer):
    from backend.calendar.services import closed_day_create

    before = [v.date for v in _planned(offer)]
    closed = next(day for day in before if day.month == 6)
    closed_day_create(actor=municipal, data={"date": closed, "label": "市制記念日", "municipality": "202011"})

    visits = _planned(offer)
    assert closed not in {v.date for v in visits}
    assert len(visits) == 48  # the visit moved (振替) to the other agreed weekday, the contract still held
    assert [v.date for v in visits if v.date < closed] == [day for day in before if day < closed]
    assert AuditLog.objects.filter(action="visits.plan", object_id=str(offer.pk)).order_by("id").last().actor_id \
        == municipal.pk
