"""The engagement screens in chromium (issue 11): candidates and an exception, the approval's second step, the
pledge with the acceptance, and a decline that asks first and is remembered."""

import re

import pytest
from playwright.sync_api import expect

from backend.accounts.models import User, UserRole
from backend.engagements.models import CoiOverride, Engagement
from backend.placement.execution import run_execute
from backend.placement.services import run_enqueue
from backend.runs.models import PairDecision
from backend.runs.params import RunParams
from tests.backend.factories import AffiliationFactory, ExpertFactory, NeedFactory, ProcurementFactory
from tests.frontend.browser import PASSWORD, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "E2E CIO補佐官（例外で配置）"


def test_candidates_exception_approval_pledge_and_decline(browser, live_server, seeded, django_capture_on_commit_callbacks):
    need = NeedFactory(municipality_id="202011", title=TITLE, required={"data": 3}, budget=9_000_000)
    employed = ExpertFactory(name="受託 三郎", skill_levels={"data": 3}, employment_forms=["special_part_time"])
    ProcurementFactory(municipality_id="202011", incumbent_vendor=AffiliationFactory(expert=employed).vendor,
                       title="基幹系システム運用保守")
    coordinator = sign_in(browser, live_server, "demo-coordinator")

    # Candidates: the expert employed by the incumbent is blocked by rule 7 alone; place them with a reason.
    coordinator.goto(f"{live_server.url}/needs/{need.pk}/candidates/")
    row = coordinator.locator(f"#candidate-{employed.pk}")
    expect(row).to_contain_text("現在の受託事業者")
    shot(coordinator, "coordinator-candidates")
    row.get_by_text("例外として配置する…").click()
    row.get_by_label(re.compile("例外として配置する理由")).fill("データ利活用の専門家が他にいないため")
    row.get_by_role("button", name="理由を記録して固定する").click()
    expect(coordinator.get_by_text("例外を記録し")).to_be_visible()
    assert CoiOverride.objects.get(expert=employed).reason == "データ利活用の専門家が他にいないため"

    # A run proposes them; approving takes a second step that names the restriction it brings.
    with django_capture_on_commit_callbacks(execute=False):
        run = run_enqueue(actor=User.objects.get(username="demo-coordinator"), fiscal_year=need.fiscal_year,
                          params=RunParams(time_limit_s=5))
    run_execute(run_id=run.pk)
    coordinator.goto(f"{live_server.url}/runs/{run.pk}/")
    proposal_row = coordinator.locator("tr", has_text=TITLE).filter(has_text=employed.name)
    proposal_row.get_by_role("button", name=re.compile("^承認")).click()
    expect(coordinator.get_by_text("入札に参加できなくなります")).to_be_visible()
    shot(coordinator, "coordinator-approve-confirm")
    coordinator.get_by_role("button", name="承認する").click()
    expect(coordinator.get_by_text("承認しました")).to_be_visible()
    engagement = Engagement.objects.get(need=need)

    # The expert reads the pledge for 長野市 and signs it with the acceptance; the municipality sees it.
    User.objects.create_user("e2e-expert", password=PASSWORD, role=UserRole.EXPERT, expert=employed)
    expert = sign_in(browser, live_server, "e2e-expert")
    expert.goto(f"{live_server.url}/engagements/")
    offer = expert.locator(f"#engagement-{engagement.pk}")
    offer.get_by_text(re.compile("長野市への情報漏洩防止の誓約書")).click()
    expect(offer.get_by_text(re.compile("^1. 業務上知り得た情報"))).to_be_visible()
    shot(expert, "expert-offer-pledge")
    offer.get_by_text("上記の誓約書に同意し、署名します").click()
    offer.get_by_role("button", name=re.compile("^誓約して承諾")).click()
    expect(expert.get_by_text("承諾しました")).to_be_visible()
    engagement.refresh_from_db()
    assert engagement.pledge_signed_at is not None and engagement.status == "offered"

    # The municipality declines instead: a second step, a reason, and the pair is not proposed again.
    municipal = sign_in(browser, live_server, "demo-municipal")
    municipal.goto(f"{live_server.url}/engagements/")
    expect(municipal.locator(f"#engagement-{engagement.pk}")).to_contain_text("署名済")
    municipal.locator(f"#engagement-{engagement.pk}").get_by_role("link", name=re.compile("^辞退する")).click()
    expect(municipal.get_by_text("今後このニーズには提案されません")).to_be_visible()
    municipal.get_by_role("radio", name="その他").check()  # a decline says why (issue 25)
    municipal.get_by_label(re.compile("^理由の詳細")).fill("庁内で人選を見直すため")
    shot(municipal, "municipal-decline-confirm")
    municipal.get_by_role("button", name="辞退する").click()
    expect(municipal.get_by_text("辞退しました")).to_be_visible()
    decision = PairDecision.objects.get(need=need, expert=employed)
    assert (decision.kind, decision.declined_by, decision.reason) == ("forbid", "municipality", "庁内で人選を見直すため")
    assert CoiOverride.objects.get(expert=employed).lapsed_at is not None
