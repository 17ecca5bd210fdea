"""Two writes that find the same conflict at the same moment record it once (issue 21, item 2): real threads on
PostgreSQL, each with its own connection. The second insert waits on the open-conflict index until the first
commits, then steps aside; neither write fails."""

from backend.core.audit import AuditAction
from backend.core.models import AuditLog
from backend.engagements.models import EngagementConflict
from backend.placement.conflicts import conflicts_scan
from backend.procurement.services import procurement_update
from tests.backend.concurrency import race
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    MunicipalStaffFactory,
    ProcurementFactory,
    VendorFactory,
)
from tests.backend.placement.test_conflicts_later import NOZAWA, engagement_at


def test_a_procurement_saved_while_a_merge_scan_runs_records_the_conflict_once(committed_db):
    expert, vendor = ExpertFactory(), VendorFactory()
    AffiliationFactory(expert=expert, vendor=vendor)
    engagement = engagement_at(NOZAWA, expert)
    procurement = ProcurementFactory(municipality_id=NOZAWA, incumbent_vendor=vendor)  # no hook: not yet recorded
    clerk, coordinator = MunicipalStaffFactory(municipality_id=NOZAWA), CoordinatorFactory(prefecture_id="20")

    for _attempt in range(3):
        outcomes = race([
            lambda: procurement_update(actor=clerk, procurement=procurement, data={"title": "住民情報システム運用保守"}),
            lambda: conflicts_scan(actor=coordinator, vendor_ids=[vendor.pk], cause="vendor_merge"),
        ])
        # Each write answered (a deadlock or any other error would leave its outcome None).
        assert outcomes[0] is not None and isinstance(outcomes[1], list)

    assert list(EngagementConflict.objects.values_list("engagement", "procurement")) == [
        (engagement.pk, procurement.pk)]
    assert AuditLog.objects.filter(action=AuditAction.ENGAGEMENT_CONFLICT_RECORD).count() == 1
