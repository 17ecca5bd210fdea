"""The run page and the run API answer without the engine (issue 22, item 6): they read the report the worker
stored when the run succeeded. Before, every view of the page called `matching.blocking_rules` over every
expert-need pair (10 s on a national run) and read the stored instance and result up to seven times."""

import inspect
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

import matching
from backend.runs.models import MatchRun
from tests.backend.conftest import client_for
from tests.backend.factories import CoordinatorFactory
from tests.backend.runs.season import small_season

pytestmark = pytest.mark.django_db


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory(prefecture_id="20")

CSRF = re.compile(r'(name="csrfmiddlewaretoken" value=|"X-CSRFToken": )"[^"]*"')
API = ("report", "unmatched", "proposals", "")


def _engine_refuses(monkeypatch) -> None:
    """Every function the web could reach through `matching` raises when called."""
    def refuse(*args, **kwargs):
        raise AssertionError("a page view called the engine")

    for name, value in vars(matching).items():
        if inspect.isfunction(value) and not name.startswith("_"):
            monkeypatch.setattr(matching, name, refuse)


def _page(client, run) -> str:
    response = client.get(f"/runs/{run.pk}/")
    assert response.status_code == 200
    return CSRF.sub("", response.content.decode())


def _api(coordinator, run) -> dict:
    answers = {}
    for name in API:
        response = client_for(coordinator).get(f"/api/v1/runs/{run.pk}/{name + '/' if name else ''}")
        assert response.status_code == 200, name
        answers[name] = response.json()
    return answers


def test_the_run_page_and_api_answer_the_same_with_the_engine_refusing(client, coordinator, monkeypatch,
                                                                        django_capture_on_commit_callbacks):
    season = small_season(coordinator, django_capture_on_commit_callbacks)
    run = season["second"]
    client.force_login(coordinator)
    page, api = _page(client, run), _api(coordinator, run)
    _engine_refuses(monkeypatch)
    assert _page(client, run) == page
    assert _api(coordinator, run) == api
    # What the page shows from the report: the expert only the conflict keeps out, the change and its reason,
    # the vendor and the planned procurement of a flag.
    unmatched = page[page.index('id="h-unmatched"'):]
    assert "利益相反だけで除外されている人材：受託 三郎" in unmatched
    changes = page[page.index('id="h-changes"'):page.index('id="h-proposals"')]
    assert "安価 一郎" in changes and "高額 二郎" in changes
    assert "基幹系更新" in page
    report = api["report"]
    assert [c["reason"] for c in report["changes"]] == ["forbidden"]
    assert [[e["name"] for e in u["conflicted"]] for u in report["unmatched"]] == [["受託 三郎"]]


def test_the_run_page_reads_neither_the_instance_nor_the_result(client, coordinator,
                                                                django_capture_on_commit_callbacks):
    run = small_season(coordinator, django_capture_on_commit_callbacks)["second"]
    client.force_login(coordinator)
    with CaptureQueriesContext(connection) as queries:
        _page(client, run)
    heavy = [q["sql"] for q in queries.captured_queries
             if '"runs_matchrun"."instance"' in q["sql"] or '"runs_matchrun"."result"' in q["sql"]]
    assert heavy == []
    reports = [q["sql"] for q in queries.captured_queries if '"runs_matchrun"."report"' in q["sql"]]
    assert len(reports) == 1


def test_a_run_from_before_reports_is_computed_once_then_read(client, coordinator, monkeypatch,
                                                              django_capture_on_commit_callbacks):
    run = small_season(coordinator, django_capture_on_commit_callbacks)["second"]
    client.force_login(coordinator)
    page = _page(client, run)
    MatchRun.objects.filter(pk=run.pk).update(report=None)
    assert _page(client, run) == page  # computed once (the engine is asked), and stored
    _engine_refuses(monkeypatch)
    assert _page(client, run) == page
