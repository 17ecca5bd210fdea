"""List endpoints cost the same number of queries for 2 rows as for 12 (no N+1)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.backend.conftest import client_for
from tests.backend.factories import AffiliationFactory, ExpertFactory, NeedFactory, ProcurementFactory


def _make(endpoint: str, count: int) -> None:
    for _ in range(count):
        if endpoint == "experts":
            AffiliationFactory(expert=ExpertFactory(home_prefecture_id="20"))
        elif endpoint == "needs":
            NeedFactory(municipality_id="202011")
        elif endpoint in ("procurements", "vendors"):
            ProcurementFactory(municipality_id="202011")


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize("endpoint", ["experts", "needs", "procurements", "vendors", "municipalities"])
def test_list_endpoint_query_count_does_not_grow_with_rows(coordinator, endpoint):
    client = client_for(coordinator)
    url = f"/api/v1/{endpoint}/"
    _make(endpoint, 2)
    few = _queries(client, url)
    _make(endpoint, 10)
    many = _queries(client, url)
    assert many == few, f"{endpoint}: {few} queries for 2 rows, {many} for 12"
