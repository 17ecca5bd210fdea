"""Each write service of engagements decides who may call it, whoever calls it (issue 22, item 3): called
directly as each wrong role, it refuses with a 403 and changes nothing.

The page decorators and the viewsets are first gates only; `proposal_approve` and `need_place_with_exception`
checked no permission themselves, and an outsider's answer to an offer was a 400.
"""

import datetime as dt

import pytest
from django.utils import timezone

from backend.core.errors import ForbiddenError
from backend.core.models import AuditLog
from backend.engagements.models import CoiOverride, Engagement, ReplacementRequest
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import (
    coi_override_revoke,
    engagement_respond,
    engagement_sign_pledge,
    replacement_request,
)
from backend.placement.services import need_place_with_exception, proposal_approve, replacement_run
from backend.runs.models import MatchRun, PairDecision
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
)


def _active(need, expert):
    return Engagement.objects.create(
        expert=expert, municipality_id="202011", need=need, fiscal_year=2027, starts_on=dt.date(2027, 4, 1),
        ends_on=dt.date(2028, 3, 31), weekdays=["mon"], days_per_year=48, fee=2_400_000,
        employment_form="special_part_time", status="active", pledge_signed_at=timezone.now(),
        pledge_version=PLEDGE_VERSION)


@pytest.fixture
def world(coordinator):
    """At 長野市 (長野県): a proposal, an offer with its exception, an active engagement with an open replacement
    request, and an expert blocked there only by the incumbent conflict."""
    conflicted = ExpertFactory()
    ProcurementFactory(municipality_id="202011", incumbent_vendor=AffiliationFactory(expert=conflicted).vendor)
    offer = proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=conflicted, need=NeedFactory()),
                             override_reason="他に候補がいない")
    active = _active(NeedFactory(status="filled"), ExpertFactory())
    replacement = ReplacementRequest.objects.create(engagement=_active(NeedFactory(status="filled"), ExpertFactory()),
                                                    reason="交代したい")
    return {"proposal": ProposalFactory(need=NeedFactory()), "offer": offer, "exception": CoiOverride.objects.get(),
            "active": active, "replacement": replacement, "open_need": NeedFactory(), "conflicted": conflicted}


WRITES = {
    "proposal_approve": lambda actor, w: proposal_approve(actor=actor, proposal=w["proposal"]),
    "engagement_respond (accept)": lambda actor, w: engagement_respond(actor=actor, engagement=w["offer"],
                                                                       accept=True),
    "engagement_respond (decline)": lambda actor, w: engagement_respond(actor=actor, engagement=w["offer"],
                                                                        accept=False, decline_code="schedule"),
    "engagement_sign_pledge": lambda actor, w: engagement_sign_pledge(actor=actor, engagement=w["offer"],
                                                                      version=PLEDGE_VERSION),
    "coi_override_revoke": lambda actor, w: coi_override_revoke(actor=actor, override=w["exception"], reason="見直し",
                                                                end_engagements=True),
    "need_place_with_exception": lambda actor, w: need_place_with_exception(
        actor=actor, need=w["open_need"], expert=w["conflicted"], reason="他に候補がいない"),
    "replacement_request": lambda actor, w: replacement_request(actor=actor, engagement=w["active"],
                                                                reason="交代したい"),
    "replacement_run": lambda actor, w: replacement_run(actor=actor, replacement=w["replacement"]),
}

# Who is not allowed, per service; "offer's expert" is the expert the offer is made to.
WRONG_ROLES = {
    "proposal_approve": ["other prefecture's coordinator", "municipal staff", "offer's expert"],
    "engagement_respond (accept)": ["coordinator", "other municipality's staff", "another expert"],
    "engagement_respond (decline)": ["coordinator", "other municipality's staff", "another expert"],
    "engagement_sign_pledge": ["coordinator", "municipal staff", "another expert"],
    "coi_override_revoke": ["other prefecture's coordinator", "municipal staff", "offer's expert"],
    "need_place_with_exception": ["other prefecture's coordinator", "municipal staff", "offer's expert"],
    "replacement_request": ["coordinator", "other municipality's staff", "another expert"],
    "replacement_run": ["other prefecture's coordinator", "municipal staff", "another expert"],
}

ROLES = {
    "coordinator": lambda w: CoordinatorFactory(prefecture_id="20"),
    "other prefecture's coordinator": lambda w: CoordinatorFactory(prefecture_id="19"),
    "municipal staff": lambda w: MunicipalStaffFactory(municipality_id="202011"),
    "other municipality's staff": lambda w: MunicipalStaffFactory(municipality_id="202029"),
    "offer's expert": lambda w: ExpertUserFactory(expert=w["conflicted"]),
    "another expert": lambda w: ExpertUserFactory(),
}


@pytest.mark.parametrize(("service", "role"), [(s, r) for s, roles in WRONG_ROLES.items() for r in roles])
def test_each_write_service_refuses_each_wrong_role_with_a_403_and_changes_nothing(world, service, role):
    actor = ROLES[role](world)
    before = _counts()
    with pytest.raises(ForbiddenError):
        WRITES[service](actor, world)
    assert _counts() == before
    assert Engagement.objects.get(pk=world["offer"].pk).status == "offered"
    assert CoiOverride.objects.get().state == "in_force"


def _counts() -> tuple[int, ...]:
    return tuple(model.objects.count() for model in (AuditLog, Engagement, MatchRun, PairDecision, ReplacementRequest,
                                                     CoiOverride))
