"""The activity reports (issue 24 item 5): a month's report holds its confirmed, counted days and who confirmed it;
a month not confirmed has none; the year's sums the confirmed months and names the others 未確認 without their days."""

import pytest

from backend.core.errors import ConflictError
from backend.documents.reports import monthly_report_pdf, yearly_report_pdf
from backend.worklog.models import WorkMonthStatus
from tests.backend.documents.test_letters import text_of
from tests.backend.factories import ExpertFactory, MunicipalStaffFactory
from tests.backend.payments.conftest import engaged, month_logged


@pytest.fixture
def clerk(db):
    return MunicipalStaffFactory(first_name="長野", last_name="花子")


def test_the_monthly_report_lists_the_counted_days_of_the_confirmed_month_and_who_confirmed_it(clerk):
    engagement = engaged(expert=ExpertFactory(name="信濃 一郎"))
    month = month_logged(engagement, 2027, 10, by=clerk, days=[
        (4, 7.5, True), (11, 3, False), {"day": 18, "hours": 2, "onsite": True, "counted": False}])
    text = text_of(monthly_report_pdf(month))
    for must in ("活動報告書（令和9年10月分）", "信濃一郎", "長野県長野市", "令和9年10月4日（月）", "令和9年10月11日（月）",
                 "現地", "リモート", "7.5", "定例会議", "情報セキュリティの点検", "2日（現地1日・リモート1日）計10.5時間",
                 month.reference, "長野花子が確認"):
        assert must in text, must
    assert "令和9年10月18日" not in text  # left out of the count by the municipality


def test_a_month_not_yet_confirmed_has_no_report(clerk):
    month = month_logged(engaged(), 2027, 11, by=clerk, days=[(1, 6, True)], status=WorkMonthStatus.SUBMITTED)
    with pytest.raises(ConflictError) as refused:
        monthly_report_pdf(month)
    assert refused.value.problems[0].code == "month_not_confirmed"


def test_a_month_confirmed_on_paper_names_the_documents_reference(clerk):
    month = month_logged(engaged(), 2027, 5, by=clerk, days=[(10, 6, True)])
    month.paper_reference = "長情第123号"
    assert "書面により確認（文書番号長情第123号）" in text_of(monthly_report_pdf(month))


def test_the_yearly_report_sums_the_confirmed_months_and_lists_the_others_as_unconfirmed_without_their_days(clerk):
    engagement = engaged()
    month_logged(engagement, 2027, 4, by=clerk, days=[(5, 6, True), (12, 6, False)])
    month_logged(engagement, 2027, 5, by=clerk, days=[(10, 4, True)])
    june = month_logged(engagement, 2027, 6, by=clerk, status=WorkMonthStatus.SUBMITTED, days=[(7, 5, True)])
    june.days.update(topics="未確認の打合せ")
    text = text_of(yearly_report_pdf(engagement, 2027))
    assert "活動報告書（令和9年度）" in text and "令和9年4月" in text and "令和10年3月" in text
    assert "確認済みの計3日2日1日16" in text
    assert text.count("未確認") >= 10  # June to March, and the note
    assert "未確認の打合せ" not in text and "未確認の月10か月" in text
