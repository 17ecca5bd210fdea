"""A run's proposals through the API at national scale (issue 26, step 3): paged in the database, filtered by the
need's prefecture and municipality, a filter value no place can have refused by name."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.accounts.models import UserRole
from tests.backend.conftest import client_for
from tests.backend.factories import (
    CoordinatorFactory,
    MatchRunFactory,
    NeedFactory,
    ProposalFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

PLACES = {"202011": 3, "202029": 2, "192015": 1}  # 長野市, 松本市 (長野県), 甲府市 (山梨県)


@pytest.fixture
def joint_run():
    run = MatchRunFactory(scope=["19", "20"])
    for code, count in PLACES.items():
        for _ in range(count):
            ProposalFactory(run=run, need=NeedFactory(municipality_id=code))
    return run


def _municipalities(user, run, **params) -> list[str]:
    response = client_for(user).get(f"/api/v1/runs/{run.pk}/proposals/", params)
    assert response.status_code == 200
    return [p["municipality"] for p in response.json()["results"]]


def test_a_runs_proposals_filter_by_municipality_and_by_prefecture(joint_run):
    admin = UserFactory(role=UserRole.ADMIN)
    assert _municipalities(admin, joint_run, municipality="202029") == ["202029", "202029"]
    assert _municipalities(admin, joint_run, prefecture="19") == ["192015"]
    assert len(_municipalities(admin, joint_run)) == 6
    # A coordinator reads their own part only, whatever the filter asks.
    coordinator = CoordinatorFactory(prefecture_id="20")
    assert _municipalities(coordinator, joint_run, prefecture="19") == []
    assert sorted(set(_municipalities(coordinator, joint_run))) == ["202011", "202029"]


@pytest.mark.parametrize(("field", "value"), [("municipality", "202012"), ("municipality", "長野市"),
                                               ("prefecture", "48"), ("prefecture", "長野県")])
def test_a_place_no_municipality_or_prefecture_can_have_is_a_400_naming_the_filter(joint_run, field, value):
    response = client_for(UserFactory(role=UserRole.ADMIN)).get(f"/api/v1/runs/{joint_run.pk}/proposals/",
                                                               {field: value})
    assert response.status_code == 400
    (error,) = response.json()["errors"]
    assert (error["field"], error["code"]) == (field, "invalid_filter")


def test_another_prefectures_coordinator_finds_no_run(joint_run):
    response = client_for(CoordinatorFactory(prefecture_id="13")).get(
        f"/api/v1/runs/{joint_run.pk}/proposals/", {"prefecture": "20"})
    assert response.status_code == 404


def test_the_run_proposals_are_paged_in_the_database_not_loaded_whole(joint_run):
    with CaptureQueriesContext(connection) as queries:
        response = client_for(UserFactory(role=UserRole.ADMIN)).get(f"/api/v1/runs/{joint_run.pk}/proposals/")
    assert response.status_code == 200 and response.json()["count"] == 6
    rows = [q["sql"] for q in queries.captured_queries
            if q["sql"].startswith('SELECT "runs_proposal"."id"')]
    assert rows and all(" LIMIT " in sql for sql in rows)


def test_the_proposal_list_filters_by_place_too():
    run = MatchRunFactory()
    ProposalFactory(run=run, need=NeedFactory(municipality_id="202029"))
    ProposalFactory(run=run)
    response = client_for(CoordinatorFactory(prefecture_id="20")).get("/api/v1/proposals/", {"municipality": "202029"})
    assert [p["municipality"] for p in response.json()["results"]] == ["202029"]
