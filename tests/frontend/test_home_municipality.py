"""Every expert form asks where the expert travels from (自宅・拠点), by name (issue 21: no form asked, so every
on-site proposal had 費用弁償 0円)."""

import pytest

from backend.experts.models import Expert, ExpertApplication
from backend.experts.services import expert_update
from backend.geo.models import Prefecture
from tests.backend.factories import CoordinatorFactory, ExpertFactory, ExpertUserFactory

pytestmark = pytest.mark.django_db

EXPERT_FORM = {"capacity_days": "96", "weekdays": ["mon"], "max_engagements": "3", "daily_rate": "50000",
               "employment_forms": ["contract"], "affiliation_rows": "0"}


def test_the_coordinators_form_takes_the_home_by_name_and_shows_it_by_name(client):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    assert 'name="home_municipality"' in client.get("/experts/new/").content.decode()
    response = client.post("/experts/new/", {**EXPERT_FORM, "name": "自宅 太郎", "home_municipality": "松本市"})
    assert response.status_code == 302
    expert = Expert.objects.get(name="自宅 太郎")
    assert expert.home_municipality_id == "202029"
    assert 'value="長野県松本市"' in client.get(f"/experts/{expert.pk}/edit/").content.decode()
    assert "長野県松本市" in client.get(f"/experts/{expert.pk}/").content.decode()


def test_the_experts_own_form_takes_the_home_with_the_prefecture(client):
    user = ExpertUserFactory(expert=ExpertFactory(registering_prefecture_id="20"))
    client.force_login(user)
    assert 'name="home_municipality"' in client.get("/me/edit/").content.decode()
    response = client.post("/me/edit/", {**EXPERT_FORM, "name": user.expert.name, "home_municipality": "長野県 上田市"})
    assert response.status_code == 302
    user.expert.refresh_from_db()
    assert user.expert.home_municipality_id == "202037"


def test_an_unknown_home_is_refused_naming_the_place_typed_not_a_code(client):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    response = client.post("/experts/new/", {**EXPERT_FORM, "name": "自宅 花子", "home_municipality": "どこか町"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "市区町村「どこか町」が見つかりません" in html and "団体コード どこか町" not in html
    assert 'value="どこか町"' in html  # the input is kept


def test_the_public_application_asks_for_the_home_and_acceptance_gives_it_to_the_expert(client):
    assert 'name="home_municipality"' in client.get("/apply/20/").content.decode()
    response = client.post("/apply/20/", {
        "name": "応募 三郎", "name_kana": "おうぼ さぶろう", "email": "saburo@example.jp", "skill_security": "2",
        "capacity_days": "48", "weekdays": ["tue"], "daily_rate": "40000", "employment_forms": ["contract"],
        "home_municipality": "松本市", "pledge": "on"}, REMOTE_ADDR="192.0.2.70")
    assert response.status_code == 200, response.content.decode()[:2000]
    application = ExpertApplication.objects.get(name="応募 三郎")
    assert application.home_municipality_id == "202029"
    coordinator = CoordinatorFactory(prefecture_id="20")
    client.force_login(coordinator)
    assert "長野県松本市" in client.get(f"/applications/{application.pk}/").content.decode()
    from backend.applications.services import expert_application_accept

    expert = expert_application_accept(actor=coordinator, application=application, vendors=[])
    assert expert.home_municipality_id == "202029"


def test_clearing_the_home_is_allowed_and_the_profile_says_travel_is_not_counted(client):
    coordinator = CoordinatorFactory(prefecture_id="20")
    expert = ExpertFactory(home_municipality_id="202029")
    expert_update(actor=coordinator, expert=expert, data={"home_municipality": None})
    client.force_login(coordinator)
    assert "現地勤務の費用弁償は未算定" in client.get(f"/experts/{expert.pk}/").content.decode()
    assert Prefecture.objects.filter(code="20").exists()
