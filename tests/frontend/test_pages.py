"""Every page renders for the roles that may open it, in Japanese by default and in English on request."""

import pytest

from backend.experts.models import Expert
from tests.frontend.conftest import login

COORDINATOR_PAGES = ["/dashboard/", "/experts/", "/experts/new/", "/needs/", "/needs/new/", "/runs/",
                     "/engagements/", "/replacements/", "/restrictions/", "/import/", "/procurements/"]
MUNICIPAL_PAGES = ["/needs/", "/needs/new/", "/procurements/", "/engagements/", "/restrictions/"]
EXPERT_PAGES = ["/me/", "/me/edit/", "/engagements/"]


@pytest.mark.parametrize("path", COORDINATOR_PAGES)
def test_coordinator_pages_render_in_japanese(client, demo, path):
    response = login(client, "demo-coordinator").get(path)
    assert response.status_code == 200, path
    assert 'lang="ja"' in response.content.decode()


@pytest.mark.parametrize("path", MUNICIPAL_PAGES)
def test_municipal_pages_render(client, demo, path):
    assert login(client, "demo-municipal").get(path).status_code == 200


@pytest.mark.parametrize("path", EXPERT_PAGES)
def test_expert_pages_render(client, demo, path):
    assert login(client, "demo-expert").get(path).status_code == 200


def test_expert_detail_and_edit_render_for_the_coordinator(client, demo):
    expert = Expert.objects.filter(home_prefecture_id="20").first()
    login(client, "demo-coordinator")
    assert client.get(f"/experts/{expert.pk}/").status_code == 200
    assert client.get(f"/experts/{expert.pk}/edit/").status_code == 200


def test_home_sends_each_role_to_its_start_page(client, demo):
    assert login(client, "demo-coordinator").get("/").url == "/dashboard/"
    assert login(client, "demo-municipal").get("/").url == "/needs/"
    assert login(client, "demo-expert").get("/").url == "/me/"


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_audit_log_page_shows_the_coordinators_prefecture_only(client, django_user_model):
    from backend.core.models import AuditLog
    from tests.backend.factories import CoordinatorFactory

    AuditLog.objects.create(action="need.update", object_type="Need", object_id="1", prefecture_id="20",
                            before={"priority": 3}, after={"priority": 5})
    AuditLog.objects.create(action="need.update", object_type="Need", object_id="2", prefecture_id="19")
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.get("/audit/").content.decode()
    assert "Need #1" in page and "Need #2" not in page
    client.force_login(CoordinatorFactory(prefecture_id="19"))
    assert "Need #1" not in client.get("/audit/").content.decode()
