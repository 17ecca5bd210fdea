"""The offered fee (提示報酬), on-site days and the coordinator's priority adjustment of a need."""

from decimal import Decimal

import pytest

from backend.core.errors import DomainError, ForbiddenError
from backend.core.models import AuditLog
from backend.needs.services import need_adjust_priority, need_submit, need_update
from backend.needs.terms import yearly_fee
from backend.placement.instance import instance_build
from tests.backend.conftest import client_for
from tests.backend.factories import NeedFactory

BASE = {"fiscal_year": 2027, "role": "cio_adviser", "pattern": "weekly", "pattern_days": 1,
        "weekdays": ["mon", "tue"], "budget": 3_000_000, "employment_forms": ["special_part_time"]}


@pytest.mark.parametrize(("basis", "amount", "hours", "expected"), [
    ("annual", 2_400_000, None, 2_400_000),
    ("monthly", 200_000, None, 2_400_000),
    ("daily", 50_000, None, 2_400_000),
    ("hourly", 6_250, Decimal("7.5"), 2_250_000),
    ("", None, None, None),
])
def test_an_offer_is_converted_to_a_year(basis, amount, hours, expected):
    assert yearly_fee(basis=basis, amount=amount, days_per_year=48, hours_per_day=hours) == expected


def _problems(excinfo) -> set[tuple[str, str]]:
    return {(p.field, p.code) for p in excinfo.value.problems}


def test_the_service_stores_the_yearly_offer_and_follows_the_days(municipal):
    need = need_submit(actor=municipal, data={**BASE, "fee_basis": "daily", "fee_amount": 30_000})
    assert need.offered_fee == 30_000 * 48
    need = need_update(actor=municipal, need=need, data={"pattern_days": 2})
    assert need.offered_fee == 30_000 * 96


@pytest.mark.parametrize(("data", "refusal"), [
    ({"fee_basis": "annual", "fee_amount": 3_000_001}, ("fee_amount", "over_budget")),
    ({"fee_amount": 2_000_000}, ("fee_basis", "required")),
    ({"fee_basis": "monthly"}, ("fee_amount", "required")),
    ({"fee_basis": "hourly", "fee_amount": 5_000}, ("fee_hours_per_day", "required")),
    ({"onsite_days": 10}, ("onsite_days", "not_onsite")),
    ({"onsite_required": True, "onsite_days": 49}, ("onsite_days", "more_than_days")),
])
def test_the_service_refuses_what_the_engine_would_reject_naming_the_field(municipal, data, refusal):
    with pytest.raises(DomainError) as excinfo:
        need_submit(actor=municipal, data={**BASE, **data})
    assert refusal in _problems(excinfo)
    assert all(p.ja and p.en and p.ja != p.en for p in excinfo.value.problems)


def test_on_site_work_without_days_is_every_working_day_and_follows_the_pattern(municipal):
    need = need_submit(actor=municipal, data={**BASE, "onsite_required": True})
    assert need.onsite_days == 48
    assert need_update(actor=municipal, need=need, data={"pattern_days": 2}).onsite_days == 96
    need = need_update(actor=municipal, need=need, data={"onsite_days": 20})
    assert need_update(actor=municipal, need=need, data={"onsite_required": False}).onsite_days == 0


def test_the_api_derives_the_offered_fee_and_refuses_setting_it(municipal):
    client = client_for(municipal)
    created = client.post("/api/v1/needs/", {**BASE, "fee_basis": "monthly", "fee_amount": 200_000}, format="json")
    assert created.status_code == 201, created.content
    assert created.json()["offered_fee"] == 2_400_000
    refused = client.patch(f"/api/v1/needs/{created.json()['id']}/", {"offered_fee": 1}, format="json")
    assert refused.status_code == 400 and refused.json()["errors"][0]["field"] == "offered_fee"
    over = client.patch(f"/api/v1/needs/{created.json()['id']}/", {"budget": 2_000_000}, format="json")
    assert over.status_code == 400 and over.json()["errors"][0]["field"] == "fee_amount"
    listed = client.get("/api/v1/needs/").json()["results"][0]
    assert listed["offered_fee"] == 2_400_000 and listed["fee_basis"] == "monthly"


def test_a_coordinator_adjusts_the_priority_with_a_reason_and_the_engine_uses_it(coordinator):
    need = NeedFactory(priority=2)
    with pytest.raises(DomainError) as excinfo:
        need_adjust_priority(actor=coordinator, need=need, adjusted_priority=5, reason=" ")
    assert ("priority_reason", "required") in _problems(excinfo)
    need = need_adjust_priority(actor=coordinator, need=need, adjusted_priority=5, reason="3年間応募なし")
    assert (need.priority, need.adjusted_priority) == (2, 5)
    assert AuditLog.objects.filter(action="need.adjust_priority", object_id=str(need.pk)).exists()
    (doc,) = instance_build(prefecture_codes=["20"], fiscal_year=2027)["needs"]
    assert doc["priority"] == 5
    need_adjust_priority(actor=coordinator, need=need, adjusted_priority=None, reason="")
    (doc,) = instance_build(prefecture_codes=["20"], fiscal_year=2027)["needs"]
    assert doc["priority"] == 2


def test_municipal_staff_cannot_adjust_the_priority(municipal):
    need = NeedFactory()
    with pytest.raises(ForbiddenError):
        need_adjust_priority(actor=municipal, need=need, adjusted_priority=5, reason="うちが先")
    client = client_for(municipal)
    response = client.post(f"/api/v1/needs/{need.pk}/adjust-priority/",
                           {"adjusted_priority": 5, "priority_reason": "うちが先"}, format="json")
    assert response.status_code == 403
    patched = client.patch(f"/api/v1/needs/{need.pk}/", {"adjusted_priority": 5}, format="json")
    assert patched.status_code == 400
    need.refresh_from_db()
    assert need.adjusted_priority is None


def test_the_adjustment_api_scopes_by_prefecture(coordinator, other_coordinator):
    need = NeedFactory()
    body = {"adjusted_priority": 4, "priority_reason": "未充足が続いている"}
    assert client_for(other_coordinator).post(f"/api/v1/needs/{need.pk}/adjust-priority/", body,
                                              format="json").status_code == 404
    response = client_for(coordinator).post(f"/api/v1/needs/{need.pk}/adjust-priority/", body, format="json")
    assert response.status_code == 200 and response.json()["adjusted_priority"] == 4
    assert response.json()["priority_reason"] == "未充足が続いている"
