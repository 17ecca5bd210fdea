"""Conflicts that arise after the offer (issue 21, item 2): every write that puts an offered or active engagement in
an incumbent conflict records it on the engagement, audits it and tells the coordinator and the municipality; only
the coordinator resolves it, with a recorded exception or by ending the engagement.

Issue 21 quotes the failure: 伊藤 健一 (employee of 信州情報システム) was active at 野沢温泉村; the clerk registered
「住民情報システム運用保守」 (運用, 契約中, incumbent 信州情報システム): no warning, nothing for the coordinator, the
engagement stayed plain 稼働中.
"""

import datetime as dt

import pytest
from django.utils import timezone

from backend.core.audit import AuditAction
from backend.core.errors import ConflictError, DomainError
from backend.core.models import AuditLog
from backend.engagements.models import CoiOverride, Engagement, EngagementConflict
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.selectors import engagement_conflicts_to_resolve
from backend.engagements.services import engagement_conflict_end, engagement_conflict_except
from backend.experts.models import Affiliation, AffiliationChange
from backend.experts.services import affiliation_change_accept, expert_update
from backend.needs.models import Need
from backend.notifications.models import Notification, NotificationKind
from backend.placement.conflicts import conflicts_scan
from backend.procurement.models import Procurement
from backend.procurement.services import (
    procurement_create,
    procurement_delete,
    procurement_update,
    vendor_merge,
)
from backend.restrictions.models import BidRestriction
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    MunicipalStaffFactory,
    NeedFactory,
    ProcurementFactory,
    VendorFactory,
)

NOZAWA = "205630"  # 野沢温泉村


def engagement_at(municipality_id: str, expert, *, status: str = "active", fiscal_year: int = 2027) -> Engagement:
    need = NeedFactory(municipality_id=municipality_id, status="filled", fiscal_year=fiscal_year)
    signed = {"pledge_signed_at": timezone.now(), "pledge_version": PLEDGE_VERSION} if status == "active" else {}
    return Engagement.objects.create(
        expert=expert, municipality_id=municipality_id, need=need, fiscal_year=fiscal_year,
        starts_on=dt.date(fiscal_year, 4, 1), ends_on=dt.date(fiscal_year + 1, 3, 31), weekdays=["mon"],
        days_per_year=48, fee=2_400_000, employment_form="special_part_time", status=status, **signed)


@pytest.fixture
def ito(db):
    """伊藤 健一, employee of 信州情報システム, active at 野沢温泉村."""
    expert = ExpertFactory(name="伊藤 健一")
    vendor = VendorFactory(name="信州情報システム株式会社")
    AffiliationFactory(expert=expert, vendor=vendor)
    return {"expert": expert, "vendor": vendor, "engagement": engagement_at(NOZAWA, expert)}


@pytest.fixture
def nozawa_clerk(db):
    return MunicipalStaffFactory(municipality_id=NOZAWA)


def _register_operations(clerk, vendor, **changes) -> Procurement:
    return procurement_create(actor=clerk, data={
        "title": "住民情報システム運用保守", "category": "operations", "status": "ongoing",
        "incumbent_vendor": vendor, "fiscal_year": 2027, **changes})


def test_the_quoted_failure_registering_an_ongoing_procurement_records_a_conflict_on_the_active_engagement(
        ito, nozawa_clerk, coordinator):
    other_coordinator = CoordinatorFactory(prefecture_id="19")
    procurement = _register_operations(nozawa_clerk, ito["vendor"])

    conflict = EngagementConflict.objects.get()
    assert (conflict.engagement, conflict.vendor, conflict.procurement) == (
        ito["engagement"], ito["vendor"], procurement)
    assert conflict.state == "open" and conflict.cause == "procurement" and conflict.found_by == nozawa_clerk
    row = AuditLog.objects.get(action=AuditAction.ENGAGEMENT_CONFLICT_RECORD)
    assert row.actor == nozawa_clerk and row.after["engagement"] == ito["engagement"].pk
    told = set(Notification.objects.filter(kind=NotificationKind.ENGAGEMENT_CONFLICT).values_list(
        "recipient", flat=True))
    assert told == {coordinator.pk, nozawa_clerk.pk}
    assert other_coordinator.pk not in told
    text = Notification.objects.filter(recipient=coordinator).get().text
    assert "伊藤 健一" in text and "信州情報システム株式会社" in text and "住民情報システム運用保守" in text


def test_saving_the_procurement_again_keeps_one_open_conflict_and_tells_nobody_twice(ito, nozawa_clerk, coordinator):
    procurement = _register_operations(nozawa_clerk, ito["vendor"])
    procurement_update(actor=nozawa_clerk, procurement=procurement, data={"title": "住民情報システム運用保守（更新）"})
    conflicts_scan(actor=coordinator, municipality_ids=[NOZAWA])

    assert EngagementConflict.objects.count() == 1
    assert AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_CONFLICT_RECORD).count() == 1
    assert Notification.objects.filter(recipient=coordinator).count() == 1


def test_a_planned_procurement_changed_to_ongoing_records_the_conflict(ito, nozawa_clerk):
    procurement = _register_operations(nozawa_clerk, ito["vendor"], status="planned")
    assert not EngagementConflict.objects.exists()

    procurement_update(actor=nozawa_clerk, procurement=procurement, data={"status": "ongoing"})

    assert EngagementConflict.objects.get().procurement == procurement


def test_an_ongoing_procurement_whose_incumbent_changes_to_the_experts_vendor_records_the_conflict(ito, nozawa_clerk):
    procurement = _register_operations(nozawa_clerk, VendorFactory())
    assert not EngagementConflict.objects.exists()

    procurement_update(actor=nozawa_clerk, procurement=procurement, data={"incumbent_vendor": ito["vendor"]})

    assert EngagementConflict.objects.get().vendor == ito["vendor"]


def test_an_offered_engagement_is_scanned_too_and_a_declined_one_or_another_municipality_is_not(nozawa_clerk):
    vendor = VendorFactory()
    offered, declined, elsewhere = (ExpertFactory() for _ in range(3))
    for expert in (offered, declined, elsewhere):
        AffiliationFactory(expert=expert, vendor=vendor)
    on_offer = engagement_at(NOZAWA, offered, status="offered")
    engagement_at(NOZAWA, declined, status="declined")
    engagement_at("202011", elsewhere)

    _register_operations(nozawa_clerk, vendor)

    assert list(EngagementConflict.objects.values_list("engagement", flat=True)) == [on_offer.pk]


def test_an_exception_in_force_for_the_pair_and_year_means_no_conflict(ito, nozawa_clerk, coordinator):
    CoiOverride.objects.create(expert=ito["expert"], municipality_id=NOZAWA, fiscal_year=2027, reason="他に候補がいない",
                               created_by=coordinator)
    _register_operations(nozawa_clerk, ito["vendor"])
    assert not EngagementConflict.objects.exists()


def test_an_accepted_affiliation_change_records_the_conflict(coordinator, nozawa_clerk):
    expert, vendor = ExpertFactory(), VendorFactory()
    engagement = engagement_at(NOZAWA, expert)
    ProcurementFactory(municipality_id=NOZAWA, incumbent_vendor=vendor)
    change = AffiliationChange.objects.create(expert=expert, kind="add", vendor=vendor, relation="side_job")

    affiliation_change_accept(actor=coordinator, change=change)

    conflict = EngagementConflict.objects.get()
    assert (conflict.engagement, conflict.cause, conflict.found_by) == (engagement, "affiliation", coordinator)
    assert Notification.objects.filter(kind=NotificationKind.ENGAGEMENT_CONFLICT, recipient=nozawa_clerk).exists()


def test_the_coordinator_adding_an_affiliation_on_the_expert_form_records_the_conflict(coordinator):
    expert, vendor = ExpertFactory(), VendorFactory()
    engagement = engagement_at(NOZAWA, expert)
    ProcurementFactory(municipality_id=NOZAWA, incumbent_vendor=vendor)

    expert_update(actor=coordinator, expert=expert,
                  data={"affiliations": [{"vendor": vendor, "relation": "employee", "ended_on": None}]})

    assert EngagementConflict.objects.get().engagement == engagement


def test_a_vendor_merge_scan_records_the_conflict_the_merged_identity_hid(coordinator):
    """Two entries of one company: the expert works for one, the other is the incumbent. Once the merge points the
    affiliation at the survivor, the lead's call of conflicts_scan(vendor_ids=[survivor]) finds the conflict."""
    survivor, duplicate = VendorFactory(name="千曲テクノロジー株式会社"), VendorFactory(name="千曲テクノロジー（株）")
    expert = ExpertFactory()
    affiliation = AffiliationFactory(expert=expert, vendor=duplicate)
    engagement = engagement_at(NOZAWA, expert)
    ProcurementFactory(municipality_id=NOZAWA, incumbent_vendor=survivor)
    assert conflicts_scan(actor=coordinator, vendor_ids=[survivor.pk]) == []

    Affiliation.objects.filter(pk=affiliation.pk).update(vendor=survivor)  # what vendor_merge does
    recorded = conflicts_scan(actor=coordinator, vendor_ids=[survivor.pk], cause="vendor_merge")

    assert [(c.engagement, c.vendor, c.cause) for c in recorded] == [(engagement, survivor, "vendor_merge")]


def test_merging_the_two_entries_records_the_conflict_they_hid_on_the_engagement(coordinator):
    """The same company entered twice: the expert works for one entry, the other is the incumbent at 野沢温泉村. The
    merge itself runs the scan (its hook), inside its transaction, so the conflict is there when it returns."""
    survivor = VendorFactory(name="千曲テクノロジー株式会社", prefecture_id="20")
    duplicate = VendorFactory(name="千曲テクノロジー（株）", prefecture_id="20")
    expert = ExpertFactory()
    AffiliationFactory(expert=expert, vendor=duplicate)
    engagement = engagement_at(NOZAWA, expert)
    ProcurementFactory(municipality_id=NOZAWA, incumbent_vendor=survivor, category="operations", status="ongoing")
    assert not EngagementConflict.objects.exists()

    vendor_merge(actor=coordinator, survivor=survivor, absorbed=duplicate, reason="同一法人の二重登録")

    conflict = EngagementConflict.objects.get()
    assert (conflict.engagement, conflict.vendor, conflict.cause, conflict.state) == (
        engagement, survivor, "vendor_merge", "open")
    assert AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_CONFLICT_RECORD).count() == 1


def test_a_scan_after_an_engagements_dates_moved_records_its_conflict_with_that_cause(coordinator):
    """No service moves an engagement's dates at this commit; whichever does calls the scan with the engagement."""
    expert, vendor = ExpertFactory(), VendorFactory()
    AffiliationFactory(expert=expert, vendor=vendor)
    engagement = engagement_at(NOZAWA, expert)
    ProcurementFactory(municipality_id=NOZAWA, incumbent_vendor=vendor)

    Engagement.objects.filter(pk=engagement.pk).update(starts_on=dt.date(2027, 10, 1))
    recorded = conflicts_scan(actor=coordinator, engagement_ids=[engagement.pk], cause="dates")

    assert [(c.engagement, c.cause) for c in recorded] == [(engagement, "dates")]


# -- resolution --------------------------------------------------------------------------------------------------


def test_the_coordinator_resolves_the_conflict_with_a_recorded_exception(ito, nozawa_clerk, coordinator):
    _register_operations(nozawa_clerk, ito["vendor"])
    conflict = EngagementConflict.objects.get()

    engagement_conflict_except(actor=coordinator, conflict=conflict, reason="運用保守の仕様策定に関与しないため")

    conflict.refresh_from_db()
    override = CoiOverride.objects.get()
    assert (conflict.state, conflict.resolution, conflict.resolved_by, conflict.coi_override) == (
        "resolved", "exception", coordinator, override)
    assert (override.expert, override.municipality_id, override.reason) == (
        ito["expert"], NOZAWA, "運用保守の仕様策定に関与しないため")
    engagement = Engagement.objects.get(pk=ito["engagement"].pk)
    assert engagement.status == "active" and engagement.coi_override == override
    actions = list(AuditLog.objects.filter(actor=coordinator).values_list("action", flat=True))
    assert AuditAction.COI_OVERRIDE_CREATE in actions and AuditAction.ENGAGEMENT_CONFLICT_EXCEPT in actions
    # Saved again, the procurement finds the exception: nothing new to resolve.
    procurement_update(actor=nozawa_clerk, procurement=Procurement.objects.get(), data={"title": "運用保守"})
    assert EngagementConflict.objects.unresolved().count() == 0


def test_an_exception_needs_a_reason(ito, nozawa_clerk, coordinator):
    _register_operations(nozawa_clerk, ito["vendor"])
    with pytest.raises(DomainError) as refused:
        engagement_conflict_except(actor=coordinator, conflict=EngagementConflict.objects.get(), reason="  ")
    assert refused.value.problems[0].field == "reason"
    assert EngagementConflict.objects.get().state == "open"


def test_the_coordinator_resolves_the_conflict_by_ending_the_engagement(ito, nozawa_clerk, coordinator):
    _register_operations(nozawa_clerk, ito["vendor"])
    conflict = EngagementConflict.objects.get()

    engagement_conflict_end(actor=coordinator, conflict=conflict)

    conflict.refresh_from_db()
    engagement = Engagement.objects.get(pk=ito["engagement"].pk)
    assert (conflict.state, conflict.resolution, conflict.resolved_by) == ("resolved", "ended", coordinator)
    assert engagement.status == "ended"
    assert Need.objects.get(pk=engagement.need_id).status == "open"
    end = AuditLog.objects.get(action=AuditAction.ENGAGEMENT_END)
    assert end.actor == coordinator and end.after["because"] == "incumbent conflict"
    assert AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_CONFLICT_END, actor=coordinator).exists()


def test_ending_an_offered_engagement_for_its_conflict_withdraws_the_offer(nozawa_clerk, coordinator):
    expert, vendor = ExpertFactory(), VendorFactory()
    AffiliationFactory(expert=expert, vendor=vendor)
    engagement = engagement_at(NOZAWA, expert, status="offered")
    _register_operations(nozawa_clerk, vendor)

    engagement_conflict_end(actor=coordinator, conflict=EngagementConflict.objects.get())

    engagement.refresh_from_db()
    assert (engagement.status, engagement.declined_by) == ("declined", "coordinator")


def test_a_resolved_conflict_cannot_be_resolved_again(ito, nozawa_clerk, coordinator):
    _register_operations(nozawa_clerk, ito["vendor"])
    conflict = EngagementConflict.objects.get()
    engagement_conflict_except(actor=coordinator, conflict=conflict, reason="理由")
    with pytest.raises(ConflictError):
        engagement_conflict_end(actor=coordinator, conflict=conflict)
    assert Engagement.objects.get(pk=ito["engagement"].pk).status == "active"


# -- a planned procurement naming a restricted vendor ---------------------------------------------------------------


def test_a_planned_procurement_naming_a_restricted_vendor_warns_the_clerk_with_the_vendor_and_the_restriction(
        ito, nozawa_clerk):
    restriction = BidRestriction.objects.create(
        vendor=ito["vendor"], expert=ito["expert"], municipality_id=NOZAWA, engagement=ito["engagement"],
        relation="employee", starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2028, 3, 31))

    procurement = _register_operations(nozawa_clerk, ito["vendor"], status="planned", title="次期住民情報システム構築")

    [warning] = procurement.warnings
    assert (warning["vendor"], warning["restriction"]) == (ito["vendor"].pk, restriction.pk)
    assert "信州情報システム株式会社" in str(warning["message"]) and "伊藤 健一" in str(warning["message"])
    assert "令和9年4月1日" in str(warning["message"])


def test_a_planned_procurement_of_an_unrestricted_vendor_warns_of_nothing(ito, nozawa_clerk):
    procurement = _register_operations(nozawa_clerk, VendorFactory(), status="planned")
    assert procurement.warnings == []


def test_a_deleted_procurement_leaves_its_conflict_open_for_the_coordinator_by_its_title(ito, nozawa_clerk):
    first = _register_operations(nozawa_clerk, ito["vendor"])
    second = _register_operations(nozawa_clerk, ito["vendor"], title="窓口端末運用保守")
    procurement_delete(actor=nozawa_clerk, procurement=first)
    procurement_delete(actor=nozawa_clerk, procurement=second)

    assert sorted(EngagementConflict.objects.unresolved().values_list("procurement_title", flat=True)) == [
        "住民情報システム運用保守", "窓口端末運用保守"]


def test_a_conflict_of_an_engagement_that_ended_otherwise_no_longer_waits_for_the_coordinator(
        ito, nozawa_clerk, coordinator):
    _register_operations(nozawa_clerk, ito["vendor"])
    assert engagement_conflicts_to_resolve(user=coordinator).count() == 1
    Engagement.objects.filter(pk=ito["engagement"].pk).update(status="ended")  # as a hand-over would
    assert engagement_conflicts_to_resolve(user=coordinator).count() == 0
