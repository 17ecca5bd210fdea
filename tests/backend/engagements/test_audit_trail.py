"""Every move of an engagement, of its need and of its bid restrictions leaves an audit row with its
`AuditAction` member (issue 22, item 1).

Read back as a coordinator shows the record to a council, the log had holes: a decline written as a free string,
an activation by pledge with no row saying the engagement became active, restriction rows with no row at all,
and a need put back on offer by `.update()`.
"""

import ast
import datetime as dt
from pathlib import Path

import pytest
from django.utils import timezone

from backend.core.audit import AuditAction
from backend.core.errors import ForbiddenError
from backend.core.models import AuditLog
from backend.engagements.models import CoiOverride, Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import coi_override_revoke, engagement_respond, engagement_sign_pledge
from backend.needs.models import Need
from backend.placement.services import proposal_approve
from backend.restrictions.models import BidRestriction
from backend.restrictions.services import restrictions_after_affiliation_change
from tests.backend.factories import (
    AffiliationFactory,
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
    ProposalFactory,
    VendorFactory,
)

ROOT = Path(__file__).resolve().parents[3]


def _rows(action: AuditAction, obj) -> list[AuditLog]:
    return list(AuditLog.objects.filter(action=action, object_type=type(obj).__name__, object_id=str(obj.pk)))


@pytest.fixture
def offer(coordinator):
    """An offer at 長野市 to an expert employed by one vendor and working a side job for another."""
    expert = ExpertFactory()
    AffiliationFactory(expert=expert, relation="employee")
    AffiliationFactory(expert=expert, relation="side_job")
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(
        expert=expert, need=NeedFactory(municipality_id="202011")))
    return engagement, ExpertUserFactory(expert=expert), MunicipalStaffFactory(municipality_id="202011")


def test_approval_fills_the_need_with_its_own_audit_row(offer):
    engagement, *_ = offer
    [row] = _rows(AuditAction.NEED_FILL, engagement.need)
    assert (row.before["status"], row.after["status"], row.after["engagement"]) == ("open", "filled", engagement.pk)
    assert row.scope == ["20"]


def test_declining_an_offer_is_audited_with_its_action_and_reopens_the_need_audited(offer):
    engagement, expert_user, _staff = offer
    engagement_respond(actor=expert_user, engagement=engagement, accept=False, decline_code="schedule", reason="日程が合わない")
    [decline] = _rows(AuditAction.ENGAGEMENT_DECLINE, engagement)
    assert (decline.before["status"], decline.after["status"], decline.after["declined_by"],
            decline.after["reason"]) == ("offered", "declined", "expert", "日程が合わない")
    [release] = _rows(AuditAction.NEED_RELEASE, engagement.need)
    assert (release.before["status"], release.after["status"], release.after["engagement"]) == (
        "filled", "open", engagement.pk)
    assert Need.objects.get(pk=engagement.need_id).status == "open"


def test_activation_by_the_pledge_is_audited_with_one_row_per_restriction(offer):
    engagement, expert_user, staff = offer
    engagement_respond(actor=staff, engagement=engagement, accept=True)
    engagement_respond(actor=expert_user, engagement=engagement, accept=True)
    assert _rows(AuditAction.ENGAGEMENT_ACTIVATE, engagement) == []
    engagement_sign_pledge(actor=expert_user, engagement=engagement, version=PLEDGE_VERSION)
    [activate] = _rows(AuditAction.ENGAGEMENT_ACTIVATE, engagement)
    assert (activate.before["status"], activate.after["status"], activate.actor_id) == (
        "offered", "active", expert_user.pk)
    restrictions = BidRestriction.objects.filter(engagement=engagement)
    assert restrictions.count() == 2
    for restriction in restrictions:
        [row] = _rows(AuditAction.RESTRICTION_RECORD, restriction)
        assert row.after == {"engagement": engagement.pk, "expert": engagement.expert_id,
                             "municipality": "202011", "vendor": restriction.vendor_id,
                             "vendor_name": restriction.vendor.name, "relation": restriction.relation,
                             "starts_on": str(restriction.starts_on), "ends_on": str(restriction.ends_on)}
        assert row.scope == ["20"] and row.actor_id == expert_user.pk


def test_activation_by_the_last_acceptance_is_audited_too(offer):
    engagement, expert_user, staff = offer
    engagement_respond(actor=expert_user, engagement=engagement, accept=True, pledge_version=PLEDGE_VERSION)
    engagement_respond(actor=staff, engagement=engagement, accept=True)
    [accept] = _rows(AuditAction.ENGAGEMENT_ACCEPT, engagement)[-1:]
    [activate] = _rows(AuditAction.ENGAGEMENT_ACTIVATE, engagement)
    assert accept.after["status"] == "offered" and accept.pk < activate.pk
    assert activate.actor_id == staff.pk
    assert len(AuditLog.objects.filter(action=AuditAction.RESTRICTION_RECORD)) == 2


def test_revoking_an_exception_withdraws_its_offer_and_reopens_the_need_audited(coordinator):
    expert = ExpertFactory()
    ProcurementFactory(municipality_id="202011", incumbent_vendor=AffiliationFactory(expert=expert).vendor)
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=expert, need=NeedFactory()),
                                  override_reason="他に候補がいない")
    coi_override_revoke(actor=coordinator, override=CoiOverride.objects.get(), reason="見直し", end_engagements=True)
    [withdraw] = _rows(AuditAction.ENGAGEMENT_WITHDRAW, engagement)
    assert (withdraw.after["status"], withdraw.after["declined_by"]) == ("declined", "coordinator")
    assert _rows(AuditAction.ENGAGEMENT_END, engagement) == []
    assert len(_rows(AuditAction.NEED_RELEASE, engagement.need)) == 1
    assert Need.objects.get(pk=engagement.need_id).status == "open"


def test_revoking_an_exception_ends_an_active_engagement_and_its_restrictions_audited(coordinator, municipal):
    expert = ExpertFactory()
    ProcurementFactory(municipality_id="202011", incumbent_vendor=AffiliationFactory(expert=expert).vendor)
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=expert, need=NeedFactory()),
                                  override_reason="他に候補がいない")
    Engagement.objects.filter(pk=engagement.pk).update(starts_on=timezone.localdate() - dt.timedelta(days=10))
    engagement_respond(actor=municipal, engagement=engagement, accept=True)
    engagement_respond(actor=ExpertUserFactory(expert=expert), engagement=engagement, accept=True,
                       pledge_version=PLEDGE_VERSION)
    coi_override_revoke(actor=coordinator, override=CoiOverride.objects.get(), reason="見直し", end_engagements=True)
    [end] = _rows(AuditAction.ENGAGEMENT_END, engagement)
    assert (end.before["status"], end.after["status"]) == ("active", "ended")
    assert len(_rows(AuditAction.NEED_RELEASE, engagement.need)) == 1
    [restriction] = BidRestriction.objects.filter(engagement=engagement)
    [ended] = _rows(AuditAction.RESTRICTION_END, restriction)
    assert (ended.after["ends_on"], ended.before["ends_on"]) == (str(timezone.localdate()), "2028-03-31")


def test_an_affiliation_added_while_serving_audits_the_restriction_it_records(coordinator, municipal):
    expert = ExpertFactory()
    engagement = proposal_approve(actor=coordinator, proposal=ProposalFactory(expert=expert, need=NeedFactory()))
    engagement_respond(actor=municipal, engagement=engagement, accept=True)
    engagement_respond(actor=ExpertUserFactory(expert=expert), engagement=engagement, accept=True,
                       pledge_version=PLEDGE_VERSION)
    vendor = VendorFactory()
    [added] = restrictions_after_affiliation_change(expert=expert, actor=coordinator, before=set(),
                                                    after={(vendor.pk, "employee")})
    [row] = _rows(AuditAction.RESTRICTION_RECORD, added)
    assert (row.after["vendor"], row.after["engagement"], row.actor_id) == (vendor.pk, engagement.pk, coordinator.pk)


def test_someone_not_a_party_to_the_offer_is_forbidden_not_told_a_bad_request(offer, other_municipal,
                                                                              other_expert_user, coordinator):
    engagement, *_ = offer
    for outsider in (other_municipal, other_expert_user, coordinator):
        with pytest.raises(ForbiddenError) as refused:
            engagement_respond(actor=outsider, engagement=engagement, accept=False, decline_code="schedule")
        assert refused.value.problems[0].code == "not_a_party"
    assert Engagement.objects.get(pk=engagement.pk).status == "offered"


def _audit_actions(path: Path) -> list[ast.expr]:
    """The `action` given to each audit_record call and the action of each workflow move in a module."""
    actions = []
    for node in ast.walk(ast.parse(path.read_text())):
        if not isinstance(node, ast.Call):
            continue
        name = node.func.attr if isinstance(node.func, ast.Attribute) else getattr(node.func, "id", "")
        if name == "audit_record":
            actions += [k.value for k in node.keywords if k.arg == "action"]
        elif name == "move":
            actions += node.args[1:2]
    return actions


@pytest.mark.parametrize("module", ["backend/engagements/services.py", "backend/placement/services.py",
                                    "backend/restrictions/services.py"])
def test_every_audit_row_of_engagements_and_restrictions_names_an_audit_action_member(module):
    actions = _audit_actions(ROOT / module)
    assert actions
    assert [ast.unparse(a) for a in actions if not (
        isinstance(a, ast.Attribute) and isinstance(a.value, ast.Name) and a.value.id == "AuditAction")] == []
