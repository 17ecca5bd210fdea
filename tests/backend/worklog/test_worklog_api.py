"""The activity log's API: the expert logs and submits, the municipality disputes and confirms, the coordinator
reads the overview; the wrong role is a 403, another municipality's month a 404, a reference found as typed."""

from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.worklog.models import WorkMonth
from tests.backend.conftest import client_for
from tests.backend.factories import ExpertUserFactory
from tests.backend.worklog.conftest import active_engagement


def _day(engagement, date) -> dict:
    return {"engagement": engagement.pk, "date": date.isoformat(), "onsite": True, "hours": "6.5",
            "topics": "庁内LAN更改の仕様確認", "done": "仕様書案のレビュー"}


def test_the_expert_logs_and_submits_and_the_municipality_disputes_and_confirms(engagement, expert_user, municipal,
                                                                               days):
    expert, staff = client_for(expert_user), client_for(municipal)
    logged = expert.post("/api/v1/work-days/", _day(engagement, days[0]), format="json")
    assert logged.status_code == 201, logged.json()
    day_id, month_id = logged.json()["id"], logged.json()["month"]
    assert staff.post("/api/v1/work-days/", _day(engagement, days[1]), format="json").status_code == 403
    assert staff.post(f"/api/v1/work-months/{month_id}/submit/").status_code == 403
    assert expert.post(f"/api/v1/work-months/{month_id}/submit/").json()["status"] == "submitted"
    assert expert.post(f"/api/v1/work-months/{month_id}/confirm/", {}, format="json").status_code == 403

    reference = WorkMonth.objects.get(pk=month_id).reference
    found = staff.get("/api/v1/work-months/lookup/", {"reference": reference.lower().replace("-", "")})
    assert found.status_code == 200 and found.json()["id"] == month_id
    odd = staff.post(f"/api/v1/work-months/{month_id}/dispute/", {"reasons": {"²": "x"}}, format="json")
    assert odd.status_code == 400 and odd.json()["errors"][0]["field"] == "reasons"
    disputed = staff.post(f"/api/v1/work-months/{month_id}/dispute/", {"reasons": {str(day_id): "時間が合いません"}},
                          format="json")
    assert disputed.json()["status"] == "disputed"
    assert disputed.json()["days"][0]["disputes"][0]["reason"] == "時間が合いません"
    assert expert.post(f"/api/v1/work-months/{month_id}/answer/", {"answers": {str(day_id): "移動時間を含みます"}},
                       format="json").json()["status"] == "answered"
    confirmed = staff.post(f"/api/v1/work-months/{month_id}/confirm/", {}, format="json").json()
    assert (confirmed["status"], confirmed["locked"], confirmed["counted_count"]) == ("confirmed", True, 1)
    refused = expert.patch(f"/api/v1/work-days/{day_id}/", {"hours": "3"}, format="json")
    assert refused.status_code == 409 and refused.json()["errors"][0]["field"] == "month"


def test_another_municipality_and_another_expert_see_no_month_and_only_a_coordinator_reads_the_overview(
        engagement, expert_user, municipal, other_municipal, coordinator, other_coordinator, days):
    month_id = client_for(expert_user).post("/api/v1/work-days/", _day(engagement, days[0]),
                                            format="json").json()["month"]
    for user in (other_municipal, other_coordinator):
        assert client_for(user).get(f"/api/v1/work-months/{month_id}/").status_code == 404
        assert client_for(user).post(f"/api/v1/work-months/{month_id}/confirm/", {}, format="json").status_code == 404
    stranger = ExpertUserFactory()
    assert client_for(stranger).get(f"/api/v1/work-months/{month_id}/").status_code == 404
    assert client_for(stranger).post("/api/v1/work-days/", _day(engagement, days[1]), format="json").status_code == 404
    assert client_for(municipal).get("/api/v1/work-overview/", {"fiscal_year": engagement.fiscal_year}).status_code \
        == 403
    overview = client_for(coordinator).get("/api/v1/work-overview/", {"fiscal_year": engagement.fiscal_year})
    rows = [row for row in overview.json() if row["engagement"] == engagement.pk]
    assert [c["status"] for c in rows[0]["cells"] if c["work_month"] == month_id] == ["open"]


def test_the_month_and_day_lists_cost_the_same_queries_for_two_rows_as_for_five(expert_user, municipal, days):
    def queries(url) -> int:
        with CaptureQueriesContext(connection) as context:
            assert client_for(municipal).get(url).status_code == 200
        return len(context.captured_queries)

    def log(count):
        for _i in range(count):
            engagement = active_engagement(expert_user.expert)
            client_for(expert_user).post("/api/v1/work-days/", _day(engagement, days[0]), format="json")

    log(2)
    few = queries("/api/v1/work-months/"), queries("/api/v1/work-days/")
    log(3)
    assert (queries("/api/v1/work-months/"), queries("/api/v1/work-days/")) == few
