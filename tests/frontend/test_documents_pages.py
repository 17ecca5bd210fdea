"""The documents as PDF from the pages (issue 24 item 5): the engagement page's 「書類」 lists what the viewer may
open for the engagement's form; each opens as a PDF; the expert opens their pledge and activity reports only; out
of scope is a 404; what cannot be made yet is a 409 that says why."""

import pytest

from backend.restrictions.models import BidRestriction
from backend.worklog.models import WorkMonthStatus
from tests.backend.documents.test_letters import expert_with_vendor, text_of
from tests.backend.factories import CoordinatorFactory, ExpertUserFactory, MunicipalStaffFactory
from tests.backend.payments.conftest import engaged, month_logged

pytestmark = pytest.mark.django_db


@pytest.fixture
def clerk():
    return MunicipalStaffFactory(municipality_id="202011")


@pytest.fixture
def engagement(clerk):
    expert, vendor = expert_with_vendor()
    engagement = engaged(expert=expert, basis="monthly", fee=1_234_567, fee_amount=102_881)
    BidRestriction.objects.create(vendor=vendor, expert=expert, municipality_id="202011", engagement=engagement,
                                  relation="employee", starts_on=engagement.starts_on, ends_on=engagement.ends_on)
    month_logged(engagement, 2027, 4, by=clerk, days=[(5, 6, True)])
    month_logged(engagement, 2027, 5, by=clerk, days=[(10, 6, True)], status=WorkMonthStatus.SUBMITTED)
    return engagement


def test_the_clerk_finds_each_document_on_the_engagement_page_and_each_opens_as_a_pdf(client, clerk, engagement):
    client.force_login(clerk)
    page = client.get(f"/engagements/{engagement.pk}/").content.decode()
    base = f"/engagements/{engagement.pk}"
    for link in (f"{base}/documents/appointment.pdf", f"{base}/documents/pledge.pdf",
                 f"{base}/documents/restrictions.pdf", "/restrictions/notice/202011/2027.pdf",
                 f"{base}/reports/2027.pdf", f"{base}/reports/2027/4.pdf"):
        assert link in page, link
        response = client.get(link)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", link
    assert f"{base}/documents/contract.pdf" not in page and f"{base}/reports/2027/5.pdf" not in page
    assert "信濃一郎" in text_of(client.get(f"{base}/documents/appointment.pdf").content)
    assert client.get(f"{base}/documents/contract.pdf").status_code == 404  # not for a 特別職非常勤職員
    assert client.get(f"{base}/documents/unknown.pdf").status_code == 404
    assert f"{base}/reports/2027/4.pdf" in client.get(f"{base}/work/2027/4/").content.decode()
    unconfirmed = client.get(f"{base}/reports/2027/5.pdf")
    assert unconfirmed.status_code == 409 and "確認が済んでいない" in unconfirmed.content.decode()


def test_the_expert_opens_their_pledge_and_reports_only(client, engagement):
    client.force_login(ExpertUserFactory(expert=engagement.expert))
    base = f"/engagements/{engagement.pk}"
    page = client.get(f"{base}/").content.decode()
    assert f"{base}/documents/pledge.pdf" in page and f"{base}/reports/2027.pdf" in page
    assert f"{base}/documents/appointment.pdf" not in page and "/restrictions/notice/" not in page
    assert client.get(f"{base}/documents/pledge.pdf").status_code == 200
    assert client.get(f"{base}/reports/2027/4.pdf").status_code == 200
    assert client.get(f"{base}/documents/appointment.pdf").status_code == 403
    assert client.get("/restrictions/notice/202011/2027.pdf").status_code == 403


def test_another_municipality_or_prefecture_gets_404_and_the_coordinator_of_its_own_opens_the_notice(client,
                                                                                                   engagement):
    base = f"/engagements/{engagement.pk}"
    for outsider in (MunicipalStaffFactory(municipality_id="202029"), CoordinatorFactory(prefecture_id="19")):
        client.force_login(outsider)
        assert client.get(f"{base}/documents/pledge.pdf").status_code == 404
        assert client.get(f"{base}/reports/2027.pdf").status_code == 404
        assert client.get("/restrictions/notice/202011/2027.pdf").status_code == 404
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    notice = client.get("/restrictions/notice/202011/2027.pdf")
    assert notice.status_code == 200 and "7000000000017" in text_of(notice.content)
    assert client.get("/restrictions/notice/?municipality=202011&fiscal_year=2027").url == \
        "/restrictions/notice/202011/2027.pdf"


def test_an_unsigned_pledge_is_a_409_that_says_so(client, clerk):
    offered = engaged(status="offered")
    offered.pledge_signed_at = None
    offered.save(update_fields=["pledge_signed_at"])
    client.force_login(clerk)
    response = client.get(f"/engagements/{offered.pk}/documents/pledge.pdf")
    assert response.status_code == 409 and "まだ署名されていません" in response.content.decode()
    assert f"/engagements/{offered.pk}/documents/pledge.pdf" not in client.get(
        f"/engagements/{offered.pk}/").content.decode()
