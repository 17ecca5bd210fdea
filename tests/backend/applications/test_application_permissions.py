"""Each write service of applications asserts its own actor (issue 22, item 3): called directly, past any page
or viewset, by each role that may not make the change, it refuses with a 403 and writes nothing. The application
itself is submitted without an account (the public form), so it takes no actor."""

import pytest

from backend.accounts.models import Invitation, User, UserRole
from backend.applications import services
from backend.applications.services import (
    expert_application_accept,
    expert_application_decline,
    expert_application_submit,
    invitation_create,
)
from backend.core.errors import ForbiddenError
from backend.core.models import AuditLog
from backend.experts.models import Expert, ExpertApplication
from backend.geo.models import Municipality, Prefecture
from tests.backend.permissions import services_taking_an_actor

APPLICATION = {"name": "応募 三郎", "name_kana": "おうぼ さぶろう", "email": "saburo@example.jp",
               "skills": {"security": 2}, "capacity_days": 48, "weekdays": ["tue"], "daily_rate": 45_000,
               "employment_forms": ["contract"], "affiliations": [], "pledge": True}


@pytest.fixture
def world(db):
    """A pending application to 長野県, and a municipality of 長野県 to invite staff of."""
    application = expert_application_submit(prefecture=Prefecture.objects.get(code="20"), data=APPLICATION,
                                            language="ja")
    return {"application": application, "nagano": Municipality.objects.get(code="202011")}


WRITES = {
    "invitation_create": lambda actor, w: invitation_create(
        actor=actor, email="x@city.nagano.example.jp", role=UserRole.MUNICIPAL, municipality=w["nagano"]),
    "expert_application_accept": lambda actor, w: expert_application_accept(
        actor=actor, application=w["application"], vendors=[]),
    "expert_application_decline": lambda actor, w: expert_application_decline(
        actor=actor, application=w["application"], reason="見送ります"),
}

# Who may not: the coordinator of another prefecture, municipal staff, an expert (and another expert).
WRONG_ROLES = {
    "invitation_create": ["other_coordinator", "municipal", "expert_user"],
    "expert_application_accept": ["other_coordinator", "municipal", "expert_user", "other_expert_user"],
    "expert_application_decline": ["other_coordinator", "municipal", "expert_user", "other_expert_user"],
}


def _state(w) -> tuple:
    return (AuditLog.objects.count(), User.objects.count(), Invitation.objects.count(), Expert.objects.count(),
            ExpertApplication.objects.get(pk=w["application"].pk).status)


@pytest.mark.parametrize(("service", "role"), [(s, r) for s, roles in WRONG_ROLES.items() for r in roles])
def test_each_application_write_refuses_each_wrong_role_with_a_403_and_writes_nothing(request, world, service,
                                                                                      role):
    actor = request.getfixturevalue(role)
    before = _state(world)

    with pytest.raises(ForbiddenError):
        WRITES[service](actor, world)

    assert _state(world) == before


def test_every_service_of_applications_that_takes_an_actor_is_in_the_table():
    assert set(WRONG_ROLES) == set(WRITES) == services_taking_an_actor(services)


def test_another_prefectures_coordinator_learns_nothing_of_an_experts_login(db):
    """Issue 21: inviting an expert who serves your prefecture but is registered in another answered 409 「既に
    アカウントがあります」 before the 403, telling another prefecture whether the expert has a login."""
    from backend.applications.services import invitation_create
    from backend.core.errors import ForbiddenError
    from tests.backend.factories import CoordinatorFactory, ExpertFactory, ExpertUserFactory

    expert = ExpertFactory(registering_prefecture_id="20", serves=["20", "19"])
    ExpertUserFactory(expert=expert)
    with pytest.raises(ForbiddenError):
        invitation_create(actor=CoordinatorFactory(prefecture_id="19"), email="other@example.jp", role="expert",
                          expert=expert)
