"""A budget typed in 万円 as a clerk types it (issue 21): 「1,200」 is 1,200万円, 「240.5」 is 240.5万円 (the budget
is kept in yen, so it holds it), and the saved message says what was read; what is not a number of 万円 is refused
next to the field saying the unit, and a number too large for any amount (inf, 1e308) is refused, not a 500."""

import pytest

from backend.needs.models import Need
from tests.backend.factories import MunicipalStaffFactory

pytestmark = pytest.mark.django_db

NEED = {"fiscal_year": "2027", "role": "cio_adviser", "title": "CIO補佐官", "pattern": "weekly", "pattern_days": "1",
        "weekdays": ["mon", "tue"], "employment_forms": ["special_part_time"], "req_security": "2", "priority": "3"}


def _post(client, budget: str, *, follow=False):
    client.force_login(MunicipalStaffFactory(municipality_id="202011"))
    return client.post("/needs/new/", {**NEED, "budget_man": budget}, follow=follow)


@pytest.mark.parametrize(("typed", "yen", "said"), [
    ("1,200", 12_000_000, "「1,200」を12,000,000円（1,200万円）"),
    ("240.5", 2_405_000, "「240.5」を2,405,000円（240.5万円）"),
    ("１２００", 12_000_000, "「１２００」を12,000,000円（1,200万円）"),
])
def test_a_budget_typed_with_a_comma_a_decimal_or_wide_digits_is_read_as_meant_and_said(client, typed, yen, said):
    response = _post(client, typed, follow=True)
    assert response.status_code == 200
    assert Need.objects.get().budget == yen
    assert said in response.content.decode()


def test_a_plain_budget_is_saved_without_a_word_on_how_it_was_read(client):
    response = _post(client, "240", follow=True)
    assert Need.objects.get().budget == 2_400_000
    assert "読み取りました" not in response.content.decode()


@pytest.mark.parametrize("typed", ["inf", "1e308", "nan", "240.123456", "二百万", "1,2,0,0.5.5"])
def test_a_budget_that_is_no_number_of_man_yen_is_refused_saying_the_unit(client, typed):
    response = _post(client, typed)
    assert response.status_code == 400
    html = response.content.decode()
    assert "万円" in html and "予算は万円単位の数で入力してください" in html
    assert not Need.objects.exists()


def test_an_approval_fee_that_is_no_number_of_man_yen_is_refused_saying_the_unit(client):
    from backend.engagements.models import Engagement
    from tests.backend.factories import CoordinatorFactory, NeedFactory, ProposalFactory

    proposal = ProposalFactory(need=NeedFactory(municipality_id="202011"))
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    response = client.post(f"/proposals/{proposal.pk}/approve/", {"confirmed": "1", "fee_man": "inf"})
    assert response.status_code == 400  # a 500 before: round(inf * 10,000)
    assert "報酬は万円単位の数で入力してください" in response.content.decode()
    assert not Engagement.objects.exists()
