"""Notifications in chromium: an approved offer reaches the town's staff, who see the count in the header and
the offer in their to-do list, open it (it is marked read) and mark another one read."""

import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backend.accounts.models import User
from backend.engagements.models import Engagement
from backend.engagements.services import replacement_request
from backend.notifications.models import Notification
from backend.placement.services import proposal_approve
from frontend.todo import todo_list
from tests.backend.factories import ExpertFactory, NeedFactory, ProposalFactory
from tests.frontend.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

TITLE = "E2E 通知を受けるCIO補佐官"


def test_an_offer_is_notified_seen_in_the_header_opened_and_read(browser, live_server, seeded_season):
    coordinator = User.objects.get(username="demo-coordinator")
    staff = User.objects.get(username="demo-municipal")
    need = NeedFactory(municipality_id="202011", title=TITLE)
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(need=need, expert=ExpertFactory()))
    awaiting = next(item.count for item in todo_list(user=staff) if item.key == "offers")
    assert awaiting >= 1

    page = sign_in(browser, live_server, "demo-municipal")
    # Home (the needs page): the to-do list counts the offer, and the header the unread notification.
    todo = page.locator("#todo-offers")
    # The count, then the nearest answer deadline (issue 25).
    expect(todo).to_have_text(re.compile(rf"^\s*{awaiting}\s*回答待ちの打診\s*回答期限 令和\d+年\d+月\d+日（あと\d+日）\s*$"))
    header_link = page.locator("header a.notices")
    expect(header_link).to_have_text(re.compile(r"お知らせ\s*1"))
    shot(page, "municipal-todo-and-notice")

    header_link.click()
    item = page.locator("ul.notifications li").filter(has_text=TITLE)
    expect(item).to_contain_text("未読")
    expect(item).to_contain_text("承諾するか辞退するかを回答してください")
    shot(page, "municipal-notifications")
    item.get_by_role("link", name=re.compile(TITLE)).click()
    expect(page).to_have_url(re.compile(rf"/engagements/{engagement.pk}/$"))  # the offer's own page (issue 21)
    expect(page.locator(f"#engagement-{engagement.pk}")).to_be_visible()
    expect(page.locator("header a.notices")).to_have_text(re.compile(r"^\s*お知らせ\s*$"))
    assert Notification.objects.get(recipient=staff).read_at is not None

    # Once it is active the town asks for a replacement: the coordinator marks that notice read from the list.
    Engagement.objects.filter(pk=engagement.pk).update(status="active", pledge_signed_at=timezone.now())
    other = Engagement.objects.get(pk=engagement.pk)
    replacement_request(actor=staff, engagement=other, reason="E2E 交代")
    coordinator_page = sign_in(browser, live_server, "demo-coordinator")
    expect(coordinator_page.locator("header a.notices")).to_have_text(re.compile(r"お知らせ\s*1"))
    coordinator_page.locator("header a.notices").click()
    notice = coordinator_page.locator("ul.notifications li").filter(has_text="E2E 交代")
    notice.get_by_role("button", name="既読にする").click()
    expect(coordinator_page.get_by_text("既読にしました。")).to_be_visible()
    expect(coordinator_page.locator("ul.notifications li").filter(has_text="E2E 交代")).not_to_contain_text("未読")
    expect(coordinator_page.locator("header a.notices")).to_have_text(re.compile(r"^\s*お知らせ\s*$"))
