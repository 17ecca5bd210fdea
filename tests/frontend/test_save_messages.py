"""Every save says so: a message on the next page names what was saved."""

import pytest

from tests.backend.factories import (
    CoordinatorFactory,
    ExpertFactory,
    MunicipalStaffFactory,
    NeedFactory,
    corporate_number,
)

pytestmark = pytest.mark.django_db

NEED = {"fiscal_year": "2027", "role": "cio_adviser", "title": "窓口DX", "pattern": "weekly", "pattern_days": "1",
        "weekdays": ["mon", "tue"], "budget_man": "240", "employment_forms": ["special_part_time"], "priority": "3"}


def test_posting_and_editing_a_need_say_so(client):
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    page = client.post("/needs/new/", NEED, follow=True).content.decode()
    assert "ニーズ「窓口DX」を登録しました。" in page
    need = NeedFactory(municipality_id="202011", title="庁内LAN")
    page = client.post(f"/needs/{need.pk}/edit/", {**NEED, "title": "庁内LAN更新"}, follow=True).content.decode()
    assert "ニーズ「庁内LAN更新」を保存しました。" in page


def test_saving_an_expert_says_so(client):
    expert = ExpertFactory(registering_prefecture_id="20", name="山田 花子")
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.post(f"/experts/{expert.pk}/edit/", {
        "name": "山田 花子", "capacity_days": "96", "weekdays": ["mon"], "max_engagements": "3",
        "daily_rate": "50000", "employment_forms": ["contract"], "listed": "on", "affiliation_rows": "0",
    }, follow=True).content.decode()
    assert "「山田 花子」の登録内容を保存しました。" in page


def test_registering_a_procurement_and_a_vendor_say_so(client):
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    page = client.post("/vendors/new/", {"name": "信州システム株式会社", "corporate_number": corporate_number(1)},
                       follow=True).content.decode()
    assert "事業者「信州システム株式会社」を登録しました。" in page
