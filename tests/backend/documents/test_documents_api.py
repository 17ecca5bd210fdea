"""The documents under the API (issue 24 item 5): the same PDFs and the same rules as the pages — 404 outside the
user's scope, 403 for the expert asking for the municipality's papers, 409 (with the code) when it cannot be made."""

from backend.worklog.models import WorkMonthStatus
from tests.backend.conftest import client_for
from tests.backend.documents.test_letters import text_of
from tests.backend.factories import ExpertUserFactory
from tests.backend.payments.conftest import engaged, month_logged


def test_the_clerk_reads_each_pdf_and_the_expert_only_their_pledge_and_reports(municipal, other_municipal):
    engagement = engaged()
    month_logged(engagement, 2027, 4, by=municipal, days=[(5, 6, True)])
    month_logged(engagement, 2027, 5, by=municipal, days=[(10, 6, True)], status=WorkMonthStatus.SUBMITTED)
    base = f"/api/v1/engagements/{engagement.pk}"
    clerk = client_for(municipal)
    for url in (f"{base}/documents/appointment/", f"{base}/documents/pledge/", f"{base}/reports/2027/",
                f"{base}/reports/2027/4/", "/api/v1/restriction-notices/202011/2027/"):
        response = clerk.get(url)
        assert response.status_code == 200 and response["Content-Type"] == "application/pdf", url
    assert engagement.expert.name.replace(" ", "") in text_of(clerk.get(f"{base}/documents/appointment/").content)
    unconfirmed = clerk.get(f"{base}/reports/2027/5/")
    assert unconfirmed.status_code == 409 and unconfirmed.json()["errors"][0]["code"] == "month_not_confirmed"
    assert clerk.get(f"{base}/documents/contract/").status_code == 404

    expert = client_for(ExpertUserFactory(expert=engagement.expert))
    assert expert.get(f"{base}/documents/pledge/").status_code == 200
    assert expert.get(f"{base}/reports/2027/4/").status_code == 200
    assert expert.get(f"{base}/documents/appointment/").status_code == 403
    assert expert.get("/api/v1/restriction-notices/202011/2027/").status_code == 403

    outsider = client_for(other_municipal)
    assert outsider.get(f"{base}/documents/pledge/").status_code == 404
    assert outsider.get("/api/v1/restriction-notices/202011/2027/").status_code == 404


def test_an_unsigned_pledge_is_a_409_naming_why(municipal):
    offered = engaged(status="offered")
    offered.pledge_signed_at = None
    offered.save(update_fields=["pledge_signed_at"])
    response = client_for(municipal).get(f"/api/v1/engagements/{offered.pk}/documents/pledge/")
    assert response.status_code == 409 and response.json()["errors"][0]["code"] == "pledge_not_signed"
