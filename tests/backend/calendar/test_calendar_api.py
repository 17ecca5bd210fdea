"""The calendar's API (issue 23, item 1): closed days listed, added and removed by the right role; the working
calendar of a fiscal year with the workable days per weekday."""

import datetime as dt

from backend.calendar.models import ClosedDay
from tests.backend.conftest import client_for


def test_the_working_calendar_counts_the_weekdays_of_a_fiscal_year(municipal):
    ClosedDay.objects.create(date=dt.date(2026, 11, 2), label="県民の日", prefecture_id="20", created_by=municipal)
    body = client_for(municipal).get("/api/v1/calendar/", {"fiscal_year": 2026, "municipality": "202011"}).json()
    assert body["workable_days_by_weekday"] | {} == {"mon": 44, "tue": 46, "wed": 49, "thu": 50, "fri": 51,
                                                     "sat": body["workable_days_by_weekday"]["sat"],
                                                     "sun": body["workable_days_by_weekday"]["sun"]}
    assert {"date": "2026-11-02", "name": "県民の日"} in body["closed_days"]
    assert {"date": "2026-09-22", "name": "国民の休日"} in body["closed_days"]


def test_a_coordinator_adds_lists_and_removes_a_prefecture_closed_day(coordinator):
    api = client_for(coordinator)
    created = api.post("/api/v1/closed-days/", {"date": "2026-11-02", "label": "県民の日", "prefecture": "20"},
                       format="json")
    assert created.status_code == 201, created.json()
    assert created.json() | {"id": 0, "created_at": ""} == {
        "id": 0, "date": "2026-11-02", "label": "県民の日", "prefecture": "20", "prefecture_name": "長野県",
        "municipality": None, "municipality_name": None, "created_at": ""}
    listed = api.get("/api/v1/closed-days/", {"fiscal_year": 2026}).json()
    assert [row["label"] for row in listed["results"]] == ["県民の日"]
    assert api.get("/api/v1/closed-days/", {"fiscal_year": 2027}).json()["results"] == []
    assert api.delete(f"/api/v1/closed-days/{created.json()['id']}/").status_code == 204
    assert not ClosedDay.objects.exists()


def test_staff_cannot_add_a_prefecture_day_nor_remove_one_and_others_do_not_see_it(coordinator, municipal,
                                                                                   other_coordinator):
    refused = client_for(municipal).post("/api/v1/closed-days/", {"date": "2026-11-02", "label": "県民の日",
                                                                  "prefecture": "20"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["errors"][0]["code"] == "not_your_prefecture"
    day = ClosedDay.objects.create(date=dt.date(2026, 11, 2), label="県民の日", prefecture_id="20",
                                   created_by=coordinator)
    assert client_for(municipal).delete(f"/api/v1/closed-days/{day.pk}/").status_code == 403
    assert client_for(other_coordinator).delete(f"/api/v1/closed-days/{day.pk}/").status_code == 404


def test_the_closed_days_and_the_working_calendar_are_in_the_schema(coordinator):
    schema = client_for(coordinator).get("/api/schema/", {"format": "json"}).json()
    assert {"get", "post"} <= set(schema["paths"]["/api/v1/closed-days/"])
    assert "delete" in schema["paths"]["/api/v1/closed-days/{id}/"]
    assert "get" in schema["paths"]["/api/v1/calendar/"]


def test_the_closed_days_list_costs_the_same_queries_for_2_rows_as_for_12(coordinator, municipal):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def add(first: int, count: int) -> None:
        for day in range(first, first + count):  # weekdays of June 2027 that are not holidays
            ClosedDay.objects.create(date=dt.date(2027, 6, day), label=f"閉庁日{day}", created_by=coordinator,
                                     **({"prefecture_id": "20"} if day % 2 else {"municipality_id": "202011"}))

    api = client_for(coordinator)
    add(1, 2)
    with CaptureQueriesContext(connection) as few:
        assert len(api.get("/api/v1/closed-days/").json()["results"]) == 2
    add(3, 10)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/api/v1/closed-days/").json()["results"]) == 12
    assert len(many.captured_queries) == len(few.captured_queries)
