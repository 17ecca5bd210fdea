"""Answers to offers and the revocation of their exception at the same moment keep the lock order of
backend.engagements.services (expert, then need with the engagement, then the exception): no deadlock, and an
exception nothing holds any more lapses (real PostgreSQL, real threads)."""

import pytest

from backend.core.audit import AuditAction
from backend.core.errors import DomainError
from backend.core.models import AuditLog
from backend.engagements.models import CoiOverride, Engagement
from backend.engagements.services import coi_override_revoke, engagement_respond
from backend.needs.models import Need
from backend.placement.services import proposal_approve
from tests.backend.concurrency import race
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def offers(committed_db):
    """Two offers at 長野市 to one expert, both approved with the same exception to the incumbent conflict."""
    coordinator = CoordinatorFactory(prefecture_id="20")
    expert = ExpertFactory()
    ProcurementFactory(municipality_id="202011", incumbent_vendor=AffiliationFactory(expert=expert).vendor)
    first = proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=expert, need=NeedFactory(),
                                                                          weekdays=["mon"]),
                             override_reason="他に候補がいない")
    second = proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=expert, need=NeedFactory(),
                                                                           weekdays=["tue"]))
    assert first.coi_override_id == second.coi_override_id
    return coordinator, ExpertUserFactory(expert=expert), [first, second]


def test_two_offers_declined_at_once_lapse_the_exception_they_shared(offers):
    _coordinator, expert_user, engagements = offers
    outcomes = race([(lambda e=e: engagement_respond(actor=expert_user, engagement=e, accept=False, decline_code="schedule"))
                     for e in engagements])
    assert all(isinstance(o, Engagement) for o in outcomes), outcomes
    exception = CoiOverride.objects.get()
    assert exception.state == "lapsed"
    assert AuditLog.objects.filter(action=AuditAction.COI_OVERRIDE_LAPSE).count() == 1


def test_a_decline_and_the_revocation_of_its_exception_at_once_neither_deadlock_nor_leave_a_gap(offers):
    coordinator, expert_user, engagements = offers
    exception = CoiOverride.objects.get()
    outcomes = race([
        lambda: engagement_respond(actor=expert_user, engagement=engagements[0], accept=False, decline_code="schedule"),
        lambda: coi_override_revoke(actor=coordinator, override=exception, reason="見直し", end_engagements=True),
    ], expected=(DomainError,))
    assert all(o is not None for o in outcomes), outcomes  # a deadlock error is not a result
    assert CoiOverride.objects.get().state == "revoked"
    assert set(Engagement.objects.values_list("status", flat=True)) == {"declined"}
    for engagement in engagements:
        assert Need.objects.get(pk=engagement.need_id).status == "open"
        assert AuditLog.objects.filter(action=AuditAction.NEED_RELEASE, object_id=str(engagement.need_id)).count() == 1


@pytest.mark.parametrize("attempt", range(4))
def test_revoking_the_exception_while_the_expert_accepts_leaves_one_consistent_outcome(offers, attempt):
    """Issue 21: in 3 of 4 tries the engagement ended 辞退 with the acceptance and pledge erased, while a full-year
    bid restriction stayed in force on it. Now whichever commits first wins whole: either the offer is withdrawn
    and the acceptance refused (409), or the engagement became active and the revocation ended it today, with
    its restrictions ended the same day."""
    from backend.engagements.pledge import PLEDGE_VERSION
    from backend.restrictions.models import BidRestriction
    from tests.backend.factories import MunicipalStaffFactory

    coordinator, expert_user, engagements = offers
    engagement = engagements[0]
    engagement_respond(actor=MunicipalStaffFactory(municipality_id="202011"), engagement=engagement, accept=True)
    exception = CoiOverride.objects.get()
    outcomes = race([
        lambda: engagement_respond(actor=expert_user, engagement=engagement, accept=True,
                                   pledge_version=PLEDGE_VERSION),
        lambda: coi_override_revoke(actor=coordinator, override=exception, reason="見直し", end_engagements=True),
    ], expected=(DomainError,))
    assert all(o is not None for o in outcomes), outcomes
    assert not isinstance(outcomes[1], DomainError), outcomes  # the revocation always goes through
    engagement.refresh_from_db()
    restrictions = BidRestriction.objects.filter(engagement=engagement)
    if isinstance(outcomes[0], DomainError):  # revoked first: the offer was withdrawn, the acceptance refused
        assert engagement.status == "declined" and not restrictions.exists()
    else:  # accepted first: active with the pledge, then ended by the revocation, restrictions ended with it
        assert engagement.status == "ended" and engagement.pledge_signed_at and engagement.expert_accepted_at
        assert restrictions.exists() and all(r.ends_on <= engagement.ends_on for r in restrictions)
    assert CoiOverride.objects.get().state == "revoked"
