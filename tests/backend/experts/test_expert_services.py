"""Who may write what of an expert, called on the services directly: the registering prefecture, the expert's
own record, the pledge, retirement, and the checks on an affiliation change before a coordinator sees it."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.core.errors import ConflictError, DomainError, ForbiddenError
from backend.core.models import AuditLog
from backend.experts.models import Affiliation, AffiliationChange, Expert
from backend.experts.services import (
    affiliation_change_accept,
    affiliation_change_decline,
    affiliation_change_request,
    expert_create,
    expert_deactivate,
    expert_sign_pledge,
    expert_update,
)
from backend.geo.models import Prefecture
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    UserFactory,
    VendorFactory,
)


def _codes(error: DomainError) -> list[tuple[str, str]]:
    return [(p.field, p.code) for p in error.problems]


def test_an_administrator_must_name_the_registering_prefecture():
    with pytest.raises(DomainError) as refused:
        expert_create(actor=UserFactory(), data={"name": "県 未定", "capacity_days": 48, "daily_rate": 40_000})

    assert _codes(refused.value) == [("registering_prefecture", "required")]
    assert not Expert.objects.filter(name="県 未定").exists()


def test_an_administrator_registers_in_any_prefecture_and_onsite_prefectures_are_kept():
    yamanashi, gunma = Prefecture.objects.get(code="19"), Prefecture.objects.get(code="10")

    expert = expert_create(actor=UserFactory(), data={
        "name": "甲斐 花子", "registering_prefecture": yamanashi, "capacity_days": 48, "daily_rate": 40_000,
        "onsite_prefectures": [yamanashi, gunma]})

    assert expert.registering_prefecture_id == "19"
    assert sorted(expert.onsite_prefectures.values_list("code", flat=True)) == ["10", "19"]
    assert list(expert.serves_prefectures.values_list("code", flat=True)) == ["19"]  # home by default
    assert AuditLog.objects.filter(action="expert.create", object_id=str(expert.pk), scope=["19"]).exists()


def test_a_coordinator_cannot_register_an_expert_in_another_prefecture():
    with pytest.raises(DomainError) as refused:
        expert_create(actor=CoordinatorFactory(prefecture_id="20"), data={
            "name": "越境 次郎", "registering_prefecture": Prefecture.objects.get(code="19"), "capacity_days": 48,
            "daily_rate": 40_000})

    assert _codes(refused.value) == [("registering_prefecture", "not_your_prefecture")]


def test_an_expert_cannot_change_another_experts_record():
    other = ExpertFactory(phone="026-000-0000")

    with pytest.raises(ForbiddenError):
        expert_update(actor=ExpertUserFactory(), expert=other, data={"phone": "090-1234-5678"})

    other.refresh_from_db()
    assert other.phone == "026-000-0000"


def test_only_the_expert_signs_their_pledge_and_it_is_dated_today():
    user = ExpertUserFactory(expert=ExpertFactory(pool_pledge_signed_on=None))

    with pytest.raises(ForbiddenError):
        expert_sign_pledge(actor=CoordinatorFactory(), expert=user.expert)
    with pytest.raises(ForbiddenError):
        expert_sign_pledge(actor=ExpertUserFactory(), expert=user.expert)
    assert Expert.objects.get(pk=user.expert.pk).pool_pledge_signed_on is None

    signed = expert_sign_pledge(actor=user, expert=user.expert)
    assert signed.pool_pledge_signed_on == timezone.localdate()


def test_a_retired_expert_stays_in_the_register_inactive_and_audited():
    expert = ExpertFactory()
    coordinator = CoordinatorFactory(prefecture_id="20")

    expert_deactivate(actor=coordinator, expert=expert)

    assert Expert.objects.get(pk=expert.pk).listed is False
    row = AuditLog.objects.get(action="expert.deactivate", object_id=str(expert.pk))
    assert (row.before["listed"], row.after["listed"], row.actor_id) == (True, False, coordinator.pk)


def test_a_coordinator_unlists_and_relists_an_expert_through_the_edit():
    expert = ExpertFactory(registering_prefecture_id="20")
    coordinator = CoordinatorFactory(prefecture_id="20")

    expert_update(actor=coordinator, expert=expert, data={"listed": False})
    assert Expert.objects.get(pk=expert.pk).listed is False

    expert_update(actor=coordinator, expert=expert, data={"listed": True})
    assert Expert.objects.get(pk=expert.pk).listed is True
    row = AuditLog.objects.filter(action="expert.update", object_id=str(expert.pk)).latest("pk")
    assert (row.before["listed"], row.after["listed"]) == (False, True)


@pytest.fixture
def employed():
    affiliation = AffiliationFactory(relation="employee")
    return ExpertUserFactory(expert=affiliation.expert), affiliation.vendor


@pytest.mark.parametrize(("kind", "vendor_is_theirs", "relation", "ended_on", "problem"), [
    ("end", False, "", dt.date(2027, 3, 31), ("vendor", "not_affiliated")),
    ("add", False, "", None, ("relation", "required")),
    ("end", True, "", None, ("ended_on", "required")),
])
def test_an_incomplete_affiliation_change_is_refused_before_anyone_reviews_it(
        employed, kind, vendor_is_theirs, relation, ended_on, problem):
    user, vendor = employed

    with pytest.raises(DomainError) as refused:
        affiliation_change_request(actor=user, expert=user.expert, kind=kind,
                                   vendor=vendor if vendor_is_theirs else VendorFactory(),
                                   relation=relation, ended_on=ended_on)

    assert _codes(refused.value) == [problem]
    assert not AffiliationChange.objects.exists()


def test_only_the_expert_asks_for_a_change_of_their_affiliations(employed):
    user, vendor = employed

    with pytest.raises(ForbiddenError):
        affiliation_change_request(actor=CoordinatorFactory(), expert=user.expert, kind="add", vendor=VendorFactory(),
                                   relation="side_job")


def test_an_accepted_end_keeps_the_vendor_as_a_former_employer_and_cannot_be_decided_twice(employed):
    user, vendor = employed
    coordinator = CoordinatorFactory(prefecture_id="20")
    change = affiliation_change_request(actor=user, expert=user.expert, kind="end", vendor=vendor,
                                        ended_on=dt.date(2027, 3, 31), note="  退職  ")
    assert change.note == "退職"

    affiliation_change_accept(actor=coordinator, change=change, reason="確認済み")

    assert list(Affiliation.objects.filter(expert=user.expert).values_list("relation", "ended_on")) == [
        ("former_employee", dt.date(2027, 3, 31))]
    with pytest.raises(ConflictError) as again:
        affiliation_change_decline(actor=coordinator, change=change)
    assert _codes(again.value) == [("change", "decided")]
    assert AffiliationChange.objects.get(pk=change.pk).status == "accepted"


def test_a_coordinator_of_another_prefecture_cannot_decide_the_change(employed):
    user, vendor = employed
    change = affiliation_change_request(actor=user, expert=user.expert, kind="end", vendor=vendor,
                                        ended_on=dt.date(2027, 3, 31))

    with pytest.raises(ForbiddenError):
        affiliation_change_accept(actor=CoordinatorFactory(prefecture_id="19"), change=change)

    assert AffiliationChange.objects.get(pk=change.pk).status == "pending"
