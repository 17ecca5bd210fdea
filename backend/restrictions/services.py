"""Writes of the bid restriction register (入札参加制限).

Rows are written here and nowhere else, inside the caller's transaction: when an engagement becomes active,
when it ends early, and when an expert gains an affiliation while serving. Nothing here cuts a row short
because an affiliation was removed or became former: a restriction once in force stays on record. The one
row removed is one that never came into force: its engagement was replaced before its term began (the
audit row keeps the whole row).

Every row written has its own audit row (issue 22): `restriction.record` when it is recorded, with the vendor,
the engagement and the period; `restriction.end` when an early end shortens it, with the period's end before
and after. One audit row per restriction, not one per engagement, so that each row of the register — the
record a coordinator shows a council — has its own history, read by its id like any other object's. The
engagement's own move (activation, end) and an affiliation change are audited by their services as well.

These functions check no permission: the engagement and expert services that call them have checked their
actor, who is the actor of the rows written here. They lock after their caller (expert, then need, then
engagement, then these rows), never before.
"""

import datetime as dt
from collections.abc import Iterable
from typing import Protocol

from django.db import transaction
from django.utils import timezone

from backend.accounts.models import User
from backend.core.audit import AuditAction, audit_record
from backend.core.choices import ACTIVE_RELATIONS, AffiliationRelation, EngagementStatus
from backend.procurement.models import Vendor
from backend.restrictions.models import BidRestriction


class ServingEngagement(Protocol):
    """What the register reads of an engagement (backend.engagements sits above it and passes its rows in)."""

    pk: int
    expert_id: int
    municipality_id: str
    starts_on: dt.date
    ends_on: dt.date


class ExpertWithAffiliations(Protocol):
    """What the register reads of an expert: its id, registering prefecture, and its rows' relations
    (`affiliations`, `engagements`), declared by the apps above on the rows they own."""

    pk: int
    registering_prefecture_id: str


# (vendor id, relation): how services/callers name one affiliation, whatever its ended_on.
AffiliationKey = tuple[int, str]

# One row per vendor and engagement: an employee outranks a side job of the same vendor.
_RANK = {AffiliationRelation.EMPLOYEE: 0, AffiliationRelation.SIDE_JOB: 1}


def _restricting(pairs: Iterable[AffiliationKey]) -> dict[int, str]:
    """The vendors these affiliations restrict, each with its strongest relation; a former employer none."""
    vendors: dict[int, str] = {}
    for vendor_id, relation in pairs:
        if relation in _RANK and (vendor_id not in vendors or _RANK[relation] < _RANK[vendors[vendor_id]]):
            vendors[vendor_id] = str(relation)
    return vendors


def _record(*, actor: User, engagement: ServingEngagement, vendors: dict[int, str],
            starts_on: dt.date) -> list[BidRestriction]:
    recorded = set(BidRestriction.objects.filter(engagement=engagement).values_list("vendor_id", flat=True))
    rows = BidRestriction.objects.bulk_create([
        BidRestriction(vendor_id=vendor_id, expert_id=engagement.expert_id, municipality_id=engagement.municipality_id,
                       engagement=engagement, relation=relation, starts_on=starts_on, ends_on=engagement.ends_on)
        for vendor_id, relation in sorted(vendors.items()) if vendor_id not in recorded
    ])
    names = dict(Vendor.objects.filter(pk__in=[r.vendor_id for r in rows]).values_list("pk", "name")) if rows else {}
    for row in rows:
        audit_record(actor=actor, action=AuditAction.RESTRICTION_RECORD, obj=row,
                     prefecture=engagement.municipality.prefecture_id,
                     after={"engagement": engagement.pk, "expert": row.expert_id, "municipality": row.municipality_id,
                            "vendor": row.vendor_id, "vendor_name": names.get(row.vendor_id),
                            "relation": row.relation, "starts_on": row.starts_on, "ends_on": row.ends_on})
    return rows


@transaction.atomic
def restrictions_record_for_engagement(*, actor: User, engagement: ServingEngagement) -> list[BidRestriction]:
    """The engagement became active: one row per vendor its expert works for (employee or side job), for the
    engagement's period. Vendors already recorded for it are left as they are; returns the new rows."""
    # The expert's row lock serialises this with an affiliation change of the same expert (expert_update holds
    # it), so an affiliation added at the same moment is recorded by one of the two, never by neither.
    # The register reaches experts and engagements through the relations it declares itself (string foreign
    # keys) and the ones they declare: it imports neither app.
    BidRestriction.expert.field.related_model.objects.select_for_update().get(pk=engagement.expert_id)
    pairs = engagement.expert.affiliations.filter(relation__in=ACTIVE_RELATIONS).values_list("vendor_id", "relation")
    return _record(actor=actor, engagement=engagement, vendors=_restricting(pairs), starts_on=engagement.starts_on)


@transaction.atomic
def restrictions_sync_engagement_end(*, actor: User, engagement: ServingEngagement) -> list[BidRestriction]:
    """The engagement ended early: its rows end the same day. A row that began after that day (an affiliation
    added after the successor's start) ends the day before it began: it was never in force."""
    changed = []
    for row in BidRestriction.objects.select_for_update().filter(engagement=engagement).order_by("pk"):
        ends_on = max(engagement.ends_on, row.starts_on - dt.timedelta(days=1))
        if row.ends_on != ends_on:
            audit_record(actor=actor, action=AuditAction.RESTRICTION_END, obj=row,
                         prefecture=engagement.municipality.prefecture_id,
                         before={"ends_on": row.ends_on},
                         after={"ends_on": ends_on, "engagement": engagement.pk, "engagement_ends_on": engagement.ends_on})
            row.ends_on = ends_on
            changed.append(row)
    BidRestriction.objects.bulk_update(changed, ["ends_on"])
    return changed


@transaction.atomic
def restrictions_cancel_for_engagement(*, actor: User, engagement: ServingEngagement) -> int:
    """The engagement was replaced before its term began: its rows never came into force, so they leave the
    register (a row ending the day before it began read as a restriction that ended before it started).
    Each removal has its own audit row with the whole row; returns how many were removed."""
    rows = list(BidRestriction.objects.select_for_update().filter(engagement=engagement).order_by("pk"))
    for row in rows:
        audit_record(actor=actor, action=AuditAction.RESTRICTION_CANCEL, obj=row,
                     prefecture=engagement.municipality.prefecture_id,
                     before={"engagement": engagement.pk, "expert": row.expert_id, "municipality": row.municipality_id,
                             "vendor": row.vendor_id, "relation": row.relation, "starts_on": row.starts_on,
                             "ends_on": row.ends_on},
                     after={"because": "engagement cancelled before its start"})
    BidRestriction.objects.filter(pk__in=[r.pk for r in rows]).delete()
    return len(rows)


def _listed(pairs: set[AffiliationKey], names: dict[int, str]) -> list[dict]:
    return [{"vendor": names.get(vendor_id, str(vendor_id)), "relation": relation}
            for vendor_id, relation in sorted(pairs, key=lambda p: (names.get(p[0], ""), p[0], p[1]))]


@transaction.atomic
def restrictions_after_affiliation_change(*, expert: ExpertWithAffiliations, before: set[AffiliationKey],
                                          after: set[AffiliationKey], actor: User) -> list[BidRestriction]:
    """An affiliation added while the expert holds an active engagement restricts its vendor there from today
    (or from the engagement's start) to the engagement's end. A removed or former affiliation changes no row.
    Every change is audited, with the vendors by name and the rows it added, and each row it adds has its own
    `restriction.record` row; returns the new rows."""
    return restrictions_after_affiliation_changes(actor=actor, changes=[(expert, before, after)])


@transaction.atomic
def restrictions_after_affiliation_changes(
        *, actor: User, changes: list[tuple[ExpertWithAffiliations, set[AffiliationKey], set[AffiliationKey]]],
) -> list[BidRestriction]:
    """`restrictions_after_affiliation_change` for many experts (an import, issue 26): the same rows and audit
    rows, expert by expert, with the engagements and the vendors' names read once for all of them."""
    changes = [(expert, before, after) for expert, before, after in changes if before != after]
    if not changes:
        return []
    today = timezone.localdate()
    added = {expert.pk: _restricting(after - before) for expert, before, after in changes}
    serving: dict[int, list] = {}
    restricting_ids = [pk for pk, vendors in added.items() if vendors]
    if restricting_ids:
        engagements = changes[0][0].engagements.model.objects  # declared by engagements on the expert's rows
        for engagement in (engagements.filter(expert_id__in=restricting_ids, status=EngagementStatus.ACTIVE,
                                              ends_on__gte=today).select_related("municipality").order_by("id")):
            serving.setdefault(engagement.expert_id, []).append(engagement)
    names = dict(Vendor.objects.filter(pk__in={v for _e, before, after in changes for v, _ in before | after})
                 .values_list("pk", "name"))
    recorded: list[BidRestriction] = []
    for expert, before, after in changes:
        rows: list[BidRestriction] = []
        for engagement in serving.get(expert.pk, []):
            rows += _record(actor=actor, engagement=engagement, vendors=added[expert.pk],
                            starts_on=max(today, engagement.starts_on))
        audit_record(
            actor=actor, action=AuditAction.AFFILIATION_CHANGE, obj=expert, prefecture=expert.registering_prefecture_id,
            also_visible_to={r.engagement.municipality.prefecture_id for r in rows},
            before={"affiliations": _listed(before, names)},
            after={"affiliations": _listed(after, names),
                   "restrictions_added": [{"vendor": names.get(r.vendor_id), "municipality": r.engagement.municipality.name,
                                           "starts_on": r.starts_on, "ends_on": r.ends_on} for r in rows]})
        recorded += rows
    return recorded
