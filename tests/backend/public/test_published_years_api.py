"""The publishing choice through the API: a coordinator lists and writes their prefecture's years; other roles
are refused (403), and a coordinator cannot publish another prefecture's year."""

from backend.core.models import AuditLog
from backend.public.models import PublishedYear
from tests.backend.conftest import client_for
from tests.backend.public.builders import FY

URL = "/api/v1/published-years/"


def test_a_coordinator_publishes_lists_and_takes_down_a_year(coordinator):
    client = client_for(coordinator)
    created = client.post(URL, {"fiscal_year": FY, "show_expert_names": True}, format="json")
    assert created.status_code == 201
    assert created.json()["url"] == f"/public/20/{FY}/" and created.json()["published"] is True
    assert [row["fiscal_year"] for row in client.get(URL).json()] == [FY]
    taken_down = client.post(URL + "unpublish/", {"fiscal_year": FY}, format="json")
    assert taken_down.status_code == 200 and taken_down.json()["published"] is False
    assert client.post(URL + "unpublish/", {"fiscal_year": FY}, format="json").status_code == 409


def test_other_roles_and_prefectures_are_refused(coordinator, other_coordinator, municipal, expert_user):
    client_for(coordinator).post(URL, {"fiscal_year": FY}, format="json")
    assert client_for(other_coordinator).get(URL).json() == []
    refused = client_for(other_coordinator).post(URL, {"fiscal_year": FY, "prefecture": "20"}, format="json")
    assert refused.status_code == 403
    for user in (municipal, expert_user):
        assert client_for(user).get(URL).status_code == 403
        assert client_for(user).post(URL, {"fiscal_year": FY}, format="json").status_code == 403
        assert client_for(user).post(URL + "unpublish/", {"fiscal_year": FY}, format="json").status_code == 403
    assert PublishedYear.objects.get().unpublished_at is None and AuditLog.objects.count() == 1
