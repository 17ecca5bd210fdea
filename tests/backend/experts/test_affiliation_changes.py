"""Affiliation changes are asked by the expert and reviewed by the coordinator (issue 11, item 10).

Found by a new user: an expert could delete their own vendor affiliation, which silently removed restrictions.
"""

import datetime as dt

import pytest
from django.utils import timezone

from backend.core.audit import AuditAction
from backend.core.errors import ForbiddenError
from backend.core.models import AuditLog
from backend.engagements.models import Engagement
from backend.experts.models import Affiliation, AffiliationChange
from backend.restrictions.models import BidRestriction
from backend.restrictions.services import restrictions_record_for_engagement
from tests.backend.conftest import client_for
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    NeedFactory,
    VendorFactory,
)


@pytest.fixture
def serving():
    """An expert employed by a vendor, serving 長野市 now (the register holds the restriction)."""
    expert = ExpertFactory(registering_prefecture_id="20")
    affiliation = AffiliationFactory(expert=expert, relation="employee")
    today = timezone.localdate()
    engagement = Engagement.objects.create(
        expert=expert, municipality_id="202011", need=NeedFactory(municipality_id="202011", status="filled"),
        fiscal_year=2026, starts_on=today - dt.timedelta(days=30), ends_on=today + dt.timedelta(days=120),
        weekdays=["mon"], days_per_year=48, fee=2_400_000, employment_form="special_part_time", status="active",
        pledge_signed_at=timezone.now())
    restrictions_record_for_engagement(actor=None, engagement=engagement)
    return expert, affiliation.vendor, ExpertUserFactory(expert=expert)


def test_an_experts_request_to_end_an_affiliation_changes_nothing_until_accepted(serving):
    expert, vendor, user = serving
    response = client_for(user).post(f"/api/v1/experts/{expert.pk}/affiliation-changes/", {
        "kind": "end", "vendor": vendor.pk, "ended_on": timezone.localdate().isoformat(), "note": "退職しました"},
        format="json")
    assert response.status_code == 201, response.content
    assert Affiliation.objects.get(expert=expert).relation == "employee"
    coordinator = client_for(CoordinatorFactory(prefecture_id="20"))
    (pending,) = coordinator.get("/api/v1/affiliation-changes/?status=pending").json()["results"]
    assert pending["vendor_name"] == vendor.name and pending["kind"] == "end"
    assert coordinator.post(f"/api/v1/affiliation-changes/{pending['id']}/accept/", {}, format="json").status_code == 200
    assert Affiliation.objects.get(expert=expert).relation == "former_employee"
    # the restriction in force stays
    assert BidRestriction.objects.filter(expert=expert, vendor=vendor).count() == 1


def test_an_added_affiliation_restricts_from_today_once_accepted(serving):
    expert, _vendor, user = serving
    new_vendor = VendorFactory(name="新しい勤務先株式会社")
    client_for(user).post(f"/api/v1/experts/{expert.pk}/affiliation-changes/",
                          {"kind": "add", "vendor": new_vendor.pk, "relation": "side_job"}, format="json")
    change = AffiliationChange.objects.get()
    client_for(CoordinatorFactory(prefecture_id="20")).post(f"/api/v1/affiliation-changes/{change.pk}/accept/",
                                                            {}, format="json")
    row = BidRestriction.objects.get(vendor=new_vendor)
    assert row.starts_on == timezone.localdate()


def test_only_the_experts_prefecture_decides_and_a_decline_keeps_everything(serving):
    expert, vendor, user = serving
    client_for(user).post(f"/api/v1/experts/{expert.pk}/affiliation-changes/", {
        "kind": "end", "vendor": vendor.pk, "ended_on": "2026-10-01"}, format="json")
    change = AffiliationChange.objects.get()
    other = client_for(CoordinatorFactory(prefecture_id="19"))
    assert other.post(f"/api/v1/affiliation-changes/{change.pk}/accept/", {}, format="json").status_code == 404
    declined = client_for(CoordinatorFactory(prefecture_id="20")).post(
        f"/api/v1/affiliation-changes/{change.pk}/decline/", {"reason": "在籍証明の提出をお願いします"}, format="json")
    assert declined.json()["status"] == "declined"
    assert Affiliation.objects.get(expert=expert).relation == "employee"


def test_an_expert_cannot_ask_for_another_expert(serving):
    from backend.experts.services import affiliation_change_request

    expert, vendor, _user = serving
    with pytest.raises(ForbiddenError):
        affiliation_change_request(actor=ExpertUserFactory(expert=ExpertFactory()), expert=expert, kind="add",
                                   vendor=vendor, relation="side_job")


def test_the_pages_for_the_expert_and_the_coordinator(client, serving):
    expert, vendor, user = serving
    client.force_login(user)
    sent = client.post("/me/affiliations/", {"kind": "end", "vendor": vendor.pk, "ended_on": "2026-10-01"},
                       follow=True).content.decode()
    assert "所属の変更を申請しました" in sent
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    page = client.get("/affiliation-changes/").content.decode()
    assert expert.name in page and vendor.name in page
    change = AffiliationChange.objects.get()
    done = client.post(f"/affiliation-changes/{change.pk}/decide/", {"decision": "accept"}, follow=True)
    assert "記録済みの入札参加制限はそのまま残ります" in done.content.decode()


def test_a_declined_request_is_audited_as_a_decline_from_pending(serving):
    """Issue 22: the decline was written as a free string with no state before it; it is its own move."""
    expert, vendor, user = serving
    client_for(user).post(f"/api/v1/experts/{expert.pk}/affiliation-changes/",
                          {"kind": "add", "vendor": VendorFactory().pk, "relation": "side_job"}, format="json")
    change = AffiliationChange.objects.get()
    coordinator = CoordinatorFactory(prefecture_id="20")

    client_for(coordinator).post(f"/api/v1/affiliation-changes/{change.pk}/decline/",
                                 {"reason": "在籍証明の提出をお願いします"}, format="json")

    row = AuditLog.objects.get(object_type="AffiliationChange", object_id=str(change.pk),
                               action=AuditAction.AFFILIATION_DECLINE)
    assert (row.actor_id, row.before, row.after) == (
        coordinator.pk, {"status": "pending"}, {"reason": "在籍証明の提出をお願いします", "status": "declined"})
    assert not AuditLog.objects.filter(action=AuditAction.AFFILIATION_ACCEPT).exists()
