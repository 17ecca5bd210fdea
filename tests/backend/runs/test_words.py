"""The run report's details name places and vendors, never codes or ids (issue 21)."""

import pytest

from backend.runs.words import places_named
from tests.backend.factories import VendorFactory

pytestmark = pytest.mark.django_db


def test_the_prefecture_code_of_the_quoted_detail_becomes_its_name():
    text = "都道府県コード 20 に対応する専門人材 49名のうち、情報セキュリティ（レベル3以上）を満たす者はいません。"
    assert places_named(text) == "長野県に対応する専門人材 49名のうち、情報セキュリティ（レベル3以上）を満たす者はいません。"
    assert places_named("none of the 49 experts serving prefecture 20 has security>=3") == (
        "none of the 49 experts serving prefecture 長野県 has security>=3")


def test_municipalities_vendors_and_format_words_are_named():
    vendor = VendorFactory(name="信州情報システム株式会社")
    text = (f"条件を満たす専門人材 2名（伊藤 健一, 山田 花子）は、いずれも市区町村 202011 で契約中の調達の受託事業者"
            f"（V{vendor.pk}）に所属しています。利益相反の例外承認（coi_override）を記録すれば、このうち1名を配置できます。")
    worded = places_named(text)
    assert "市区町村 202011" not in worded and "長野市で契約中" in worded
    assert f"V{vendor.pk}" not in worded and "信州情報システム株式会社" in worded
    assert "coi_override" not in worded and "利益相反の例外を記録すれば" in worded


def test_an_unknown_code_stays_as_it_is():
    assert places_named("都道府県コード 99 に対応する専門人材がいません。") == "都道府県コード 99 に対応する専門人材がいません。"
