"""The vendor merge screen in the browser (issue 21, item 1): a coordinator finds a company entered twice on the
vendors page, merges it, and the may-bid check then answers one answer for both former entries."""

import pytest
from playwright.sync_api import expect

from backend.experts.models import Affiliation
from backend.procurement.models import Procurement, Vendor
from backend.procurement.names import vendor_name_key
from backend.procurement.services import vendor_duplicates_find
from tests.frontend.browser import open_menu, shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_a_coordinator_merges_a_vendor_entered_twice_from_the_duplicate_list(browser, live_server, seeded):
    original = Vendor.objects.get(name="信州情報システム株式会社")
    twin_name = "信州情報システム（株）"
    # An entry from before the 法人番号 was asked, holding an affiliation and an incumbent of its own.
    twin = Vendor.objects.create(name=twin_name, name_key=vendor_name_key(twin_name), prefecture_id="20")
    employed = Affiliation.objects.filter(vendor=original).exclude(relation="former_employee").first()
    side_job = Affiliation.objects.create(expert=employed.expert if employed else
                                          Affiliation.objects.first().expert, vendor=twin, relation="side_job")
    incumbent_of = Procurement.objects.filter(municipality__prefecture_id="20").first()
    Procurement.objects.filter(pk=incumbent_of.pk).update(incumbent_vendor=twin)
    assert vendor_duplicates_find() >= 1

    page = sign_in(browser, live_server, "demo-coordinator")
    open_menu(page, "管理")  # the menu is grouped (issue 23)
    page.get_by_role("link", name="事業者", exact=True).click()
    expect(page.get_by_role("heading", name="重複の疑いのある事業者")).to_be_visible()
    duplicates = page.get_by_role("region", name="重複の疑いのある事業者")
    row = duplicates.locator("tbody tr").filter(has_text=twin_name)
    expect(row).to_contain_text(f"信州情報システム株式会社（法人番号 {original.corporate_number}）")
    expect(row).to_contain_text("法人番号未登録")
    shot(page, "coordinator-vendor-duplicates")
    row.get_by_role("button", name="「信州情報システム株式会社」に統合").click()

    expect(page.get_by_text(f"事業者「{twin_name}」を「信州情報システム株式会社」に統合しました。")).to_be_visible()
    expect(page.get_by_role("heading", name=f"信州情報システム株式会社（法人番号 {original.corporate_number}）")).to_be_visible()
    shot(page, "coordinator-vendor-merged")
    side_job.refresh_from_db()
    twin.refresh_from_db()
    assert side_job.vendor == original and twin.merged_into == original
    assert Procurement.objects.get(pk=incumbent_of.pk).incumbent_vendor == original

    page.goto(f"{live_server.url}/vendors/{twin.pk}/")
    expect(page.get_by_text("「信州情報システム株式会社（法人番号")).to_be_visible()
    page.goto(f"{live_server.url}/experts/new/")
    expect(page.locator("#f-affiliations0vendor option", has_text=twin_name)).to_have_count(0)
