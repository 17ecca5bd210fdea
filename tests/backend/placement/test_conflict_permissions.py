"""The wrong-role table of the conflict services (issue 21, item 2): the scan follows a write of record by staff,
and only the coordinator of the engagement's prefecture resolves a conflict. Called directly as each wrong role,
each refuses with a 403 and changes nothing."""

import pytest
from django.contrib.auth.models import AnonymousUser

from backend.core.errors import ForbiddenError
from backend.core.models import AuditLog
from backend.engagements.models import CoiOverride, Engagement, EngagementConflict
from backend.engagements.services import engagement_conflict_end, engagement_conflict_except
from backend.notifications.models import Notification
from backend.placement.conflicts import conflicts_scan
from backend.procurement.services import procurement_create
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    VendorFactory,
)
from tests.backend.placement.test_conflicts_later import NOZAWA, engagement_at


@pytest.fixture
def world(db):
    expert, vendor = ExpertFactory(), VendorFactory()
    AffiliationFactory(expert=expert, vendor=vendor)
    engagement = engagement_at(NOZAWA, expert)
    procurement_create(actor=MunicipalStaffFactory(municipality_id=NOZAWA), data={
        "title": "住民情報システム運用保守", "category": "operations", "status": "ongoing", "incumbent_vendor": vendor,
        "fiscal_year": 2027})
    # A second engagement in conflict, not yet recorded: what a wrongly allowed scan would record.
    other = ExpertFactory()
    AffiliationFactory(expert=other, vendor=vendor)
    engagement_at(NOZAWA, other)
    return {"expert": expert, "engagement": engagement, "conflict": EngagementConflict.objects.get()}


WRITES = {
    "conflicts_scan": lambda actor, w: conflicts_scan(actor=actor, municipality_ids=[NOZAWA]),
    "engagement_conflict_except": lambda actor, w: engagement_conflict_except(actor=actor, conflict=w["conflict"],
                                                                              reason="理由"),
    "engagement_conflict_end": lambda actor, w: engagement_conflict_end(actor=actor, conflict=w["conflict"]),
}

WRONG_ROLES = {
    "conflicts_scan": ["the engagement's expert", "another expert", "no login"],
    "engagement_conflict_except": ["other prefecture's coordinator", "the municipality's staff",
                                   "the engagement's expert"],
    "engagement_conflict_end": ["other prefecture's coordinator", "the municipality's staff",
                                "the engagement's expert"],
}

ROLES = {
    "other prefecture's coordinator": lambda w: CoordinatorFactory(prefecture_id="19"),
    "the municipality's staff": lambda w: MunicipalStaffFactory(municipality_id=NOZAWA),
    "the engagement's expert": lambda w: ExpertUserFactory(expert=w["expert"]),
    "another expert": lambda w: ExpertUserFactory(),
    "no login": lambda w: AnonymousUser(),
}


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (AuditLog, EngagementConflict, CoiOverride, Notification))


@pytest.mark.parametrize(("service", "role"), [(s, r) for s, roles in WRONG_ROLES.items() for r in roles])
def test_each_conflict_service_refuses_each_wrong_role_with_a_403_and_changes_nothing(world, service, role):
    actor = ROLES[role](world)
    before = _counts()
    with pytest.raises(ForbiddenError):
        WRITES[service](actor, world)
    assert _counts() == before
    assert EngagementConflict.objects.get().state == "open"
    assert Engagement.objects.get(pk=world["engagement"].pk).status == "active"


def test_the_coordinator_of_the_prefecture_may_do_each(world):
    coordinator = CoordinatorFactory(prefecture_id="20")
    assert len(conflicts_scan(actor=coordinator, municipality_ids=[NOZAWA])) == 1
    engagement_conflict_except(actor=coordinator, conflict=world["conflict"], reason="理由")
    assert EngagementConflict.objects.get(pk=world["conflict"].pk).state == "resolved"
