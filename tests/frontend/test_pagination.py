"""Every list page is paged: the clerk gets 50 rows and a way to the next ones, filters kept."""

import pytest

from tests.backend.factories import CoordinatorFactory, ExpertFactory, MunicipalStaffFactory, NeedFactory

pytestmark = pytest.mark.django_db


def test_the_needs_page_shows_fifty_rows_and_links_to_the_next_page_keeping_the_filter(client):
    for _ in range(55):
        NeedFactory(municipality_id="202011", fiscal_year=2027)
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    first = client.get("/needs/?fy=2027").content.decode()
    body = first[first.index("<tbody>"):first.index("</tbody>")]
    assert body.count("<tr>") == 50
    assert "55件中 1〜50件目" in first and 'href="?fy=2027&amp;page=2"' in first
    second = client.get("/needs/?fy=2027&page=2").content.decode()
    assert "55件中 51〜55件目" in second


def test_the_experts_page_is_paged(client):
    for _ in range(51):
        ExpertFactory(home_prefecture_id="20")
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.get("/experts/").content.decode()
    assert "51件中 1〜50件目" in page
    assert "51件中 51〜51件目" in client.get("/experts/?page=2").content.decode()
