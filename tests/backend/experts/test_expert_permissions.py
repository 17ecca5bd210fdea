"""Each write service of experts asserts its own actor (issue 22, item 3): called directly, past any page or
viewset, by each role that may not make the change, it refuses with a 403 and writes nothing."""

import datetime as dt

import pytest

from backend.core.errors import ForbiddenError
from backend.core.models import AuditLog
from backend.experts import services
from backend.experts.models import AffiliationChange, Expert
from backend.experts.services import (
    affiliation_change_accept,
    affiliation_change_decline,
    affiliation_change_request,
    expert_create,
    expert_create_many,
    expert_deactivate,
    expert_sign_pledge,
    expert_update,
)
from tests.backend.factories import AffiliationFactory, VendorFactory
from tests.backend.permissions import services_taking_an_actor


@pytest.fixture
def world(expert_user):
    """The expert of `expert_user` (registered in 長野県) employed by a vendor, and a pending request of theirs
    to end it."""
    expert = expert_user.expert
    vendor = AffiliationFactory(expert=expert, relation="employee").vendor
    change = AffiliationChange.objects.create(expert=expert, kind="end", vendor=vendor, ended_on=dt.date(2027, 3, 31))
    return {"expert": expert, "change": change}


WRITES = {
    "expert_create": lambda actor, w: expert_create(actor=actor, data={
        "name": "越権 太郎", "capacity_days": 48, "daily_rate": 40_000}),
    "expert_create_many": lambda actor, w: expert_create_many(actor=actor, rows=[{
        "name": "越権 太郎", "capacity_days": 48, "daily_rate": 40_000}]),
    "expert_update": lambda actor, w: expert_update(actor=actor, expert=w["expert"], data={"phone": "090-9999-9999"}),
    "expert_sign_pledge": lambda actor, w: expert_sign_pledge(actor=actor, expert=w["expert"]),
    "expert_deactivate": lambda actor, w: expert_deactivate(actor=actor, expert=w["expert"]),
    "affiliation_change_request": lambda actor, w: affiliation_change_request(
        actor=actor, expert=w["expert"], kind="add", vendor=VendorFactory(), relation="side_job"),
    "affiliation_change_accept": lambda actor, w: affiliation_change_accept(actor=actor, change=w["change"]),
    "affiliation_change_decline": lambda actor, w: affiliation_change_decline(actor=actor, change=w["change"]),
}

# Who may not: the coordinator of another prefecture, municipal staff, the expert themself, another expert.
# The expert's own coordinator may do all but the expert's own acts (the pledge, asking for a change).
WRONG_ROLES = {
    "expert_create": ["municipal", "expert_user", "other_expert_user"],
    "expert_create_many": ["municipal", "expert_user", "other_expert_user"],
    "expert_update": ["other_coordinator", "municipal", "other_expert_user"],
    "expert_sign_pledge": ["coordinator", "other_coordinator", "municipal", "other_expert_user"],
    "expert_deactivate": ["other_coordinator", "municipal", "expert_user", "other_expert_user"],
    "affiliation_change_request": ["coordinator", "other_coordinator", "municipal", "other_expert_user"],
    "affiliation_change_accept": ["other_coordinator", "municipal", "expert_user", "other_expert_user"],
    "affiliation_change_decline": ["other_coordinator", "municipal", "expert_user", "other_expert_user"],
}


def _state(w) -> tuple:
    expert = Expert.objects.get(pk=w["expert"].pk)
    return (AuditLog.objects.count(), Expert.objects.count(), expert.phone, expert.listed, expert.pool_pledge_signed_on,
            AffiliationChange.objects.get(pk=w["change"].pk).status, AffiliationChange.objects.count())


@pytest.mark.parametrize(("service", "role"), [(s, r) for s, roles in WRONG_ROLES.items() for r in roles])
def test_each_expert_write_refuses_each_wrong_role_with_a_403_and_writes_nothing(request, world, service, role):
    actor = request.getfixturevalue(role)
    before = _state(world)

    with pytest.raises(ForbiddenError):
        WRITES[service](actor, world)

    assert _state(world) == before


def test_every_service_of_experts_that_takes_an_actor_is_in_the_table():
    """A new write service joins the table (applications to the pool are backend.applications')."""
    assert set(WRONG_ROLES) == set(WRITES) == services_taking_an_actor(services)
