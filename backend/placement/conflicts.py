"""Conflicts that arise after an offer (issue 21): an offered or active engagement whose expert's vendor becomes the
incumbent of an ongoing procurement of its municipality — a procurement registered or changed, an affiliation
added, two vendors merged, the engagement's dates moved. Each such write records the conflict on the engagement
(`EngagementConflict`, one open row per engagement, vendor and procurement), audits it and tells the coordinators
of the prefecture and the municipality's staff; the coordinator resolves it with a recorded exception or by ending
the engagement (backend.engagements.services). And a planned procurement naming a vendor under a bid restriction
there is flagged to the clerk who registers it.

The incumbent rule is the engine's, as approval asks it (`backend.placement.rules.incumbent_conflicts`); this
module never words it again. It sits here, above engagements, because that rule does; the lower apps whose writes
bring a conflict (procurement, experts) fire their hooks (backend.core.hooks), registered by `hooks_register` at
start-up, and a vendor merge calls `conflicts_scan` itself. Each calls it before writing any audit row of its own:
a scan's insert may wait on a concurrent scan's, and the audit chain's lock must be the last a transaction takes
(tests/backend/placement/test_concurrent_conflicts.py).
"""

from collections.abc import Iterable

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User, UserRole
from backend.accounts.permissions import is_admin, is_coordinator
from backend.core.audit import AuditAction, audit_record
from backend.core.choices import ProcurementStatus
from backend.core.errors import ForbiddenError, interpolate
from backend.core.fiscal import era_date
from backend.engagements.errors import ErrorCode
from backend.engagements.models import (
    HOLDING_STATUSES,
    CoiOverride,
    ConflictCause,
    Engagement,
    EngagementConflict,
)
from backend.engagements.services import engagement_notify
from backend.experts.models import Expert
from backend.experts.services import AFFILIATIONS_CHANGED
from backend.notifications.models import NotificationKind
from backend.notifications.selectors import recipients_parties
from backend.placement.rules import incumbent_conflicts
from backend.procurement.models import Procurement
from backend.procurement.services import PROCUREMENT_WRITTEN, VENDOR_MERGED
from backend.restrictions.selectors import vendor_may_bid


def _may_scan(actor: User) -> bool:
    """A scan follows a write of record by staff: a procurement (municipal staff), an affiliation or a vendor
    merge (coordinators), or an administrator's. Experts write none of those."""
    return bool(actor and actor.is_authenticated) and (
        is_admin(actor) or is_coordinator(actor) or actor.role == UserRole.MUNICIPAL)


def _holding(*, vendor_ids, municipality_ids, expert_ids, engagement_ids):
    engagements = Engagement.objects.filter(status__in=HOLDING_STATUSES)
    if municipality_ids is not None:
        engagements = engagements.filter(municipality_id__in=list(municipality_ids))
    if expert_ids is not None:
        engagements = engagements.filter(expert_id__in=list(expert_ids))
    if engagement_ids is not None:
        engagements = engagements.filter(pk__in=list(engagement_ids))
    if vendor_ids is not None:
        vendor_ids = list(vendor_ids)
        engagements = engagements.filter(Q(expert__affiliations__vendor_id__in=vendor_ids)
                                         | Q(municipality__procurements__incumbent_vendor_id__in=vendor_ids))
    return (Engagement.objects.filter(pk__in=engagements.values("pk"))
            .select_related("municipality__prefecture", "need").order_by("pk"))


def _excepted(engagement: Engagement) -> bool:
    """An exception in force for the pair and year already allows the expert there, whatever the procurement."""
    return CoiOverride.objects.in_force().filter(expert_id=engagement.expert_id,
                                                 municipality_id=engagement.municipality_id,
                                                 fiscal_year=engagement.fiscal_year).exists()


def _insert(*, actor: User, engagement: Engagement, procurement: Procurement, cause: str) -> EngagementConflict | None:
    """One open conflict per engagement, vendor and procurement: an existing one is kept; a concurrent insert of the
    same one is waited for (the open-conflict index) and, once committed, wins."""
    vendor_id = procurement.incumbent_vendor_id
    if EngagementConflict.objects.unresolved().filter(engagement=engagement, vendor_id=vendor_id,
                                                      procurement=procurement).exists():
        return None
    try:
        with transaction.atomic():
            return EngagementConflict.objects.create(
                engagement=engagement, vendor_id=vendor_id, procurement=procurement,
                procurement_title=procurement.title, cause=cause, found_by=actor if actor.pk else None)
    except IntegrityError:  # recorded by a concurrent write since the check
        return None


def _tell(*, actor: User, conflict: EngagementConflict, procurement: Procurement) -> None:
    engagement = conflict.engagement
    audit_record(actor=actor, action=AuditAction.ENGAGEMENT_CONFLICT_RECORD, obj=conflict,
                 prefecture=engagement.municipality.prefecture,
                 after={"engagement": engagement.pk, "expert": engagement.expert_id, "vendor": conflict.vendor_id,
                        "procurement": procurement.pk, "cause": conflict.cause})
    engagement_notify(engagement, NotificationKind.ENGAGEMENT_CONFLICT,
                      recipients_parties(municipality_id=engagement.municipality_id,
                                         prefecture_id=engagement.municipality.prefecture_id),
                      vendor=procurement.incumbent_vendor.name, procurement=procurement.title)


def conflicts_scan(*, actor: User, vendor_ids: Iterable[int] | None = None,
                   municipality_ids: Iterable[str] | None = None, expert_ids: Iterable[int] | None = None,
                   engagement_ids: Iterable[int] | None = None,
                   cause: str = ConflictCause.PROCUREMENT) -> list[EngagementConflict]:
    """Record the incumbent conflicts of the offered and active engagements the filters name (all of them without
    any: a vendor merge names the surviving vendor), each audited and told to the coordinators and the
    municipality; answers the newly recorded ones. Runs in the caller's transaction (a write's hook) or its own."""
    if not _may_scan(actor):
        raise ForbiddenError.single("conflict", ErrorCode.NOT_YOURS,
                                    _("利益相反の確認は、都道府県のコーディネーターか市区町村の職員が行います。"))
    recorded: list[tuple[EngagementConflict, Procurement]] = []
    with transaction.atomic():
        # Every row first, then their audit rows and notices: a scan waits on another's insert (the open-conflict
        # index) only before it takes the audit chain's lock, which is the last lock of any transaction.
        for engagement in _holding(vendor_ids=vendor_ids, municipality_ids=municipality_ids, expert_ids=expert_ids,
                                   engagement_ids=engagement_ids):
            if _excepted(engagement):
                continue
            expert = Expert.objects.prefetch_related("skills", "serves_prefectures", "onsite_prefectures",
                                                     "affiliations").get(pk=engagement.expert_id)
            for procurement in incumbent_conflicts(expert, engagement.municipality_id):
                conflict = _insert(actor=actor, engagement=engagement, procurement=procurement, cause=cause)
                if conflict is not None:
                    recorded.append((conflict, procurement))
        for conflict, procurement in recorded:
            _tell(actor=actor, conflict=conflict, procurement=procurement)
    return [conflict for conflict, _procurement in recorded]


# -- a planned procurement naming a restricted vendor -------------------------------------------------------------

def planned_procurement_warnings(procurement: Procurement) -> list[dict]:
    """A planned procurement whose vendor may not bid there in its fiscal year (a row of the bid-restriction
    register): one warning naming the vendor and the restriction, for the clerk who registers it."""
    if procurement.status != ProcurementStatus.PLANNED or not procurement.incumbent_vendor_id:
        return []
    answer = vendor_may_bid(vendor_id=procurement.incumbent_vendor_id, procurement=procurement)
    if answer.allowed:
        return []
    r = answer.restrictions[0]
    message = interpolate(
        _("%(vendor)sは%(municipality)sで入札参加制限中です（%(expert)sさんの任用・委託による、%(starts)s〜%(ends)s）。"
          "予定の調達「%(title)s」の入札には参加できません。"),
        vendor=r.vendor_name, municipality=r.municipality_name, expert=r.expert_name, starts=era_date(r.starts_on),
        ends=era_date(r.ends_on), title=procurement.title)
    return [{"code": "restricted_vendor", "vendor": r.vendor_id, "vendor_name": r.vendor_name, "restriction": r.id,
             "message": message}]


# -- the hooks of the writes below ----------------------------------------------------------------------------------

def _after_procurement_written(*, actor: User, procurement: Procurement, before: dict | None) -> list[dict]:
    if procurement.status == ProcurementStatus.ONGOING and procurement.incumbent_vendor_id:
        conflicts_scan(actor=actor, municipality_ids=[procurement.municipality_id],
                       vendor_ids=[procurement.incumbent_vendor_id], cause=ConflictCause.PROCUREMENT)
    return planned_procurement_warnings(procurement)


def _after_affiliations_changed(*, actor: User, expert=None, experts=()) -> list:
    ids = [expert.pk] if expert is not None else [e.pk for e in experts]
    conflicts_scan(actor=actor, expert_ids=ids, cause=ConflictCause.AFFILIATION)
    return []


def _after_vendor_merged(*, actor: User, survivor) -> list:
    conflicts_scan(actor=actor, vendor_ids=[survivor.pk], cause=ConflictCause.VENDOR_MERGE)
    return []


def hooks_register() -> None:
    """Called once at start-up (PlacementConfig.ready)."""
    PROCUREMENT_WRITTEN.register(_after_procurement_written)
    AFFILIATIONS_CHANGED.register(_after_affiliations_changed)
    VENDOR_MERGED.register(_after_vendor_merged)
