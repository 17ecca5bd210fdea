"""Queueing, refusing, cancelling and reaping runs (no solver needed)."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.core.models import AuditLog
from backend.runs.models import MatchRun
from backend.runs.services import runs_reap_stale
from tests.backend.conftest import client_for


def _start(user, **body):
    return client_for(user).post("/api/v1/runs/", {"fiscal_year": 2027, **body}, format="json")


def test_a_second_run_for_a_running_scope_is_refused_with_a_clear_message(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        assert _start(coordinator).status_code == 201
        refused = _start(coordinator)
    assert refused.status_code == 409
    (error,) = refused.json()["errors"]
    assert "already queued or running" in error["en"] and "実行中" in error["ja"]
    assert MatchRun.objects.count() == 1


def test_a_regional_pool_must_include_the_coordinators_prefecture(coordinator):
    response = _start(coordinator, scope=["19", "10"])
    assert response.status_code == 403  # another prefecture's match: refused, not an input error (issue 22)
    assert response.json()["errors"][0]["field"] == "scope"


@pytest.mark.parametrize("role", ["municipal", "expert_user"])
def test_only_coordinators_start_runs(request, role):
    assert _start(request.getfixturevalue(role)).status_code == 403


def test_a_queued_run_can_be_cancelled_then_retried(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run_id = _start(coordinator).json()["id"]
        client = client_for(coordinator)
        assert client.post(f"/api/v1/runs/{run_id}/cancel/").json()["status"] == "cancelled"
        retry = client.post(f"/api/v1/runs/{run_id}/retry/")
    assert retry.status_code == 201
    assert retry.json()["retry_of"] == run_id and retry.json()["status"] == "queued"


def test_a_run_without_heartbeat_is_marked_failed_and_can_be_retried(coordinator, django_capture_on_commit_callbacks):
    old = timezone.now() - dt.timedelta(minutes=10)
    run = MatchRun.objects.create(prefecture_id="20", scope=["20"], scope_key="20/2027", fiscal_year=2027,
                                  status="running", started_at=old, heartbeat_at=old)
    assert runs_reap_stale() == [run.pk]
    run.refresh_from_db()
    assert run.status == "failed" and "最後まで実行できませんでした" in run.error  # in words (issue 21), was English
    assert AuditLog.objects.filter(action="run.stale", object_id=str(run.pk)).exists()
    with django_capture_on_commit_callbacks(execute=False):
        assert client_for(coordinator).post(f"/api/v1/runs/{run.pk}/retry/").status_code == 201


def test_a_fresh_heartbeat_is_left_alone(db):
    now = timezone.now()
    MatchRun.objects.create(prefecture_id="20", scope=["20"], scope_key="20/2027", fiscal_year=2027,
                            status="running", started_at=now, heartbeat_at=now)
    assert runs_reap_stale() == []


def test_runs_of_another_prefecture_are_invisible(coordinator, other_coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        run_id = _start(coordinator).json()["id"]
    assert client_for(other_coordinator).get(f"/api/v1/runs/{run_id}/").status_code == 404
    assert client_for(other_coordinator).post(f"/api/v1/runs/{run_id}/cancel/").status_code == 404


def test_audit_log_is_readable_by_coordinators_of_that_prefecture_only(coordinator, other_coordinator, municipal):
    from tests.backend.factories import NeedFactory

    need = NeedFactory(municipality_id="202011")
    client_for(municipal).patch(f"/api/v1/needs/{need.pk}/", {"priority": 5}, format="json")
    own = client_for(coordinator).get("/api/v1/audit-log/?object_type=Need").json()["results"]
    assert own and own[0]["action"] == "need.update"
    assert own[0]["before"]["priority"] == 3 and own[0]["after"]["priority"] == 5
    assert client_for(other_coordinator).get("/api/v1/audit-log/").json()["results"] == []
    assert client_for(municipal).get("/api/v1/audit-log/").json()["results"] == []


def test_stages_are_kept_in_the_engines_order_and_unknown_ones_are_named(coordinator,
                                                                             django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        bad = _start(coordinator, stages=["fee", "speed"])
        assert bad.status_code == 400
        assert bad.json()["errors"][0]["field"].startswith("stages")
        assert MatchRun.objects.count() == 0
        ok = _start(coordinator, stages=["travel", "fee"])
    assert ok.status_code == 201
    assert MatchRun.objects.get().params["stages"] == ["fee", "travel"]


def test_a_queued_run_whose_task_was_lost_is_failed_and_frees_its_scope(coordinator, django_capture_on_commit_callbacks):
    old = timezone.now() - dt.timedelta(minutes=10)
    lost = MatchRun.objects.create(prefecture_id="20", scope=["20"], scope_key="20/2027", fiscal_year=2027,
                                   status="queued", task_id="00000000-0000-0000-0000-000000000000")
    MatchRun.objects.filter(pk=lost.pk).update(created_at=old)
    assert runs_reap_stale() == [lost.pk]
    lost.refresh_from_db()
    assert lost.status == "failed" and "最後まで実行できませんでした" in lost.error  # in words (issue 21)
    with django_capture_on_commit_callbacks(execute=False):
        assert _start(coordinator).status_code == 201  # the scope is free again


def test_a_queued_run_still_waiting_for_a_worker_is_left_alone(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        run_id = _start(coordinator).json()["id"]
    MatchRun.objects.filter(pk=run_id).update(created_at=timezone.now() - dt.timedelta(minutes=10))
    assert runs_reap_stale() == []
    assert MatchRun.objects.get(pk=run_id).status == "queued"
