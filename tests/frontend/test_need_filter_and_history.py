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


def test_a_clerk_reads_a_needs_history_in_words_and_reiwa_dates(client):
    from backend.needs.services import need_reopen, need_submit, need_withdraw
    from tests.backend.factories import MunicipalStaffFactory

    clerk = MunicipalStaffFactory(municipality_id="202011", username="nagano-clerk")
    need = need_submit(actor=clerk, data={
        "municipality": None, "fiscal_year": 2027, "role": "cio_adviser", "title": "窓口DX", "pattern": "weekly",
        "pattern_days": 1, "weekdays": ["mon", "tue"], "budget": 2_400_000, "employment_forms": ["special_part_time"],
        "required_skills": {"security": 2}})
    need_withdraw(actor=clerk, need=need)
    need_reopen(actor=clerk, need=need)
    client.force_login(clerk)
    assert f'href="/needs/{need.pk}/"' in client.get("/needs/").content.decode()
    page = client.get(f"/needs/{need.pk}/").content.decode()
    history = page[page.index('id="h-history"'):page.index("</section>", page.index('id="h-history"'))]
    assert history.count("<tr>") == 4  # the header and three changes
    assert "取下げ" in history and "募集中" in history and "令和" in history and "nagano-clerk" in history
    assert "withdrawn" not in history and "status" not in history and "security" not in history
    assert "情報セキュリティ レベル2（必須）" in history and "令和9年度" in history
    assert 'id="h-proposals"' not in page  # proposals are the coordinator's


def test_the_need_page_is_in_scope_only(client):
    from tests.backend.factories import MunicipalStaffFactory

    need = NeedFactory(municipality_id="202011")
    client.force_login(MunicipalStaffFactory(municipality_id="202029"))
    assert client.get(f"/needs/{need.pk}/").status_code == 404
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.get(f"/needs/{need.pk}/").content.decode()
    assert 'id="h-proposals"' in page and 'id="h-engagements"' in page
