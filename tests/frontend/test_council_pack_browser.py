"""The council pack in chromium (issue 24, item 6): a clerk of the demo's 長野市 opens it from the engagement page,
reads the ten answers and saves the one-page PDF."""

import io

import pytest
from playwright.sync_api import expect
from pypdf import PdfReader

from backend.core.fiscal import current_fiscal_year
from backend.engagements.models import Engagement
from tests.frontend.browser import shot, sign_in

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

HEADINGS = ("経歴", "法的根拠と任用形態", "職務内容", "組織上の位置づけ", "選考・任期・更新", "評価",
            "公正性と入札参加制限", "終了事由", "勤務日数", "報酬と月額（日額）とする理由")


def test_a_clerk_opens_the_council_pack_from_the_engagement_page_and_saves_it_as_one_page(browser, live_server,
                                                                                          seeded):
    engagement = Engagement.objects.select_related("expert").get(
        municipality_id="202011", fiscal_year=current_fiscal_year(), status="active")
    page = sign_in(browser, live_server, "demo-municipal")
    page.goto(f"{live_server.url}/engagements/{engagement.pk}/")
    page.get_by_role("link", name="議会答弁資料（10の質問への回答）").click()
    for number, heading in enumerate(HEADINGS, start=1):
        expect(page.get_by_role("heading", name=f"{number}. {heading}")).to_be_visible()
    expect(page.locator("h1")).to_contain_text(engagement.expert.name)
    shot(page, "council-pack")
    pdf = page.request.get(live_server.url + page.get_by_role("link", name="PDFで保存").get_attribute("href"))
    assert pdf.headers["content-type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(pdf.body()))
    assert len(reader.pages) == 1 and engagement.expert.name in reader.pages[0].extract_text()
