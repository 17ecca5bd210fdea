"""Forms validate with the backend's serializers and show each message next to its field, never a 500."""

import pytest
from django.utils import timezone

from backend.engagements.models import Engagement
from backend.engagements.services import replacement_request
from backend.needs.models import Need
from backend.runs.models import MatchRun, Proposal
from tests.backend.engagements.test_replacement import _active
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MatchRunFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db

NEED_FORM = {"fiscal_year": "2027", "role": "cio_adviser", "title": "CIO補佐官", "pattern": "weekly",
             "pattern_days": "1", "weekdays": ["mon", "tue"], "budget_man": "240",
             "employment_forms": ["special_part_time"], "priority": "3", "req_security": "2"}


def _errors_of(response, field: str) -> str:
    html = response.content.decode()
    start = html.find(f'id="{field}-errors"')
    assert start != -1, f"no errors shown for {field}"
    return html[start:html.find("</ul>", start)]


def test_a_valid_need_is_posted_with_the_budget_in_man_yen(client):
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    response = client.post("/needs/new/", NEED_FORM)
    assert response.status_code == 302
    need = Need.objects.get()
    assert (need.budget, need.municipality_id, need.days_per_year) == (2_400_000, "202011", 48)
    assert {s.skill: s.level for s in need.skills.all()} == {"security": 2}


def test_too_few_weekdays_for_the_weekly_days_is_explained_next_to_weekdays(client):
    client.force_login(MunicipalStaffFactory())
    response = client.post("/needs/new/", {**NEED_FORM, "pattern_days": "3"})
    assert response.status_code == 400
    assert "勤務可能曜日を3日以上選んでください" in _errors_of(response, "weekdays")
    assert Need.objects.count() == 0


def test_missing_employment_forms_and_bad_budget_are_shown_per_field(client):
    client.force_login(MunicipalStaffFactory())
    response = client.post("/needs/new/", {**NEED_FORM, "employment_forms": [], "budget_man": "たくさん"})
    assert response.status_code == 400
    assert _errors_of(response, "employment_forms")
    assert _errors_of(response, "budget")
    assert 'value="たくさん"' in response.content.decode()  # what was typed is kept


def test_messages_follow_the_english_switch(client):
    client.force_login(MunicipalStaffFactory())
    client.cookies["django_language"] = "en"
    response = client.post("/needs/new/", {**NEED_FORM, "pattern_days": "3"})
    assert "needs at least 3 accepted weekdays" in _errors_of(response, "weekdays")
    assert 'lang="en"' in response.content.decode()


def test_a_coordinator_cannot_post_a_need_for_another_prefecture(client):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    response = client.post("/needs/new/", {**NEED_FORM, "municipality": "192015"})  # 甲府市
    assert response.status_code == 400
    assert "担当都道府県の市区町村を指定してください" in _errors_of(response, "municipality")


def test_expert_form_shows_the_former_employee_rule_on_its_row(client):
    coordinator = CoordinatorFactory(prefecture_id="20")
    expert = ExpertFactory(registering_prefecture_id="20")
    vendor = AffiliationFactory(expert=expert).vendor
    client.force_login(coordinator)
    response = client.post(f"/experts/{expert.pk}/edit/", {
        "name": expert.name, "capacity_days": "96", "weekdays": ["mon"], "max_engagements": "3",
        "daily_rate": "50000", "employment_forms": ["contract"], "listed": "on", "affiliation_rows": "1",
        "aff-0-vendor": str(vendor.pk), "aff-0-relation": "former_employee", "aff-0-ended_on": ""})
    assert response.status_code == 400
    assert "元在籍の場合は退職日が必要です" in response.content.decode()


def test_a_new_expert_is_listed_unless_the_box_is_cleared_and_the_edit_unlists(client):
    coordinator = CoordinatorFactory(prefecture_id="20")
    expert = ExpertFactory(registering_prefecture_id="20")
    client.force_login(coordinator)
    assert '<input type="checkbox" name="listed" checked>' in client.get("/experts/new/").content.decode()

    response = client.post(f"/experts/{expert.pk}/edit/", {
        "name": expert.name, "capacity_days": "96", "weekdays": ["mon"], "max_engagements": "3",
        "daily_rate": "50000", "employment_forms": ["contract"], "affiliation_rows": "0"})
    assert response.status_code == 302
    expert.refresh_from_db()
    assert expert.listed is False


def test_an_expert_updates_availability_but_stays_active(client):
    user = ExpertUserFactory(expert=ExpertFactory(registering_prefecture_id="20"))
    client.force_login(user)
    response = client.post("/me/edit/", {
        "name": user.expert.name, "capacity_days": "48", "weekdays": ["tue", "thu"], "max_engagements": "2",
        "daily_rate": "60000", "employment_forms": ["contract"], "skill_security": "3", "affiliation_rows": "0"})
    assert response.status_code == 302
    user.expert.refresh_from_db()
    assert (user.expert.capacity_days, user.expert.weekdays, user.expert.listed) == (48, ["tue", "thu"], True)


def test_signing_the_pledge_needs_the_agreement_box(client):
    user = ExpertUserFactory(expert=ExpertFactory(registering_prefecture_id="20"))
    client.force_login(user)
    assert client.post("/me/pledge/", {}).status_code == 400
    assert client.post("/me/pledge/", {"agree": "on"}).status_code == 302
    user.expert.refresh_from_db()
    assert user.expert.pool_pledge_signed_on is not None


def test_a_replacement_without_a_reason_is_refused_next_to_the_reason(client):
    staff = MunicipalStaffFactory(municipality_id="202011")
    engagement = Engagement.objects.create(
        expert=ExpertFactory(), municipality_id="202011", need=NeedFactory(), fiscal_year=2027,
        starts_on="2027-04-01", ends_on="2028-03-31", weekdays=["mon"], days_per_year=48, fee=2_400_000,
        employment_form="contract", status="active", pledge_signed_at=timezone.now())
    client.force_login(staff)
    response = client.post(f"/engagements/{engagement.pk}/replacement/", {"reason": " "})
    assert response.status_code == 400
    assert _errors_of(response, "reason")
    assert client.post(f"/engagements/{engagement.pk}/replacement/", {"reason": "専門分野の変更"}).status_code == 302


def test_rule_7_asks_for_an_override_reason_and_approves_with_one(client):
    """The incumbent was registered after the run: approval names rule 7 and offers the reason field."""
    coordinator = CoordinatorFactory(prefecture_id="20")
    expert = ExpertFactory(registering_prefecture_id="20", skill_levels={"security": 3})
    need = NeedFactory(municipality_id="202011", budget=3_000_000, employment_forms=["contract"])
    run = MatchRun.objects.create(prefecture_id="20", scope=["20"], scope_key="20/2027", fiscal_year=2027,
                                  status="succeeded", result={"assignments": [], "unmatched": []})
    proposal = Proposal.objects.create(run=run, need=need, expert=expert, weekdays=["mon"], days_per_year=48,
                                       fee=2_400_000)
    ProcurementFactory(municipality_id="202011", incumbent_vendor=AffiliationFactory(expert=expert).vendor)
    client.force_login(coordinator)
    asked = client.post(f"/proposals/{proposal.pk}/approve/", {}).content.decode()
    assert "承認の確認" in asked and 'name="override_reason"' in asked and "庁内ネットワーク運用保守業務" in asked
    assert "入札に参加できなくなります" in asked and not Engagement.objects.exists()
    refused = client.post(f"/proposals/{proposal.pk}/approve/", {"confirmed": "1"})
    assert refused.status_code == 409
    html = refused.content.decode()
    assert "利益相反：" in html and "ルール" not in html and f'id="f-override_reason-{proposal.pk}"' in html
    approved = client.post(f"/proposals/{proposal.pk}/approve/",
                           {"confirmed": "1", "override_reason": "他に候補がいないため"})
    assert approved.status_code == 302
    assert Engagement.objects.get(need=need).coi_override.reason == "他に候補がいないため"


def test_a_run_that_includes_a_bad_time_limit_is_explained(client):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    response = client.post("/runs/new/", {"fiscal_year": "2027", "time_limit_s": "0"})
    assert response.status_code == 400
    assert _errors_of(response, "time_limit_s")
    assert MatchRun.objects.count() == 0


def test_the_run_form_offers_every_criterion_checked_and_keeps_the_ones_chosen(client, django_capture_on_commit_callbacks):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.get("/runs/").content.decode()
    assert page.count('name="stages"') == 6 and page.count("checked") >= 6
    assert "現地勤務の移動距離を少なく" in page
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/runs/new/", {"fiscal_year": "2027", "time_limit_s": "10",
                                              "stages": ["travel", "skill_fit"]})
    assert response.status_code == 302
    assert MatchRun.objects.get().params["stages"] == ["skill_fit", "travel"]


def test_a_successors_fee_is_asked_for_the_rest_of_the_year_not_a_years_fee(client):
    """要員交代: the successor's proposal states the fee from its start to 31 March; the approval form said
    年額 (a year's fee) for it."""
    coordinator = CoordinatorFactory(prefecture_id="20")
    need = NeedFactory(municipality_id="202011", status="filled")
    current = _active(ExpertFactory(), need)
    request = replacement_request(actor=MunicipalStaffFactory(municipality_id="202011"), engagement=current,
                                  reason="交代を希望")
    proposal = ProposalFactory(run=MatchRunFactory(kind="replacement", replacement=request), need=need)
    client.force_login(coordinator)
    asked = client.post(f"/proposals/{proposal.pk}/approve/", {}).content.decode()
    assert "報酬（年度末までの額・万円）" in asked and "報酬（年額・万円）" not in asked
    plain = ProposalFactory(need=NeedFactory(municipality_id="202011"))
    assert "報酬（年額・万円）" in client.post(f"/proposals/{plain.pk}/approve/", {}).content.decode()
