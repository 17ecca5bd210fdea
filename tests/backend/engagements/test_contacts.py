"""Once an engagement is active each side sees the other's contact details, on the page and through the API
(issue 21 item 14); before that, nobody's."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from tests.backend.conftest import client_for
from tests.backend.factories import (
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    NeedFactory,
)

pytestmark = pytest.mark.django_db


def _engagement(expert, **extra):
    return Engagement.objects.create(
        expert=expert, municipality_id="202011", need=NeedFactory(municipality_id="202011"), fiscal_year=2027,
        starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2028, 3, 31), weekdays=["mon"], days_per_year=48,
        fee=2_400_000, employment_form="special_part_time", **extra)


@pytest.fixture
def world():
    expert = ExpertFactory(name="伊藤 健一", email="ito@example.jp", phone="090-1111-2222")
    staff = MunicipalStaffFactory(municipality_id="202011", last_name="長野", first_name="花子",
                                  email="hanako@city.nagano.example.jp", phone="026-224-0000")
    active = _engagement(expert, status="active", pledge_signed_at=timezone.now(), pledge_version=PLEDGE_VERSION)
    return {"expert": ExpertUserFactory(expert=expert), "staff": staff, "active": active}


def test_the_expert_sees_the_staff_and_the_staff_see_the_expert(world):
    url = f"/api/v1/engagements/{world['active'].pk}/contacts/"
    by_expert = client_for(world["expert"]).get(url).json()
    assert by_expert == {"municipality": [{"name": "長野 花子", "email": "hanako@city.nagano.example.jp",
                                           "phone": "026-224-0000"}], "expert": None}
    by_staff = client_for(world["staff"]).get(url).json()
    assert by_staff == {"municipality": None,
                        "expert": {"name": "伊藤 健一", "email": "ito@example.jp", "phone": "090-1111-2222"}}
    by_coordinator = client_for(CoordinatorFactory(prefecture_id="20")).get(url).json()
    assert by_coordinator["municipality"] and by_coordinator["expert"]


def test_an_offer_shows_no_contacts_and_other_municipalities_do_not_see_the_engagement(world):
    offer = _engagement(ExpertFactory(email="x@example.jp"))
    assert client_for(world["staff"]).get(f"/api/v1/engagements/{offer.pk}/contacts/").status_code == 409
    other = MunicipalStaffFactory(municipality_id="202029")
    assert client_for(other).get(f"/api/v1/engagements/{world['active'].pk}/contacts/").status_code == 404


def test_the_engagements_page_shows_the_other_sides_contacts(client, world):
    client.force_login(world["expert"])
    page = client.get("/engagements/").content.decode()
    assert "hanako@city.nagano.example.jp" in page and "026-224-0000" in page and "長野 花子" in page
    client.force_login(world["staff"])
    page = client.get("/engagements/").content.decode()
    assert "ito@example.jp" in page and "090-1111-2222" in page
