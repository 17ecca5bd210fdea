"""The coordinator's needs list filters by municipality; a clerk has a page per need with its history (issue 21
item 14)."""

import pytest

from tests.backend.factories import CoordinatorFactory, NeedFactory

pytestmark = pytest.mark.django_db


def test_the_coordinators_needs_list_filters_by_municipality(client):
    NeedFactory(municipality_id="202011", title="長野の窓口DX")
    NeedFactory(municipality_id="202029", title="松本の庁内LAN")
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    everything = client.get("/needs/").content.decode()
    assert '<select id="municipality" name="municipality">' in everything
    assert "長野の窓口DX" in everything and "松本の庁内LAN" in everything
    matsumoto = client.get("/needs/", {"municipality": "202029"}).content.decode()
    assert "松本の庁内LAN" in matsumoto and "長野の窓口DX" not in matsumoto
    assert '<option value="202029" selected>松本市</option>' in matsumoto


def test_an_unknown_municipality_filters_nothing_and_is_no_error(client):
    NeedFactory(municipality_id="202011", title="長野の窓口DX")
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    response = client.get("/needs/", {"municipality": "abc"})
    assert response.status_code == 200 and "長野の窓口DX" in response.content.decode()
