"""Property-based fuzzing of every operation in our own OpenAPI schema: never a 5xx."""

import pytest
import schemathesis
from django.core import signals
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from knox.models import AuthToken

from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
)

schema = schemathesis.openapi.from_wsgi("/api/schema/", get_wsgi_application())


@pytest.fixture
def keep_test_connection():
    """A WSGI request closes the database connection when it ends; the test transaction needs it open
    (Django's own test client disconnects the same handlers)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, keep_test_connection):
    AffiliationFactory()
    NeedFactory(municipality_id="202011")
    ProcurementFactory(municipality_id="202011")
    users = [CoordinatorFactory(prefecture_id="20"), MunicipalStaffFactory(municipality_id="202011")]
    return [AuthToken.objects.create(user=u)[1] for u in users]


@schema.parametrize()
@settings(max_examples=12, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow,
                                 HealthCheck.filter_too_much])
def test_api_never_answers_with_a_server_error(case, tokens):
    for token in tokens:
        response = case.call(headers={"Authorization": f"Token {token}"})
        assert response.status_code < 500, f"{case.method} {case.formatted_path}: {response.status_code}"
