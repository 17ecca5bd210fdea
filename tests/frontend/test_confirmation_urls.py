"""A URL whose POST does an act, opened again (reload, a new tab, the history), shows a page instead of a blank
405 (issue 21): a confirmation step shows the confirmation and does nothing; every other act shows the page it
belongs to. Every page of the site is covered by the no-5xx sweep's crawl (test_no_5xx_sweep.py)."""

from backend.engagements.models import Engagement
from backend.needs.models import NeedStatus
from tests.backend.factories import (
    CoordinatorFactory,
    MatchRunFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProposalFactory,
)


def test_the_approval_confirmation_opened_again_shows_the_confirmation_and_approves_nothing(client, db):
    proposal = ProposalFactory(need=NeedFactory(municipality_id="202011"))
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    response = client.get(f"/proposals/{proposal.pk}/approve/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "承認の確認" in html and 'name="confirmed"' in html
    assert not Engagement.objects.exists()


def test_the_withdrawal_confirmation_opened_again_shows_the_question_and_keeps_the_need(client, db):
    need = NeedFactory(municipality_id="202011", title="庁内LAN更改")
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    response = client.get(f"/needs/{need.pk}/withdraw/")
    assert response.status_code == 200
    assert "取り下げの確認" in response.content.decode() and "庁内LAN更改" in response.content.decode()
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


def test_an_act_opened_as_a_page_leads_to_the_page_it_belongs_to(client, db):
    run = MatchRunFactory()
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    assert client.get(f"/runs/{run.pk}/cancel/").url == f"/runs/{run.pk}/"
    assert client.get("/notifications/read-all/").url == "/notifications/"
    assert client.put(f"/runs/{run.pk}/cancel/").status_code == 405
