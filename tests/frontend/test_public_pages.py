"""The public yearly page (issue 24, item 7): anyone reads a published year without signing in, in a layout with no
menu; a year not published, an unknown prefecture or a year that is no number is a 404; the coordinator publishes
and takes a year down on the settings page, each with a message."""

import pytest
from django.urls import reverse

from backend.public.models import PublishedYear
from backend.public.services import year_unpublish
from tests.backend.factories import CoordinatorFactory, MunicipalStaffFactory
from tests.backend.public.builders import FY, REASON, public_world

PAGE = f"/public/20/{FY}/"


def test_anyone_reads_a_published_year_without_signing_in_and_small_counts_are_withheld(client, db):
    public_world()
    response = client.get(PAGE)
    assert response.status_code == 200
    text = response.content.decode()
    assert "長野県" in text and "令和8年度" in text and 'class="menu"' not in text and "ログアウト" not in text
    assert '<th scope="row">松本市</th><td class="num">5未満</td>' in text  # one need posted
    assert '<th scope="row">長野市</th><td class="num">5</td>' in text  # five needs posted
    assert '<td class="num">6</td></tr>' in text and text.count("5未満") >= 4
    assert '<li><span class="n">8</span>確認済みの活動日数</li>' in text  # the year's total, at least 5
    assert '<li><span class="n">5未満</span>充足したニーズ</li>' in text  # a small total is withheld too
    assert REASON in text and "信州データ株式会社" in text
    assert reverse("frontend:public-year-csv", args=["20", FY]) in text


def test_no_email_phone_or_name_of_an_expert_or_staff_appears_unless_names_are_published(client, db):
    world = public_world()
    text = client.get(PAGE).content.decode()
    for private in ("長野 一郎", "松本 花子", "example.jp", "090-", world.coordinator.username):
        assert private not in text
    PublishedYear.objects.filter(pk=world.year.pk).update(show_expert_names=True)
    text = client.get(PAGE).content.decode()
    assert "長野 一郎" in text and "松本 花子" in text and "example.jp" not in text and "090-" not in text


def test_the_csv_is_served_without_signing_in(client, db):
    public_world()
    response = client.get(f"/public/20/{FY}.csv")
    assert response.status_code == 200 and response["Content-Type"].startswith("text/csv")
    body = response.content.decode("utf-8-sig")
    assert "市区町村別,松本市,202029,確認済みの活動日数,5未満" in body and REASON in body


@pytest.mark.parametrize("path", [f"/public/20/{FY + 1}/", f"/public/99/{FY}/", "/public/20/abc/",
                                  f"/public/20/{FY}x/", f"/public/19/{FY}.csv", "/public/20/0/"])
def test_a_year_not_published_an_unknown_prefecture_or_a_bad_year_is_a_404(client, db, path):
    public_world()
    assert client.get(path).status_code == 404


def test_a_year_taken_down_is_a_404_for_the_page_and_its_csv(client, db):
    world = public_world()
    year_unpublish(actor=world.coordinator, prefecture="20", fiscal_year=FY)
    assert client.get(PAGE).status_code == 404 and client.get(f"/public/20/{FY}.csv").status_code == 404


def test_the_page_reads_in_a_fixed_number_of_queries(client, db, django_assert_max_num_queries):
    public_world(show_expert_names=True)
    with django_assert_max_num_queries(8):
        assert client.get(PAGE).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(f"/public/20/{FY}.csv").status_code == 200


def test_the_coordinator_publishes_and_takes_down_a_year_on_the_settings_page(client, db):
    world = public_world()
    PublishedYear.objects.all().delete()
    client.force_login(world.coordinator)
    page = client.get(reverse("frontend:public-settings")).content.decode()
    assert f"http://testserver/public/20/{FY}/" in page and "公開する" in page
    response = client.post(reverse("frontend:public-settings-save"),
                           {"fiscal_year": FY, "show_expert_names": "on", "act": "publish"}, follow=True)
    assert "令和8年度を公開しました（専門人材の氏名を含む）。" in response.content.decode()
    assert PublishedYear.objects.get(fiscal_year=FY).show_expert_names
    response = client.post(reverse("frontend:public-settings-save"), {"fiscal_year": FY, "act": "unpublish"},
                           follow=True)
    assert "令和8年度の公開をやめました。" in response.content.decode()
    assert client.get(PAGE).status_code == 404


def test_a_bad_year_on_the_settings_form_is_a_message_not_an_error(client, coordinator_client):
    response = coordinator_client.post(reverse("frontend:public-settings-save"), {"fiscal_year": "令和", "act": "x"},
                                       follow=True)
    assert response.status_code == 200 and "年度" in response.content.decode()
    assert not PublishedYear.objects.exists()


@pytest.fixture
def coordinator_client(client, db):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    return client


def test_only_a_coordinator_opens_the_settings_page(client, db):
    assert client.get(reverse("frontend:public-settings")).status_code == 302  # to the login page
    client.force_login(MunicipalStaffFactory())
    assert client.get(reverse("frontend:public-settings")).status_code == 403
    assert client.post(reverse("frontend:public-settings-save"), {"fiscal_year": FY}).status_code == 403


def test_a_head_request_is_answered_as_a_get(client, db):
    public_world()
    assert client.head(PAGE).status_code == 200 and client.post(PAGE).status_code == 405
