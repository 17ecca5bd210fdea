"""The procurement officer's screens: the register (with its history) and "may this vendor bid?"."""

import datetime as dt

import pytest

from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    MunicipalStaffFactory,
    ProcurementFactory,
    VendorFactory,
)
from tests.backend.restrictions.conftest import STATE_LABELS, expert_user, serve, state_on_today

pytestmark = pytest.mark.django_db

TITLE = "基幹系システム標準化移行支援業務"


@pytest.fixture
def serving():
    """An employed expert serves 長野市 in 令和9年度; 長野市 and 松本市 each plan a procurement."""
    employed = AffiliationFactory(relation="employee", vendor=VendorFactory(name="信州システム株式会社"))
    planned = ProcurementFactory(municipality_id="202011", status="planned", incumbent_vendor=None, title=TITLE,
                                 fiscal_year=2027)
    matsumoto = ProcurementFactory(municipality_id="202029", status="planned", incumbent_vendor=None,
                                   title="松本市ネットワーク更改業務", fiscal_year=2027)
    return serve(employed.expert), employed.vendor, planned, matsumoto


def test_a_municipal_officer_picks_their_procurement_by_title_and_a_vendor_by_name(client, serving):
    engagement, vendor, planned, matsumoto = serving
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    page = client.get("/may-bid/").content.decode()
    assert f'<option value="{planned.pk}"' in page and TITLE in page
    assert matsumoto.title not in page
    assert f'<option value="{vendor.pk}"' in page and "信州システム株式会社" in page


def test_the_answer_is_no_in_a_clear_sentence_with_the_engagement_behind_it(client, serving):
    engagement, vendor, planned, matsumoto = serving
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    page = client.get("/may-bid/", {"procurement": planned.pk, "vendor": vendor.pk}).content.decode()
    assert f"いいえ。信州システム株式会社は「{TITLE}」の入札に参加できません。" in page
    answer = page[page.index('class="answer'):]
    assert engagement.expert.name in answer and "長野市" in answer
    assert "令和9年4月1日" in answer and "令和10年3月31日" in answer and "在籍" in answer
    assert "2027-04-01" not in answer and "2028-03-31" not in answer  # issue 21: ISO dates on the may-bid screen


def test_the_answer_is_yes_for_another_vendor_and_after_the_engagement_on_a_chosen_date(client, serving):
    engagement, vendor, planned, matsumoto = serving
    other = VendorFactory(name="甲信データ株式会社")
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.get("/may-bid/", {"procurement": planned.pk, "vendor": other.pk}).content.decode()
    assert f"はい。甲信データ株式会社は「{TITLE}」の入札に参加できます。" in page
    later = client.get("/may-bid/", {"procurement": planned.pk, "vendor": vendor.pk, "on": "2028-05-01"})
    assert f"はい。信州システム株式会社は「{TITLE}」の入札に参加できます。" in later.content.decode()


def test_a_procurement_out_of_scope_is_not_found_and_experts_may_not_open_the_screen(client, serving):
    engagement, vendor, planned, matsumoto = serving
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    assert client.get("/may-bid/", {"procurement": matsumoto.pk, "vendor": vendor.pk}).status_code == 404
    client.force_login(CoordinatorFactory(prefecture_id="19"))
    assert client.get("/may-bid/", {"procurement": planned.pk, "vendor": vendor.pk}).status_code == 404
    client.force_login(expert_user(engagement.expert))
    assert client.get("/may-bid/").status_code == 403


def test_a_vendor_that_does_not_exist_is_a_message_not_an_error_page(client, serving):
    engagement, vendor, planned, matsumoto = serving
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    response = client.get("/may-bid/", {"procurement": planned.pk, "vendor": 10**9})
    assert response.status_code == 400
    assert "事業者を選んでください。" in response.content.decode()


def test_the_register_links_to_the_question_and_both_staff_roles_have_it_in_the_menu(client, serving):
    for user in (MunicipalStaffFactory(municipality_id="202011"), CoordinatorFactory(prefecture_id="20")):
        client.force_login(user)
        page = client.get("/restrictions/").content.decode()
        assert page.count('href="/may-bid/"') == 2  # the menu and the register page


def test_the_register_page_names_procurements_by_title_and_keeps_an_ended_restriction(client, serving):
    engagement, vendor, planned, matsumoto = serving
    serve(ExpertFactory(), replaces=engagement, starts_on=dt.date(2027, 10, 1))
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    page = client.get("/restrictions/", {"on": "2027-06-01"}).content.decode()
    assert "記録された制限は消えずに残ります" in page
    body = page[page.index("<tbody>"):page.index("</tbody>")]
    assert "信州システム株式会社" in body and TITLE in body and f"P{planned.pk}" not in body
    assert "令和9年4月1日〜令和9年9月30日" in body
    assert STATE_LABELS[state_on_today(dt.date(2027, 4, 1), dt.date(2027, 9, 30))] in body


def test_the_answer_on_a_chosen_date_names_it_in_reiwa(client, serving):
    engagement, vendor, planned, matsumoto = serving
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    page = client.get("/may-bid/", {"procurement": planned.pk, "vendor": vendor.pk, "on": "2027-06-01"})
    answer = page.content.decode()[page.content.decode().index('class="answer'):]
    assert "令和9年6月1日は" in answer and "2027-06-01" not in answer
