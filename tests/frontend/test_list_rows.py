"""What the list pages say in each row, in the clerk's words (names, 万円, labels), built in one query."""

import pytest

from tests.backend.factories import (
    CoordinatorFactory,
    ExpertFactory,
    MatchRunFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db


def _rows(html: str) -> str:
    return html[html.index("<tbody>"):html.index("</tbody>")]


def test_a_need_shows_the_open_proposal_of_the_latest_run(client):
    need = NeedFactory(municipality_id="202011", fiscal_year=2027)
    ProposalFactory(need=need, run=MatchRunFactory(), expert=ExpertFactory(name="古い 提案"), fee=1_000_000)
    ProposalFactory(need=need, run=MatchRunFactory(), expert=ExpertFactory(name="新しい 提案"), fee=2_400_000)
    ProposalFactory(need=need, run=MatchRunFactory(), expert=ExpertFactory(name="承認済 提案"),
                    status="approved")
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    rows = _rows(client.get("/needs/").content.decode())
    assert "提案：新しい 提案（年240万円）" in rows
    assert "古い 提案" not in rows and "承認済 提案" not in rows


def test_a_need_without_proposal_or_engagement_shows_a_dash(client):
    NeedFactory(municipality_id="202011", fiscal_year=2027, title="窓口DX")
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    rows = _rows(client.get("/needs/").content.decode())
    assert "窓口DX" in rows and "提案：" not in rows


def test_an_expert_row_names_the_prefecture_and_the_skills_in_words(client):
    ExpertFactory(name="山田 花子", registering_prefecture_id="20", skill_levels={"security": 3, "planning": 2})
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    rows = _rows(client.get("/experts/").content.decode())
    assert "<td>長野県</td>" in rows and "<td>20</td>" not in rows
    assert "企画・計画<small>(Lv2)</small>、情報セキュリティ<small>(Lv3)</small>" in rows
