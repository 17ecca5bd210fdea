"""A national run's report read for a view (issue 26, step 3): the stored report once, and the vendors its many
details name in one query, not one per detail."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from backend.accounts.models import UserRole
from backend.runs.selectors import run_report_for
from tests.backend.factories import MatchRunFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


def test_a_reports_details_name_their_vendors_in_one_query_and_the_report_is_read_once():
    vendors = VendorFactory.create_batch(3)
    unmatched = [{"need": f"N{i}", "reason": "conflict", "prefecture": "20", "conflicted": [], "named": [],
                  "detail": f"the incumbent V{v.pk} employs every candidate", "detail_ja": f"V{v.pk} が受託中"}
                 for i, v in enumerate(vendors, start=1)]
    run = MatchRunFactory(report={"unmatched": unmatched, "changes": [], "names": {}})
    with CaptureQueriesContext(connection) as queries:
        report = run_report_for(user=UserFactory(role=UserRole.ADMIN), run=run)
    assert [u.detail_ja for u in report.unmatched] == [f"{v.name} が受託中" for v in vendors]
    sql = [q["sql"] for q in queries.captured_queries]
    assert sum('FROM "procurement_vendor"' in s for s in sql) == 1
    assert sum('"runs_matchrun"."report"' in s for s in sql) == 1
