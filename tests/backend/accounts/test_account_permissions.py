"""Each write service of accounts asserts its own actor (issue 22, item 3): called directly by each role that
may not make the change, it refuses with a 403 and writes nothing. The services an anonymous visitor calls on
purpose (the invitee setting a password, a reset request) take no actor; the token services and the password
audit act on the actor's own login only."""

import pytest

from backend.accounts import services
from backend.accounts.models import Invitation, User, UserRole
from backend.accounts.services import (
    auth_token_issue,
    auth_token_revoke,
    coordinator_create,
    invitation_resend,
    invitation_revoke,
    invitation_send,
    invited_user_create,
    user_contact_update,
    user_deactivate,
    user_reactivate,
    user_unlock,
)
from backend.applications.services import invitation_create
from backend.core.errors import ForbiddenError
from backend.core.models import AuditLog
from backend.geo.models import Municipality, Prefecture
from tests.backend.factories import MunicipalStaffFactory
from tests.backend.permissions import services_taking_an_actor


@pytest.fixture
def world(coordinator):
    """An open invitation of 長野県 and a signed-in member of its staff."""
    invitation = invitation_create(actor=coordinator, email="new@city.nagano.example.jp", role=UserRole.MUNICIPAL,
                                   municipality=Municipality.objects.get(code="202011"))
    return {"invitation": invitation, "staff": MunicipalStaffFactory(municipality_id="202029"),
            "inactive": MunicipalStaffFactory(municipality_id="202029", is_active=False),
            "nagano": Municipality.objects.get(code="202011")}


WRITES = {
    "invitation_resend": lambda actor, w: invitation_resend(actor=actor, invitation=w["invitation"]),
    "invitation_revoke": lambda actor, w: invitation_revoke(actor=actor, invitation=w["invitation"]),
    "invitation_send": lambda actor, w: invitation_send(actor=actor, user=w["staff"], prefecture_code="20",
                                                        send=False),
    "invited_user_create": lambda actor, w: invited_user_create(
        actor=actor, email="y@city.nagano.example.jp", role=UserRole.MUNICIPAL, municipality=w["nagano"]),
    "user_deactivate": lambda actor, w: user_deactivate(actor=actor, user=w["staff"]),
    "user_reactivate": lambda actor, w: user_reactivate(actor=actor, user=w["inactive"]),
    "user_unlock": lambda actor, w: user_unlock(actor=actor, user=w["staff"]),
    "user_contact_update": lambda actor, w: user_contact_update(actor=actor, user=w["staff"], email="z@example.jp"),
    "coordinator_create": lambda actor, w: coordinator_create(
        actor=actor, username="newcoord", email="c@pref.example.jp", prefecture=Prefecture.objects.get(code="20")),
}

WRONG_ROLES = {
    "invitation_resend": ["other_coordinator", "municipal", "expert_user"],
    "invitation_revoke": ["other_coordinator", "municipal", "expert_user"],
    "invitation_send": ["other_coordinator", "municipal", "expert_user"],
    "invited_user_create": ["other_coordinator", "municipal", "expert_user"],
    "user_deactivate": ["other_coordinator", "municipal", "expert_user"],
    "user_reactivate": ["other_coordinator", "municipal", "expert_user"],
    "user_unlock": ["other_coordinator", "municipal", "expert_user"],
    # the user themself only: not even their coordinator
    "user_contact_update": ["coordinator", "other_coordinator", "municipal", "expert_user"],
    # only an administrator, or the command line (no actor), makes a coordinator
    "coordinator_create": ["coordinator", "other_coordinator", "municipal", "expert_user"],
}

# Any signed-in role acts on its own login; no other scope is reachable through them.
OWN_LOGIN_ONLY = {"auth_token_issue", "auth_token_revoke", "auth_token_revoke_all", "password_changed"}


def _state(w) -> tuple:
    invitation = Invitation.objects.get(pk=w["invitation"].pk)
    return (AuditLog.objects.count(), User.objects.count(), Invitation.objects.count(), invitation.nonce,
            invitation.revoked_at, User.objects.get(pk=w["staff"].pk).is_active,
            User.objects.get(pk=w["inactive"].pk).is_active, User.objects.get(pk=w["staff"].pk).email)


@pytest.mark.parametrize(("service", "role"), [(s, r) for s, roles in WRONG_ROLES.items() for r in roles])
def test_each_account_write_refuses_each_wrong_role_with_a_403_and_writes_nothing(request, world, service, role):
    actor = request.getfixturevalue(role)
    before = _state(world)

    with pytest.raises(ForbiddenError):
        WRITES[service](actor, world)

    assert _state(world) == before


def test_every_service_of_accounts_that_takes_an_actor_is_in_the_table_or_acts_on_the_actor_only():
    assert set(WRONG_ROLES) == set(WRITES)
    assert services_taking_an_actor(services) == set(WRITES) | OWN_LOGIN_ONLY


def test_a_token_is_revoked_only_by_its_owner(coordinator, municipal):
    auth_token_issue(actor=coordinator)
    (key,) = coordinator.auth_token_set.values_list("token_key", flat=True)

    assert auth_token_revoke(actor=municipal, token_key=key) is False
    assert coordinator.auth_token_set.count() == 1
