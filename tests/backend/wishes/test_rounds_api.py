"""The API of second rounds and of commitments elsewhere: who may read and write them."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.core.errors import ConflictError
from backend.runs.models import MatchRun
from backend.wishes.rounds import round_publish
from tests.backend.conftest import client_for
from tests.backend.factories import NeedFactory


def test_rounds_are_published_closed_and_run_by_their_coordinator_only(coordinator, other_coordinator, municipal,
                                                                     expert_user):
    need = NeedFactory(fiscal_year=timezone.localdate().year)
    deadline = (timezone.localdate() + dt.timedelta(days=10)).isoformat()
    assert client_for(municipal).post("/api/v1/rounds/", {"fiscal_year": need.fiscal_year, "deadline": deadline},
                                      format="json").status_code == 403
    past = client_for(coordinator).post("/api/v1/rounds/", {"fiscal_year": need.fiscal_year, "deadline": "2000-01-01"},
                                        format="json")
    assert past.status_code == 400 and past.json()["errors"][0]["field"] == "deadline"
    made = client_for(coordinator).post("/api/v1/rounds/", {"fiscal_year": need.fiscal_year, "deadline": deadline},
                                        format="json")
    assert made.status_code == 201, made.content
    body = made.json()
    assert [n["id"] for n in body["needs"]] == [need.pk] and body["needs"][0]["interested_experts"] == 0
    pk = body["id"]
    for user in (other_coordinator, expert_user):
        assert client_for(user).get(f"/api/v1/rounds/{pk}/").status_code == 404
        assert client_for(user).post(f"/api/v1/rounds/{pk}/close/").status_code == 404
    ran = client_for(coordinator).post(f"/api/v1/rounds/{pk}/run/")
    assert ran.status_code == 201 and ran.json()["kind"] == "second_round" and ran.json()["round"] == pk
    assert MatchRun.objects.get(pk=ran.json()["id"]).round_id == pk
    assert client_for(coordinator).post(f"/api/v1/rounds/{pk}/close/").json()["open"] is False


def test_commitments_are_written_by_the_expert_and_read_by_the_coordinator(coordinator, other_coordinator,
                                                                           expert_user, other_expert_user):
    body = {"fiscal_year": 2027, "kind": "employer", "days_per_year": 20, "weekdays": ["fri"], "note": "本業"}
    assert client_for(coordinator).post("/api/v1/commitments/", body, format="json").status_code == 403
    made = client_for(expert_user).post("/api/v1/commitments/", body, format="json")
    assert made.status_code == 201, made.content
    pk = made.json()["id"]
    assert client_for(coordinator).get(f"/api/v1/commitments/{pk}/").json()["days_per_year"] == 20
    assert client_for(coordinator).patch(f"/api/v1/commitments/{pk}/", {"days_per_year": 5},
                                         format="json").status_code == 403
    for user in (other_coordinator, other_expert_user):
        assert client_for(user).get(f"/api/v1/commitments/{pk}/").status_code == 404
    too_many = client_for(expert_user).patch(f"/api/v1/commitments/{pk}/", {"days_per_year": 200}, format="json")
    assert too_many.status_code == 400 and too_many.json()["errors"][0]["field"] == "days_per_year"
    assert client_for(expert_user).delete(f"/api/v1/commitments/{pk}/").status_code == 204


def test_publishing_needs_a_need_left_unfilled(coordinator):
    with pytest.raises(ConflictError):
        round_publish(actor=coordinator, prefecture="20", fiscal_year=2027, deadline=dt.date(2999, 1, 1))
