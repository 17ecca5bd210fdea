"""An API list opened in a browser (Accept: text/html) answers JSON, not a 500 (issue 21: 15 of 23 lists
answered 500 because the browsable API's filter form template was missing)."""

import pytest

from tests.backend.conftest import client_for

LISTS = ["prefectures", "invitations", "users", "municipalities", "experts", "affiliation-changes", "applications",
         "vendors", "procurements", "needs", "renewals", "runs", "scope-consents", "exceptions", "proposals",
         "decisions", "engagements", "replacements", "audit-log", "notifications", "restrictions"]


@pytest.mark.parametrize("name", LISTS)
def test_an_api_list_opened_in_a_browser_answers_json(coordinator, name):
    response = client_for(coordinator).get(f"/api/v1/{name}/", HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    assert response.status_code < 500
    assert response["Content-Type"].startswith("application/json")
