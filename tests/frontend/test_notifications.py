"""The notifications pages and the header's count, and each role's to-do list on its home page."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.applications.services import expert_application_submit
from backend.engagements.models import Engagement
from backend.experts.models import AffiliationChange
from backend.geo.models import Prefecture
from backend.notifications.models import Notification, NotificationKind
from backend.notifications.selectors import notification_muted_kinds
from backend.notifications.services import notify
from frontend.todo import todo_list
from tests.backend.applications.test_applications import APPLICATION
from tests.backend.factories import (
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MatchRunFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProposalFactory,
    VendorFactory,
)

pytestmark = pytest.mark.django_db

K = NotificationKind


@pytest.fixture
def staff():
    return MunicipalStaffFactory(municipality_id="202011")


@pytest.fixture
def coordinator():
    return CoordinatorFactory(prefecture_id="20")


def _notify(user, run=1):
    (notification,) = notify(recipients=[user], kind=K.RUN_FAILED, link=f"/runs/{run}/", params={"run": run})
    return notification


def test_the_header_shows_the_unread_count_without_a_query_of_its_own(client, staff):
    for run in range(3):
        _notify(staff, run)
    client.force_login(staff)
    client.get("/engagements/")  # the first request after signing in stamps the session
    with CaptureQueriesContext(connection) as queries:
        page = client.get("/engagements/").content.decode()
    assert '<span class="count">3</span>' in page
    assert not [q for q in queries.captured_queries if "notifications_notification" in q["sql"]]


def test_the_header_shows_no_count_when_everything_is_read(client, staff):
    client.force_login(staff)
    page = client.get("/engagements/").content.decode()
    assert 'href="/notifications/"' in page and 'class="count"' not in page


def test_the_list_is_newest_first_marks_the_unread_and_pages_by_20(client, staff, coordinator):
    notifications = [_notify(staff, run) for run in range(21)]
    _notify(coordinator, 99)
    client.force_login(staff)
    first = client.get("/notifications/").content.decode()
    assert first.count('<li id="notification-') == 20 and "#99" not in first
    assert first.index(f"notification-{notifications[20].pk}") < first.index(f"notification-{notifications[19].pk}")
    assert first.count("badge s-open\">未読</span>") == 20
    second = client.get("/notifications/?page=2").content.decode()
    assert f"notification-{notifications[0].pk}" in second and second.count('<li id="notification-') == 1


def test_opening_a_notification_marks_it_read_and_goes_where_the_user_acts(client, staff):
    notification = _notify(staff, 5)
    client.force_login(staff)
    response = client.get(f"/notifications/{notification.pk}/open/")
    assert response.status_code == 302 and response.url == "/runs/5/"
    notification.refresh_from_db()
    staff.refresh_from_db()
    assert notification.read_at is not None and staff.unread_notifications == 0


def test_mark_one_and_all_read_say_so(client, staff):
    first, _second, _third = (_notify(staff, run) for run in range(3))
    client.force_login(staff)
    response = client.post(f"/notifications/{first.pk}/read/", {"page": "1"}, follow=True)
    assert "既読にしました。" in response.content.decode()
    assert Notification.objects.filter(read_at__isnull=True).count() == 2
    response = client.post("/notifications/read-all/", follow=True)
    assert "2件のお知らせを既読にしました。" in response.content.decode()
    staff.refresh_from_db()
    assert staff.unread_notifications == 0


def test_another_users_notification_is_not_found_to_open_or_mark(client, staff, coordinator):
    theirs = _notify(coordinator)
    client.force_login(staff)
    assert client.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_pages_need_a_signed_in_user(client):
    assert client.get("/notifications/").status_code == 302
    assert client.get("/notifications/settings/").status_code == 302


def test_the_settings_page_turns_email_off_per_kind(client, coordinator):
    client.force_login(coordinator)
    page = client.get("/notifications/settings/").content.decode()
    assert 'value="run_failed" checked' in page and 'value="pledge_to_sign"' not in page
    kept = ["offer_accepted", "offer_declined", "engagement_active", "replacement_requested", "run_finished"]
    response = client.post("/notifications/settings/", {"email": kept}, follow=True)
    assert "お知らせのメール設定を保存しました。" in response.content.decode()
    assert notification_muted_kinds(user=coordinator) == ["run_failed"]
    assert 'value="run_failed" >' in client.get("/notifications/settings/").content.decode()


# -- the to-do list -------------------------------------------------------------------------------------

def _offer(expert, *, municipality="202011", **fields):
    need = NeedFactory(municipality_id=municipality)
    return Engagement.objects.create(
        expert=expert, municipality_id=municipality, need=need, fiscal_year=2027, starts_on=dt.date(2027, 4, 1),
        ends_on=dt.date(2028, 3, 31), weekdays=["mon"], days_per_year=48, fee=2_400_000,
        employment_form="special_part_time", **fields)


@pytest.fixture
def waiting(coordinator, staff):
    """Two offers in 長野市 (one answered by the town), one in 松本市, one in 山梨県; proposals, a change."""
    expert = ExpertFactory()
    _offer(expert)
    _offer(expert, municipality_accepted_at=timezone.now(), expert_accepted_at=timezone.now())
    _offer(ExpertFactory(), municipality="202029")
    _offer(ExpertFactory(registering_prefecture_id="19"), municipality="192015")
    ProposalFactory(run=MatchRunFactory(status="succeeded"))
    ProposalFactory(run=MatchRunFactory(status="running"))
    ProposalFactory(run=MatchRunFactory(status="succeeded", prefecture_id="19", scope=["19"]))
    AffiliationChange.objects.create(expert=expert, kind="add", vendor=VendorFactory(), relation="employee")
    for code in ("20", "20", "19"):  # two applications to 長野県's pool, one to 山梨県's
        expert_application_submit(prefecture=Prefecture.objects.get(code=code), data=APPLICATION, language="ja")
    return expert


def _counts(user) -> dict[str, int]:
    return {item.key: item.count for item in todo_list(user=user)}


def test_the_coordinators_to_do_counts_what_waits_in_their_prefecture(coordinator, waiting):
    assert _counts(coordinator) == {"proposals": 1, "offers": 3, "conflicts": 0, "replacements": 0,
                                    "affiliation_changes": 1, "applications": 2, "work_overdue": 0, "rounds": 0}


def test_the_municipal_to_do_counts_offers_the_town_has_not_answered(staff, waiting):
    counts = _counts(staff)
    counts.pop("estimate", None)  # next year's needs to estimate, from 1 September: by the date (its own tests)
    assert counts == {"offers": 1, "replacements": 0, "conflicts": 0, "renewals": 0, "goals": 0,
                              "evaluations": 0, "visits": 0, "work_to_confirm": 0, "shortlists": 5}


def test_the_experts_to_do_counts_offers_to_answer_and_pledges_to_sign(waiting):
    user = ExpertUserFactory(expert=waiting)
    assert _counts(user) == {"offers": 1, "pledges": 2, "goals": 0, "evaluations": 0, "visits": 0,
                             "work_to_submit": 0, "work_to_answer": 0}


@pytest.mark.parametrize("role", ["coordinator", "municipal", "expert"])
def test_each_roles_to_do_is_one_query(role, coordinator, staff, waiting):
    user = {"coordinator": coordinator, "municipal": staff, "expert": ExpertUserFactory(expert=waiting)}[role]
    with CaptureQueriesContext(connection) as queries:
        todo_list(user=user)
    assert len(queries.captured_queries) == 1


@pytest.mark.parametrize(("role", "home"), [("coordinator", "/dashboard/"), ("municipal", "/needs/"),
                                            ("expert", "/me/")])
def test_the_to_do_list_is_on_the_home_page_only(client, role, home, coordinator, staff, waiting):
    user = {"coordinator": coordinator, "municipal": staff, "expert": ExpertUserFactory(expert=waiting)}[role]
    client.force_login(user)
    page = client.get(home).content.decode()
    assert 'id="h-todo"' in page and 'id="todo-offers"' in page
    assert 'id="h-todo"' not in client.get("/engagements/").content.decode()


def test_the_coordinators_needs_page_has_no_to_do(client, coordinator, waiting):
    client.force_login(coordinator)
    assert 'id="h-todo"' not in client.get("/needs/").content.decode()
