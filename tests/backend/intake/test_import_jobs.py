"""An import too big for one request runs in the worker (issue 26, step 4): the upload answers 202 with a job, the
worker imports it all or nothing with the same services and audit, and the job (status, rows done, what it
created or the errors by row and column) is its prefecture's coordinators' to see."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.utils import timezone

from backend.core.models import AuditLog
from backend.core.spreadsheet import csv_bytes
from backend.intake.execution import import_job_run, import_jobs_fail_stale
from backend.intake.imports import SPECS
from backend.intake.models import ImportJob
from backend.needs.models import Need
from tests.backend.conftest import client_for

HEADER = [c.header for c in SPECS["needs"]().columns]


def _csv(budgets: list[str]) -> SimpleUploadedFile:
    rows = [{"市区町村": "長野市", "年度": "2027", "役割": "CIO補佐官", "勤務パターン": "週", "日数": "1", "勤務可能曜日": "月火",
             "年間予算(万円)": budget, "任用形態": "業務委託"} for budget in budgets]
    return SimpleUploadedFile("ニーズ.csv", csv_bytes(header=HEADER, rows=[[r.get(h, "") for h in HEADER]
                                                                          for r in rows]))


def _upload(client, budgets, capture) -> dict:
    with capture(execute=False) as queued:
        response = client.post("/api/v1/import/needs/", {"file": _csv(budgets)}, format="multipart")
    assert response.status_code == 202, response.content
    assert len(queued) == 1  # the worker's task, queued when the upload commits
    return response.json()


@override_settings(KENMU_IMPORT_BACKGROUND_ROWS=2)
def test_a_file_over_the_threshold_is_imported_by_the_worker_and_followed_through_its_job(
        coordinator, django_capture_on_commit_callbacks):
    client = client_for(coordinator)
    job = _upload(client, ["240", "300", "120"], django_capture_on_commit_callbacks)
    assert (job["status"], job["rows_total"], job["rows_done"], job["created"]) == ("queued", 3, 0, 0)
    assert not Need.objects.exists()

    status = import_job_run(job_id=job["id"])
    assert status == "succeeded", ImportJob.objects.get(pk=job["id"]).errors

    done = client.get(f"/api/v1/import/jobs/{job['id']}/").json()
    assert (done["status"], done["rows_done"], done["created"], done["errors"]) == ("succeeded", 3, 3, [])
    assert sorted(done["ids"]) == sorted(Need.objects.values_list("pk", flat=True))
    assert list(AuditLog.objects.filter(object_type="ImportJob").order_by("id").values_list("action", flat=True)) == [
        "import_job.enqueue", "import_job.start", "import_job.succeed"]
    assert AuditLog.objects.filter(action="need.submit", actor=coordinator).count() == 3
    assert ImportJob.objects.get(pk=job["id"]).rows == []  # the rows are not kept once imported


@override_settings(KENMU_IMPORT_BACKGROUND_ROWS=2)
def test_a_bad_last_row_fails_the_job_with_its_row_and_column_and_stores_nothing(
        coordinator, django_capture_on_commit_callbacks):
    client = client_for(coordinator)
    job = _upload(client, ["240", "300", "-5"], django_capture_on_commit_callbacks)

    assert import_job_run(job_id=job["id"]) == "failed"

    failed = client.get(f"/api/v1/import/jobs/{job['id']}/").json()
    assert failed["status"] == "failed" and failed["created"] == 0
    assert [(e["row"], e["column"]) for e in failed["errors"]] == [(4, "年間予算(万円)")]
    assert all(e["ja"] and e["en"] for e in failed["errors"])
    assert not Need.objects.exists()
    assert not AuditLog.objects.filter(action="need.submit").exists()


@pytest.mark.parametrize("role", ["other_coordinator", "municipal", "expert_user"])
@override_settings(KENMU_IMPORT_BACKGROUND_ROWS=2)
def test_a_job_is_not_found_outside_its_prefecture(request, role, coordinator, django_capture_on_commit_callbacks):
    job = _upload(client_for(coordinator), ["240", "300", "120"], django_capture_on_commit_callbacks)

    response = client_for(request.getfixturevalue(role)).get(f"/api/v1/import/jobs/{job['id']}/")

    assert response.status_code == 404


@override_settings(KENMU_IMPORT_BACKGROUND_ROWS=2)
def test_the_page_follows_a_job_until_it_ends(coordinator, client, django_capture_on_commit_callbacks):
    client.force_login(coordinator)
    with django_capture_on_commit_callbacks(execute=False):
        response = client.post("/import/", {"kind": "needs", "file": _csv(["240", "300", "-5"])})
    job = ImportJob.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/import/jobs/{job.pk}/"
    waiting = client.get(response["Location"]).content.decode()
    assert "hx-get" in waiting and "検証した行 0 ／ 3 行" in waiting

    import_job_run(job_id=job.pk)

    ended = client.get(f"/import/jobs/{job.pk}/progress/", headers={"HX-Request": "true"})
    assert ended["HX-Refresh"] == "true"
    page = client.get(f"/import/jobs/{job.pk}/").content.decode()
    assert "hx-get" not in page and "登録しませんでした" in page and "年間予算(万円)" in page


def test_a_job_whose_worker_died_ends_failed_saying_so(coordinator):
    job = ImportJob.objects.create(kind="needs", file_name="ニーズ.csv", actor=coordinator, prefecture_id="20",
                                   status="running", rows_total=600, started_at=timezone.now())
    assert import_jobs_fail_stale() == []

    assert import_jobs_fail_stale(now=timezone.now() + dt.timedelta(hours=1)) == [job.pk]
    job.refresh_from_db()
    assert job.status == "failed" and job.errors[0]["code"] == "timeout" and "ワーカー" in job.errors[0]["ja"]


@override_settings(KENMU_IMPORT_BACKGROUND_ROWS=2)
def test_a_big_file_of_the_wrong_kind_is_refused_at_upload_before_any_job(coordinator):
    """Seen on the quick start: a needs file sent as experts waited for the worker, then failed on its header."""
    response = client_for(coordinator).post("/api/v1/import/experts/", {"file": _csv(["240", "300", "120"])},
                                            format="multipart")
    assert response.status_code == 400
    assert "氏名" in response.content.decode()
    assert not ImportJob.objects.exists()
