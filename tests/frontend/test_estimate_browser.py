"""The autumn budget estimate in chromium, as the finance clerk uses it in October: the coming year's needs with
the figures in 円 and the total to request, then a what-if on one need that changes the figures and not the need."""

import datetime as dt
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from backend.core.fiscal import current_fiscal_year, fiscal_year_label
from backend.needs.models import Need
from tests.backend.factories import NeedFactory
from tests.frontend.browser import open_menu, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_clerk_reads_the_estimate_in_yen_and_runs_a_what_if(browser, live_server, seeded_season, monkeypatch):
    autumn = dt.date(current_fiscal_year(), 10, 1)
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: autumn)
    target = autumn.year + 1
    need = NeedFactory(fiscal_year=target, title="予算試算のCIO補佐官", budget=3_000_000, fee_basis="annual",
                       fee_amount=2_400_000, offered_fee=2_400_000)

    clerk = sign_in(browser, live_server, "demo-municipal")
    open_menu(clerk, "費用")
    clerk.get_by_role("link", name="予算要求見込み").click()
    expect(clerk.get_by_role("heading", level=1)).to_have_text(f"予算要求見込み（{fiscal_year_label(target)}）")
    row = clerk.locator(f"#need-{need.pk}")
    expect(row).to_contain_text("予算試算のCIO補佐官")
    expect(row).to_contain_text("3,000,000円")
    expect(row).to_contain_text(re.compile(r"[\d,]+円〜2,400,000円"))  # the cheapest eligible expert … the offer
    expect(row).to_contain_text("特別交付税（CIO補佐官等）")
    expect(clerk.locator("[data-total=request]")).to_contain_text("円")
    shot(clerk, "municipal-estimate")

    clerk.get_by_text("条件を変えて試算する（予算試算のCIO補佐官）").click()
    clerk.locator(f"#w{need.pk}-budget").fill("200")
    clerk.locator(f"#w{need.pk}-offered_fee").fill("150")
    clerk.locator(f"#w{need.pk}-days_per_year").fill("24")
    clerk.get_by_role("button", name="試算する").locator("visible=true").click()
    changed = clerk.locator("[data-what-if=changed]")
    expect(changed).to_contain_text("1,500,000円")
    expect(clerk.get_by_text("試算の結果（ニーズは変更されません）")).to_be_visible()
    shot(clerk, "municipal-estimate-what-if")
    stored = Need.objects.get(pk=need.pk)
    assert (stored.budget, stored.offered_fee, stored.days_per_year) == (3_000_000, 2_400_000, 48)
