"""The letters of an engagement (issue 24 item 5): each PDF opens and its text holds the names, 令和 dates and
amounts it must; the pledge refuses an unsigned engagement; the notice names each vendor with its 法人番号 and the
four categories, and any exception with its reason."""

import datetime as dt
import io

import pytest
from pypdf import PdfReader

from backend.core.errors import ConflictError
from backend.documents.letters import (
    appointment_pdf,
    contract_pdf,
    pledge_pdf,
    restriction_notice_pdf,
    restriction_notice_year_pdf,
)
from backend.engagements.models import CoiOverride
from backend.geo.models import Municipality
from backend.restrictions.models import BidRestriction
from tests.backend.factories import AffiliationFactory, ExpertFactory, VendorFactory
from tests.backend.payments.conftest import engaged

CATEGORIES = ("ITシステム化計画の策定支援", "設計・開発と工程管理支援", "運用", "システム監査")


def text_of(content: bytes) -> str:
    """The PDF's text with the line breaks and spaces a table cell wraps at taken out."""
    assert content.startswith(b"%PDF")
    reader = PdfReader(io.BytesIO(content))
    return "".join("".join(page.extract_text().split()) for page in reader.pages)


def expert_with_vendor(name="信濃 一郎", vendor_name="信州データ株式会社", number="7000000000017"):
    expert = ExpertFactory(name=name)
    vendor = VendorFactory(name=vendor_name, corporate_number=number)
    AffiliationFactory(expert=expert, vendor=vendor)
    return expert, vendor


def restricted(engagement, vendor, *, starts_on=None, ends_on=None):
    return BidRestriction.objects.create(vendor=vendor, expert=engagement.expert, municipality=engagement.municipality,
                                         engagement=engagement, relation="employee",
                                         starts_on=starts_on or engagement.starts_on,
                                         ends_on=ends_on or engagement.ends_on)


def test_the_commission_letter_names_the_expert_municipality_term_fee_basis_and_the_four_categories(db):
    expert, vendor = expert_with_vendor()
    engagement = engaged(expert=expert, basis="monthly", fee=1_234_567, fee_amount=102_881)
    text = text_of(appointment_pdf(engagement))
    for must in ("委嘱状（案）", "信濃一郎様", "長野県長野市", "長野市長", "CIO補佐官", "特別職非常勤職員",
                 "令和9年4月1日から令和10年3月31日まで", "1,234,567円", "月額102,881円", "信州データ株式会社",
                 "法人番号7000000000017", *CATEGORIES):
        assert must in text, must


def test_a_fiscal_year_appointee_gets_a_notice_of_appointment_and_a_contract_the_contract_essentials(db):
    engagement = engaged(basis="daily", fee=960_000, fee_amount=20_000, days=48)
    engagement.employment_form = "fiscal_year"
    text = text_of(appointment_pdf(engagement))
    assert "任用通知書（案）" in text and "会計年度任用職員" in text and "日額20,000円" in text

    engagement.employment_form = "contract"
    engagement.need.description = "情報セキュリティポリシーの改定を支援する。"
    text = text_of(contract_pdf(engagement))
    for must in ("業務委託契約書（要旨）", "委託者長野県長野市", "情報セキュリティポリシーの改定を支援する。", "第2条期間",
                 "令和9年4月1日から令和10年3月31日まで", "960,000円", "費用弁償", "秘密保持", "入札参加の制限", "解除",
                 *CATEGORIES):
        assert must in text, must


def test_the_pledge_is_the_text_signed_with_its_version_date_and_municipality(db):
    engagement = engaged(expert=ExpertFactory(name="松本 花子"))
    engagement.pledge_signed_at = dt.datetime(2027, 3, 25, 1, 0, tzinfo=dt.UTC)  # 10:00 in Tokyo
    text = text_of(pledge_pdf(engagement))
    for must in ("情報漏洩防止に関する誓約書", "長野市の業務に従事するにあたり", "令和9年3月25日", "誓約者松本花子",
                 "長野県長野市", engagement.pledge_version):
        assert must in text, must


def test_the_pledge_of_an_engagement_not_signed_is_refused_rather_than_printed_blank(db):
    engagement = engaged(status="offered")
    engagement.pledge_signed_at = None
    with pytest.raises(ConflictError) as refused:
        pledge_pdf(engagement)
    assert refused.value.problems[0].code == "pledge_not_signed"


def test_the_notice_of_an_engagement_names_each_vendor_with_its_number_the_period_the_rule_and_the_exception(db):
    expert, vendor = expert_with_vendor()
    unnumbered = VendorFactory(name="善光寺ソフト合同会社", corporate_number=None)
    engagement = engaged(expert=expert)
    engagement.coi_override = CoiOverride.objects.create(expert=expert, municipality_id="202011", fiscal_year=2027,
                                                         reason="県内で唯一のセキュリティ専門家")
    restricted(engagement, vendor)
    restricted(engagement, unnumbered, starts_on=dt.date(2027, 10, 1))
    text = text_of(restriction_notice_pdf(engagement))
    for must in ("入札参加制限の通知", "信州データ株式会社", "7000000000017", "善光寺ソフト合同会社", "未登録",
                 "令和9年10月1日〜令和10年3月31日", "政府CIO補佐官等の募集要項", "県内で唯一のセキュリティ専門家",
                 *CATEGORIES):
        assert must in text, must


def test_the_yearly_notice_lists_the_restrictions_in_force_that_year_and_not_another_municipalitys(db):
    expert, vendor = expert_with_vendor()
    restricted(engaged(expert=expert), vendor)
    other, other_vendor = expert_with_vendor("他市 次郎", "松本システム株式会社", "7000000000025")
    restricted(engaged(expert=other, municipality="202029"), other_vendor)
    text = text_of(restriction_notice_year_pdf(Municipality.objects.select_related("prefecture").get(pk="202011"),
                                               2027))
    assert "入札参加制限の通知（令和9年度）" in text and "信州データ株式会社" in text and "7000000000017" in text
    assert "松本システム株式会社" not in text
    assert "この期間に記録された入札参加制限はありません" in text_of(restriction_notice_year_pdf(
        Municipality.objects.select_related("prefecture").get(pk="202011"), 2029))
