"""The main pages cost the same number of queries for a few rows as for many (no N+1), and the dashboard's
cached figures are shared only by users of the same scope, in the language they were rendered in."""

import datetime as dt

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.engagements.models import Engagement
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MatchRunFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db

FISCAL_YEAR = 2027


@pytest.fixture(autouse=True)
def no_cached_figures():
    """Each request below computes the dashboard's figures, as the first one after they expire does."""
    cache.clear()
    yield
    cache.clear()


def _grow(count: int, *, expert) -> None:
    """`count` more of every kind of row the pages show, in 長野市 and for `expert` too."""
    for index in range(count):
        colleague = ExpertFactory(registering_prefecture_id="20", skill_levels={"security": 3, "bpr": 1})
        AffiliationFactory(expert=colleague)
        offered, proposed = NeedFactory(municipality_id="202011"), NeedFactory(municipality_id="202011")
        for need, who in ((offered, colleague), (NeedFactory(municipality_id="202011"), expert)):
            Engagement.objects.create(
                expert=who, municipality_id="202011", need=need, fiscal_year=FISCAL_YEAR,
                starts_on=dt.date(FISCAL_YEAR, 4, 1), ends_on=dt.date(FISCAL_YEAR + 1, 3, 31), weekdays=["mon"],
                days_per_year=48, fee=2_400_000, employment_form="special_part_time",
                status="active" if index % 2 else "offered", pledge_signed_at=timezone.now() if index % 2 else None)
        ProposalFactory(need=proposed, expert=colleague)
        MatchRunFactory()


PAGES = [
    ("coordinator", f"/dashboard/?fy={FISCAL_YEAR}"),
    ("coordinator", "/needs/"),
    ("municipal", "/needs/"),
    ("coordinator", "/experts/"),
    ("coordinator", "/engagements/"),
    ("municipal", "/engagements/"),
    ("expert", "/engagements/"),
    ("coordinator", "/runs/"),
]


@pytest.mark.parametrize(("role", "path"), PAGES)
def test_page_query_count_does_not_grow_with_rows(client, role, path):
    expert = ExpertFactory(registering_prefecture_id="20")
    users = {"coordinator": CoordinatorFactory(prefecture_id="20"),
             "municipal": MunicipalStaffFactory(municipality_id="202011"),
             "expert": ExpertUserFactory(expert=expert)}
    client.force_login(users[role])
    client.get(path)  # the first request after signing in also stamps the session

    def queries() -> int:
        cache.clear()
        with CaptureQueriesContext(connection) as context:
            assert client.get(path).status_code == 200
        return len(context.captured_queries)

    _grow(2, expert=expert)
    few = queries()
    _grow(10, expert=expert)
    many = queries()
    assert many == few, f"{role} {path}: {few} queries for a few rows, {many} for many"


def _dashboard(client, user, language="ja") -> str:
    client.force_login(user)
    client.cookies["django_language"] = language
    return client.get(f"/dashboard/?fy={FISCAL_YEAR}").content.decode()


def test_the_dashboard_reuses_its_figures_for_the_same_prefecture_and_language_only(client):
    NeedFactory(municipality_id="202011", fiscal_year=FISCAL_YEAR)  # 長野市
    NeedFactory(municipality_id="192015", fiscal_year=FISCAL_YEAR)  # 甲府市
    nagano, yamanashi = CoordinatorFactory(prefecture_id="20"), CoordinatorFactory(prefecture_id="19")
    first = _dashboard(client, nagano)
    assert "<tr><td>長野市</td>" in first and "甲府市" not in first
    NeedFactory(municipality_id="202029", fiscal_year=FISCAL_YEAR)  # 松本市, after the figures were counted
    again = _dashboard(client, CoordinatorFactory(prefecture_id="20"))
    assert "<tr><td>松本市</td>" not in again, "a coordinator of the same prefecture reuses the cached figures"
    other = _dashboard(client, yamanashi)
    assert "<tr><td>甲府市</td>" in other and "長野市" not in other, "another prefecture never sees them"
    english = _dashboard(client, nagano, "en")
    assert "Needs by status" in english and "Recorded at" in english and "ニーズの状況" not in english
    cache.clear()
    assert "<tr><td>松本市</td>" in _dashboard(client, nagano), "once they expire the figures are counted again"
