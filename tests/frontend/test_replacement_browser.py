"""Replacement and the offer's answers in chromium (issue 21, item 5): the coordinator approves a successor from the
replacements page and the run it leads to (the row said 「ニーズ充足済（別の任用）」 with no 承認 button), the
successor who accepted without the pledge signs it from the notification's page (it said 「相手方の回答待ち」), and
the municipality confirms an offer on a page that shows the restriction, the exception's reason and the dates
before the button (承諾 was one click that showed none of them)."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backend.accounts.models import User, UserRole
from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import engagement_respond, replacement_request
from backend.placement.services import proposal_approve
from tests.backend.factories import (
    AffiliationFactory,
    ExpertFactory,
    MatchRunFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
)
from tests.frontend.browser import PASSWORD, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "E2E CIO補佐官（要員交代）"


def test_a_successor_is_approved_from_the_replacement_screen_and_signs_the_pledge_from_the_offer(browser, live_server,
                                                                                                seeded):
    staff = User.objects.get(username="demo-municipal")
    need = NeedFactory(municipality_id=staff.municipality_id, title=TITLE, status="filled", budget=3_600_000)
    current = Engagement.objects.create(
        expert=ExpertFactory(name="現任 一郎"), municipality_id=staff.municipality_id, need=need, fiscal_year=need.fiscal_year,
        starts_on=dt.date(need.fiscal_year, 4, 1), ends_on=dt.date(need.fiscal_year + 1, 3, 31), weekdays=["mon"],
        days_per_year=48, fee=2_400_000, employment_form="special_part_time", status="active",
        pledge_signed_at=timezone.now(), pledge_version=PLEDGE_VERSION)
    request = replacement_request(actor=staff, engagement=current, reason="E2E 曜日が合わなくなった")
    successor = ExpertFactory(name="後任 二郎")
    run = MatchRunFactory(kind="replacement", replacement=request, fiscal_year=need.fiscal_year)
    ProposalFactory(run=run, need=need, expert=successor)

    coordinator = sign_in(browser, live_server, "demo-coordinator")
    coordinator.goto(f"{live_server.url}/replacements/")
    coordinator.locator("tr", has_text="E2E 曜日が合わなくなった").get_by_role("link", name=re.compile("後任の提案を見て承認")).click()
    row = coordinator.locator("tr", has_text=TITLE).filter(has_text="後任 二郎")
    expect(row).not_to_contain_text("ニーズ充足済")
    shot(coordinator, "coordinator-replacement-run")
    row.get_by_role("button", name=re.compile("^承認")).click()
    expect(coordinator.get_by_text(re.compile("現在の現任 一郎さんの任用は"))).to_be_visible()
    coordinator.get_by_role("button", name="承認する").click()
    expect(coordinator.get_by_text("承認しました")).to_be_visible()
    offer = Engagement.objects.get(expert=successor)
    assert offer.replaces_id == current.pk

    # Both accept; the successor's acceptance comes through the API without the pledge, so it waits for it.
    engagement_respond(actor=staff, engagement=offer, accept=True)
    User.objects.create_user("e2e-successor", password=PASSWORD, role=UserRole.EXPERT, expert=successor)
    engagement_respond(actor=User.objects.get(username="e2e-successor"), engagement=offer, accept=True)

    expert = sign_in(browser, live_server, "e2e-successor")
    expert.goto(f"{live_server.url}/notifications/")
    expert.locator("ul.notifications li").filter(has_text="誓約書への署名のお願い").get_by_role("link").click()
    expect(expert).to_have_url(re.compile(rf"/engagements/{offer.pk}/$"))
    expect(expert.get_by_text("誓約書への署名がまだです")).to_be_visible()
    shot(expert, "expert-pledge-after-acceptance")
    expert.get_by_text("上記の誓約書に同意し、署名します").click()
    expert.get_by_role("button", name=re.compile("^誓約書に署名する")).click()
    expect(expert.get_by_text("任用は稼働中になりました")).to_be_visible()
    offer.refresh_from_db()
    current.refresh_from_db()
    assert offer.status == "active" and current.status in ("ended", "cancelled")


def test_the_municipality_confirms_on_a_page_that_shows_the_restriction_and_the_dates(browser, live_server, seeded):
    staff = User.objects.get(username="demo-municipal")
    expert = ExpertFactory(name="受託 三郎", employment_forms=["special_part_time"])
    vendor = AffiliationFactory(expert=expert, vendor__name="E2E信州システム株式会社").vendor
    ProcurementFactory(municipality_id=staff.municipality_id, incumbent_vendor=vendor, title="基幹系システム運用保守")
    need = NeedFactory(municipality_id=staff.municipality_id, title="E2E CIO補佐官（例外）", budget=9_000_000)
    offer = proposal_approve(actor=User.objects.get(username="demo-coordinator"),
                             proposal=ProposalFactory(need=need, expert=expert, weekdays=["tue"]),
                             override_reason="E2E データ利活用の専門家が他にいないため")

    municipal = sign_in(browser, live_server, "demo-municipal")
    municipal.goto(f"{live_server.url}/engagements/")
    row = municipal.locator(f"#engagement-{offer.pk}")
    expect(row.get_by_role("button", name=re.compile("^承諾"))).to_have_count(0)  # no one-click acceptance
    row.get_by_role("link", name=re.compile("内容を確認して承諾")).click()
    restriction = municipal.locator("#h-restriction").locator("..")
    expect(restriction).to_contain_text("E2E信州システム株式会社")
    expect(restriction).to_contain_text(f"令和{need.fiscal_year - 2018}年4月1日から")
    expect(municipal.get_by_text(re.compile("E2E データ利活用の専門家が他にいないため"))).to_be_visible()
    expect(municipal.locator("#h-expert").locator("..")).to_contain_text("セキュリティ")
    shot(municipal, "municipal-offer-confirm")
    municipal.get_by_role("button", name=re.compile("^承諾する")).click()
    expect(municipal.get_by_text("承諾しました")).to_be_visible()
    offer.refresh_from_db()
    assert offer.municipality_accepted_at is not None
