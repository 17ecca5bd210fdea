"""Every list page is paged: the clerk gets a page of rows (20) and a way to the next ones, filters kept."""

import pytest

from frontend.views import PAGE_SIZE
from tests.backend.factories import CoordinatorFactory, ExpertFactory, MunicipalStaffFactory, NeedFactory

pytestmark = pytest.mark.django_db


def test_a_page_is_twenty_rows():
    assert PAGE_SIZE == 20


def test_the_needs_page_shows_one_page_of_rows_and_links_to_the_next_page_keeping_the_filter(client):
    for _ in range(PAGE_SIZE + 5):
        NeedFactory(municipality_id="202011", fiscal_year=2027)
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    first = client.get("/needs/?fy=2027").content.decode()
    body = first[first.index("<tbody>"):first.index("</tbody>")]
    assert body.count("<tr>") == 20
    assert "25件中 1〜20件目" in first and 'href="?fy=2027&amp;page=2"' in first
    second = client.get("/needs/?fy=2027&page=2").content.decode()
    assert "25件中 21〜25件目" in second


def test_the_experts_page_is_paged(client):
    for _ in range(PAGE_SIZE + 1):
        ExpertFactory(registering_prefecture_id="20")
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.get("/experts/").content.decode()
    assert "21件中 1〜20件目" in page
    assert "21件中 21〜21件目" in client.get("/experts/?page=2").content.decode()


def test_the_api_pages_twenty_results(client):
    for _ in range(PAGE_SIZE + 1):
        NeedFactory(municipality_id="202011", fiscal_year=2027)
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    first = client.get("/api/v1/needs/").json()
    assert (first["count"], len(first["results"])) == (21, 20)
    assert len(client.get("/api/v1/needs/", {"page": 2}).json()["results"]) == 1
