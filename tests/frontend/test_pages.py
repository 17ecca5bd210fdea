"""Every page renders for the roles that may open it, in Japanese by default and in English on request."""

import pytest

from backend.experts.models import Expert
from tests.frontend.conftest import login

COORDINATOR_PAGES = ["/dashboard/", "/experts/", "/experts/new/", "/needs/", "/needs/new/", "/runs/",
                     "/engagements/", "/replacements/", "/restrictions/", "/import/", "/procurements/"]
MUNICIPAL_PAGES = ["/needs/", "/needs/new/", "/procurements/", "/engagements/", "/restrictions/"]
EXPERT_PAGES = ["/me/", "/me/edit/", "/engagements/"]


@pytest.mark.parametrize("path", COORDINATOR_PAGES)
def test_coordinator_pages_render_in_japanese(client, demo, path):
    response = login(client, "demo-coordinator").get(path)
    assert response.status_code == 200, path
    assert 'lang="ja"' in response.content.decode()


@pytest.mark.parametrize("path", MUNICIPAL_PAGES)
def test_municipal_pages_render(client, demo, path):
    assert login(client, "demo-municipal").get(path).status_code == 200


@pytest.mark.parametrize("path", EXPERT_PAGES)
def test_expert_pages_render(client, demo, path):
    assert login(client, "demo-expert").get(path).status_code == 200


def test_expert_detail_and_edit_render_for_the_coordinator(client, demo):
    expert = Expert.objects.filter(registering_prefecture_id="20").first()
    login(client, "demo-coordinator")
    assert client.get(f"/experts/{expert.pk}/").status_code == 200
    assert client.get(f"/experts/{expert.pk}/edit/").status_code == 200


def test_home_sends_each_role_to_its_start_page(client, demo):
    assert login(client, "demo-coordinator").get("/").url == "/dashboard/"
    assert login(client, "demo-municipal").get("/").url == "/needs/"
    assert login(client, "demo-expert").get("/").url == "/me/"


def test_anonymous_visitors_are_sent_to_login(client, db):
    response = client.get("/dashboard/")
    assert response.status_code == 302 and response.url.startswith("/login/")


def test_run_page_shows_the_unmatched_detail_in_the_active_language(client, db):
    from django.utils.html import escape

    from backend.runs.models import MatchRun
    from tests.backend.factories import CoordinatorFactory, NeedFactory

    current, stored = NeedFactory(municipality_id="202011"), NeedFactory(municipality_id="202011")
    ja = "条件を満たす専門人材の最低報酬 3,120,000円 が予算 2,400,000円 を超えています。"
    en = "lowest eligible fee 3,120,000 > budget 2,400,000; a budget of 3,120,000 would match E012"
    shown_en = escape(en)  # the page escapes ">"
    old = "no expert serves prefecture 20"
    run = MatchRun.objects.create(prefecture_id="20", scope=["20"], scope_key="20/2027", fiscal_year=2027,
                                  status="succeeded", result={"assignments": [], "unmatched": [
                                      {"need": f"N{current.pk}", "reason": "over_budget", "detail": en,
                                       "detail_ja": ja},
                                      {"need": f"N{stored.pk}", "reason": "out_of_scope", "detail": old}]})
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.get(f"/runs/{run.pk}/").content.decode()
    assert ja in page and shown_en not in page
    # A result stored before detail_ja existed keeps its English detail, the prefecture by name (issue 21).
    assert "no expert serves prefecture 長野県" in page
    client.cookies["django_language"] = "en"
    page = client.get(f"/runs/{run.pk}/").content.decode()
    assert 'lang="en"' in page and shown_en in page and ja not in page


def test_declining_an_offer_asks_first_and_names_the_consequence(client, db):
    from backend.engagements.models import Engagement
    from backend.runs.models import PairDecision
    from tests.backend.factories import ExpertFactory, ExpertUserFactory, NeedFactory

    expert = ExpertFactory()
    need = NeedFactory(municipality_id="202011", status="filled")
    engagement = Engagement.objects.create(
        expert=expert, municipality_id="202011", need=need, fiscal_year=2027, starts_on="2027-04-01",
        ends_on="2028-03-31", weekdays=["mon"], days_per_year=48, fee=2_400_000, employment_form="special_part_time")
    client.force_login(ExpertUserFactory(expert=expert))
    one_click = client.post(f"/engagements/{engagement.pk}/respond/", {"answer": "decline"})
    assert one_click.status_code == 302 and one_click.url == f"/engagements/{engagement.pk}/decline/"
    engagement.refresh_from_db()
    assert engagement.status == "offered"  # nothing happened on one click
    page = client.get(one_click.url).content.decode()
    assert "今後このニーズには提案されません" in page
    done = client.post(f"/engagements/{engagement.pk}/respond/",
                       {"answer": "decline", "confirmed": "1", "decline_code": "schedule", "reason": "本業の繁忙期"},
                       follow=True)
    assert "辞退しました。" in done.content.decode()
    engagement.refresh_from_db()
    assert engagement.status == "declined"
    assert PairDecision.objects.get(need=need, expert=expert).reason == "本業の繁忙期"


def test_withdrawing_a_need_asks_first_and_a_withdrawn_need_can_be_reopened(client, db):
    from backend.needs.models import Need
    from tests.backend.factories import MunicipalStaffFactory, NeedFactory

    need = NeedFactory(municipality_id="202011", title="CISO補佐官の募集")
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    asked = client.post(f"/needs/{need.pk}/withdraw/")
    assert asked.status_code == 200 and "「CISO補佐官の募集」（長野市）を取り下げますか" in asked.content.decode()
    assert Need.objects.get(pk=need.pk).status == "open"
    done = client.post(f"/needs/{need.pk}/withdraw/", {"confirmed": "1"}, follow=True).content.decode()
    assert "ニーズを取り下げました。" in done and Need.objects.get(pk=need.pk).status == "withdrawn"
    assert f'action="/needs/{need.pk}/reopen/"' in done
    reopened = client.post(f"/needs/{need.pk}/reopen/", follow=True).content.decode()
    assert "ニーズを再開しました。" in reopened and Need.objects.get(pk=need.pk).status == "open"
