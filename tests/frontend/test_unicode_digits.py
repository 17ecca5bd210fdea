"""「²」 and other Unicode digits pass str.isdigit() but int() refuses them: every page that reads a number from
a form or the address reads them as the text they are (a 400 naming the field, or the filter ignored), not a
500 (found after the no-5xx sweep, issue 21)."""

import pytest

from backend.needs.models import Need
from tests.backend.factories import CoordinatorFactory, MunicipalStaffFactory

pytestmark = pytest.mark.django_db

NEED = {"fiscal_year": "2027", "role": "cio_adviser", "title": "CIO補佐官", "pattern": "weekly", "pattern_days": "1",
        "weekdays": ["mon", "tue"], "employment_forms": ["special_part_time"], "req_security": "2", "priority": "3",
        "budget_man": "240"}


@pytest.mark.parametrize("field", ["pattern_days", "priority", "req_security", "fiscal_year"])
def test_a_superscript_digit_in_a_need_field_is_refused_naming_the_field(client, field):
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    response = client.post("/needs/new/", {**NEED, field: "²"})
    assert response.status_code == 400
    assert 'class="error-summary"' in response.content.decode()
    assert not Need.objects.exists()


@pytest.mark.parametrize("url", ["/needs/?fy=²", "/exceptions/?expert=²", "/renewals/?fy=²", "/dashboard/?fy=²",
                                 "/costs/?fy=²"])
def test_a_superscript_digit_in_an_address_filter_is_ignored(client, url):
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    assert client.get(url).status_code == 200
