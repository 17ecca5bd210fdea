"""Every pair of writes on one engagement at the same moment, with real threads on PostgreSQL: each ends in one of
the outcomes the two would have one after the other, neither deadlocks (a deadlock is an error, not a result) and
the audit chain still verifies. The lock order they keep is backend/engagements/locks.py's (docs/architecture.md,
"Lock order"); the revocation against an acceptance and a decline is in test_concurrent_answers.py, two
approvals of one need in tests/backend/placement/test_concurrent_approval.py."""

import datetime as dt
from types import SimpleNamespace

import pytest
from django.utils import timezone

from backend.core.audit import AuditAction
from backend.core.audit_verify import audit_chain_verify
from backend.core.errors import DomainError
from backend.core.models import AuditLog
from backend.engagements.models import CoiOverride, Engagement, ReplacementRequest
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import (
    coi_override_revoke,
    engagement_respond,
    engagement_sign_pledge,
    replacement_request,
)
from backend.needs.models import Need
from backend.placement.services import proposal_approve
from backend.restrictions.models import BidRestriction
from backend.runs.models import PairDecision
from tests.backend.concurrency import race
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MatchRunFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

TODAY = dt.date(2027, 10, 15)


def _race(*calls) -> list:
    outcomes = race(list(calls), expected=(DomainError,))
    assert all(o is not None for o in outcomes), outcomes  # a deadlock (or any other error) is not a result
    return outcomes


def _refused(outcome) -> bool:
    return isinstance(outcome, DomainError)


def _chain_holds() -> None:
    assert audit_chain_verify().broken is None


@pytest.fixture
def offer(committed_db):
    """An offer at 長野市 whose expert works for a vendor (the register has something to record)."""
    coordinator = CoordinatorFactory(prefecture_id="20")
    expert = ExpertFactory()
    AffiliationFactory(expert=expert)
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=expert, need=NeedFactory()))
    return SimpleNamespace(engagement=engagement, coordinator=coordinator,
                           staff=MunicipalStaffFactory(municipality_id="202011"),
                           expert_user=ExpertUserFactory(expert=expert))


@pytest.fixture
def excepted(committed_db):
    """An offer at 長野市 approved with an exception to the incumbent conflict, and a second need there."""
    coordinator = CoordinatorFactory(prefecture_id="20")
    expert = ExpertFactory()
    ProcurementFactory(municipality_id="202011", incumbent_vendor=AffiliationFactory(expert=expert).vendor)
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=expert, need=NeedFactory(),
                                                                               weekdays=["mon"]),
                                  override_reason="他に候補がいない")
    return SimpleNamespace(engagement=engagement, coordinator=coordinator, exception=CoiOverride.objects.get(),
                           staff=MunicipalStaffFactory(municipality_id="202011"),
                           expert_user=ExpertUserFactory(expert=expert),
                           next_proposal=ProposalFactory(expert=expert, need=NeedFactory(), weekdays=["tue"]))


def _revoke(world):
    return lambda: coi_override_revoke(actor=world.coordinator, override=world.exception, reason="見直し",
                                       end_engagements=True)


def test_both_sides_accepting_at_once_activate_the_engagement_once(offer):
    _race(lambda: engagement_respond(actor=offer.staff, engagement=offer.engagement, accept=True),
          lambda: engagement_respond(actor=offer.expert_user, engagement=offer.engagement, accept=True,
                                     pledge_version=PLEDGE_VERSION))
    engagement = Engagement.objects.get()
    assert engagement.status == "active"
    assert AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_ACTIVATE).count() == 1
    assert BidRestriction.objects.filter(engagement=engagement).count() == 1
    _chain_holds()


def test_an_acceptance_and_a_decline_at_once_end_declined_whichever_came_first(offer):
    outcomes = _race(lambda: engagement_respond(actor=offer.staff, engagement=offer.engagement, accept=True),
                     lambda: engagement_respond(actor=offer.expert_user, engagement=offer.engagement, accept=False, decline_code="schedule",
                                                reason="都合がつかない"))
    engagement = Engagement.objects.get()
    assert not _refused(outcomes[1])  # the decline always goes through
    assert engagement.status == "declined" and engagement.declined_by == "expert"
    # accepted first: the acceptance stays on record; declined first: the acceptance was refused
    assert bool(engagement.municipality_accepted_at) != _refused(outcomes[0])
    assert Need.objects.get(pk=engagement.need_id).status == "open"
    assert PairDecision.objects.filter(kind="forbid", declined_by="expert").count() == 1
    assert not BidRestriction.objects.exists()
    _chain_holds()


def test_both_sides_declining_at_once_decline_once(offer):
    outcomes = _race(lambda: engagement_respond(actor=offer.staff, engagement=offer.engagement, accept=False, decline_code="schedule"),
                     lambda: engagement_respond(actor=offer.expert_user, engagement=offer.engagement, accept=False, decline_code="schedule"))
    assert sorted(_refused(o) for o in outcomes) == [False, True]  # the second finds it declined already
    engagement = Engagement.objects.get()
    assert engagement.status == "declined"
    assert AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_DECLINE).count() == 1
    assert AuditLog.objects.filter(action=AuditAction.NEED_RELEASE).count() == 1
    assert PairDecision.objects.get().declined_by == engagement.declined_by
    _chain_holds()


@pytest.mark.parametrize("attempt", range(2))
def test_the_pledge_and_the_revocation_of_its_exception_at_once_leave_one_whole_outcome(excepted, attempt):
    engagement = excepted.engagement
    engagement_respond(actor=excepted.staff, engagement=engagement, accept=True)
    engagement_respond(actor=excepted.expert_user, engagement=engagement, accept=True)  # no pledge yet
    outcomes = _race(lambda: engagement_sign_pledge(actor=excepted.expert_user, engagement=engagement,
                                                    version=PLEDGE_VERSION),
                     _revoke(excepted))
    assert not _refused(outcomes[1])
    engagement.refresh_from_db()
    restrictions = BidRestriction.objects.filter(engagement=engagement)
    if _refused(outcomes[0]):  # revoked first: the offer was withdrawn, the pledge refused
        assert engagement.status == "declined" and not engagement.pledge_signed_at and not restrictions.exists()
    else:  # signed first: active, then ended by the revocation with its restrictions
        assert engagement.status == "ended" and engagement.pledge_signed_at
        assert restrictions.exists() and all(r.ends_on <= engagement.ends_on for r in restrictions)
    assert CoiOverride.objects.get().state == "revoked"
    _chain_holds()


@pytest.mark.parametrize("attempt", range(2))
def test_an_approval_relying_on_an_exception_and_its_revocation_at_once_leave_no_offer_on_a_revoked_exception(
        excepted, attempt):
    """Approval read the exception unlocked: an approval racing its revocation could create an offer that relies
    on an exception revoked a moment before. Now approval and revocation both start from the expert's lock."""
    outcomes = _race(lambda: proposal_approve(actor=excepted.coordinator, proposal=excepted.next_proposal),
                     _revoke(excepted))
    assert not _refused(outcomes[1])
    assert CoiOverride.objects.get().state == "revoked"
    assert not Engagement.objects.filter(status__in=["offered", "active"]).exists()
    # approved first: the revocation withdrew the new offer too; revoked first: the approval was refused
    assert Engagement.objects.count() == (1 if _refused(outcomes[0]) else 2)
    _chain_holds()


@pytest.fixture
def serving(committed_db, monkeypatch):
    """Mid-year at 長野市: an active engagement placed with an exception to the incumbent conflict."""
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: TODAY)
    coordinator = CoordinatorFactory(prefecture_id="20")
    current_expert = ExpertFactory()
    need = NeedFactory(municipality_id="202011", status="filled", budget=3_600_000)
    exception = CoiOverride.objects.create(expert=current_expert, municipality_id="202011", fiscal_year=2027,
                                           reason="他に候補がいない", created_by=coordinator)
    current = Engagement.objects.create(
        expert=current_expert, municipality_id="202011", need=need, fiscal_year=2027, starts_on=dt.date(2027, 4, 1),
        ends_on=dt.date(2028, 3, 31), weekdays=["mon"], days_per_year=48, fee=2_400_000,
        employment_form="special_part_time", status="active", pledge_signed_at=timezone.now(),
        pledge_version=PLEDGE_VERSION, coi_override=exception)
    return SimpleNamespace(coordinator=coordinator, exception=exception, current=current, need=need,
                           staff=MunicipalStaffFactory(municipality_id="202011"))


@pytest.fixture
def replacing(serving):
    """A replacement requested for the serving engagement and two successors proposed by its run."""
    serving.request = replacement_request(actor=serving.staff, engagement=serving.current,
                                          reason="週の後半に来てほしい")
    successor_expert = ExpertFactory(daily_rate=60_000)
    serving.proposals = [ProposalFactory(run=MatchRunFactory(kind="replacement", replacement=serving.request),
                                         need=serving.need, expert=expert, days_per_year=22,
                                         fee=expert.daily_rate * 22)
                         for expert in (successor_expert, ExpertFactory())]  # one run each, as a re-run makes
    serving.successor_user = ExpertUserFactory(expert=successor_expert)
    return serving


def _successor(world) -> Engagement:
    successor = proposal_approve(actor=world.coordinator, proposal=world.proposals[0])
    engagement_respond(actor=world.staff, engagement=successor, accept=True)
    return successor


def test_two_successors_approved_at_once_make_one_offer(replacing):
    outcomes = _race(*[(lambda p=p: proposal_approve(actor=replacing.coordinator, proposal=p))
                       for p in replacing.proposals])
    assert sorted(_refused(o) for o in outcomes) == [False, True]
    assert Engagement.objects.filter(replaces=replacing.current, status="offered").count() == 1
    _chain_holds()


@pytest.mark.parametrize("attempt", range(2))
def test_a_successor_accepting_while_the_current_engagements_exception_is_revoked_hands_over_once(
        replacing, attempt):
    """The successor's activation ends the engagement it replaces; the revocation ends it too. Before the one lock
    order, each locked the need and that engagement in one statement, in no stated order, and could deadlock."""
    successor = _successor(replacing)
    outcomes = _race(lambda: engagement_respond(actor=replacing.successor_user, engagement=successor, accept=True,
                                                pledge_version=PLEDGE_VERSION),
                     _revoke(replacing))
    assert not any(_refused(o) for o in outcomes), outcomes
    replacing.current.refresh_from_db()
    successor.refresh_from_db()
    assert (replacing.current.status, successor.status) == ("ended", "active")
    assert AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_END,
                                   object_id=str(replacing.current.pk)).count() == 1
    assert ReplacementRequest.objects.get().status == "completed"
    assert Need.objects.get(pk=replacing.need.pk).status == "filled"
    assert CoiOverride.objects.get().state == "revoked"
    _chain_holds()


@pytest.mark.parametrize("attempt", range(2))
def test_a_successor_declining_while_the_current_engagement_ends_leaves_the_need_open(replacing, attempt):
    """Each of the two sees the other still holding the need unless they are serialised on it: then neither
    would release it, and the need would stay filled with no one serving it."""
    successor = _successor(replacing)
    _race(lambda: engagement_respond(actor=replacing.successor_user, engagement=successor, accept=False, decline_code="schedule"),
          _revoke(replacing))
    assert not Engagement.objects.filter(need=replacing.need, status__in=["offered", "active"]).exists()
    assert Need.objects.get(pk=replacing.need.pk).status == "open"
    _chain_holds()


def test_a_replacement_request_while_the_engagement_ends_is_refused_or_made_before_the_end(serving):
    outcomes = _race(lambda: replacement_request(actor=serving.staff, engagement=serving.current, reason="別の方に"),
                     _revoke(serving))
    assert not _refused(outcomes[1])
    serving.current.refresh_from_db()
    assert serving.current.status == "ended"
    assert ReplacementRequest.objects.count() == (0 if _refused(outcomes[0]) else 1)
    _chain_holds()
