"""Writes of vendors and procurements. Every change is audited: procurement is where conflicts bite.

Each write asks its own permission first (issue 22): a procurement is written by its municipality's staff (or an
administrator); a vendor is added to the shared register by coordinators and municipal staff and kept by the
coordinators of the prefecture that registered it. Anyone else gets a ForbiddenError (403), whoever calls.
"""

from django.core.exceptions import ValidationError
from django.db import connection, models, transaction
from django.db.models import Q
from django.forms.models import model_to_dict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User, UserRole
from backend.accounts.permissions import is_admin, is_coordinator, is_staff_of
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import ConflictError, DomainError, ForbiddenError, interpolate
from backend.core.hooks import Hook
from backend.core.services import model_update
from backend.core.validators import validate_corporate_number
from backend.geo.models import Municipality
from backend.notifications.models import NotificationKind
from backend.notifications.services import notify
from backend.procurement.errors import ErrorCode
from backend.procurement.models import Procurement, Vendor, VendorDuplicate
from backend.procurement.names import duplicate_pairs, vendor_name_key
from backend.procurement.selectors import (
    procurement_can_change,
    vendor_can_change,
    vendor_relying_prefectures,
)

# A procurement written (created or changed): the apps above register what it means for them, in the write's
# transaction — an incumbent conflict on an engagement, a restricted vendor on a planned procurement
# (backend/placement/conflicts.py). Called with actor=, procurement=, before= (None for a new one) before the
# write's audit row (the chain's lock is the last a transaction takes); what the callables answer are warnings for
# the clerk, kept on the returned procurement as `warnings`.
PROCUREMENT_WRITTEN = Hook("procurement written")
# Fired by vendor_merge once the rows moved, before its audit row: one identity may now put an engagement in an
# incumbent conflict the two entries hid (backend/placement/conflicts.py registers the scan).
VENDOR_MERGED = Hook("vendor merged")


def _vendor_snapshot(vendor: Vendor) -> dict:
    return {"name": vendor.name, "corporate_number": vendor.corporate_number}


def _same_vendor(*, number: str | None, name_key: str | None, exclude_pk=None) -> None:
    """Refuse (409) a 法人番号 or a folded name the register already holds, naming the entry that holds it.
    Retired entries count too: a merged-away name is still that vendor, and the message names its survivor."""
    others = Vendor.objects.exclude(pk=exclude_pk).select_related("merged_into").order_by("retired_at", "id")
    if number:
        found = others.filter(corporate_number=number).first()
        if found is not None:
            raise ConflictError.single("corporate_number", ErrorCode.DUPLICATE, interpolate(
                _("この法人番号の事業者は既に登録されています：%(vendor)s。新しく登録せず、その事業者を選んでください。"),
                vendor=found.label))
    found = others.filter(name_key=name_key).first() if name_key is not None else None
    if found is not None:
        found = found.merged_into or found
        raise ConflictError.single("name", ErrorCode.DUPLICATE, interpolate(
            _("同じ名称の事業者が既に登録されています：%(vendor)s。株式会社・（株）などの表記や空白の違いは同じ名称と"
              "みなします。同じ事業者であれば、新しく登録せずその事業者を選んでください。"), vendor=found.label))


def _registering_prefecture(actor: User) -> str | None:
    if actor.role == UserRole.COORDINATOR:
        return actor.prefecture_id
    if actor.role == UserRole.MUNICIPAL:
        return actor.municipality.prefecture_id
    return None


def _lock_register(name_key: str, number: str | None) -> None:
    """Two registrations of one name or one number queue on a transaction-level advisory lock, so the second
    sees the first and is refused (the folded name has no unique index: today's duplicates wait to be merged)."""
    with connection.cursor() as cursor:
        for key in sorted({f"vendor-name:{name_key}", f"vendor-number:{number or ''}"}):
            cursor.execute("SELECT pg_advisory_xact_lock(hashtextextended(%s, 0))", [key])


@transaction.atomic
def vendor_create(*, actor: User, data: dict) -> Vendor:
    """A new entry of the register: its 法人番号 is required, and a number or a folded name the register
    already holds is refused naming the entry that holds it (issue 21: one vendor, one identity)."""
    if not (is_coordinator(actor) or actor.role == UserRole.MUNICIPAL):
        raise ForbiddenError.single("vendor", ErrorCode.STAFF_ONLY,
                                    _("事業者を登録できるのは、コーディネーターと市区町村の職員です。"))
    name = (data.get("name") or "").strip()
    number = (data.get("corporate_number") or "").strip() or None
    if not name:
        raise DomainError.single("name", ErrorCode.REQUIRED, _("事業者の名称を入力してください。"))
    if not number:
        raise DomainError.single("corporate_number", ErrorCode.REQUIRED,
                                 _("法人番号（13桁）を入力してください。国税庁法人番号公表サイトで調べられます。"))
    _validated_number(number)
    name_key = vendor_name_key(name)
    _lock_register(name_key, number)
    _same_vendor(number=number, name_key=name_key)
    vendor = Vendor.objects.create(name=name, name_key=name_key, corporate_number=number,
                                   prefecture_id=_registering_prefecture(actor))
    audit_record(actor=actor, action=AuditAction.VENDOR_CREATE, obj=vendor, prefecture=vendor.prefecture_id,
                 after=_vendor_snapshot(vendor))
    return vendor


def _validated_number(number: str) -> None:
    try:
        validate_corporate_number(number)
    except ValidationError as exc:
        raise DomainError.single("corporate_number", ErrorCode.INVALID, exc.messages[0]) from None


def _check_keeps(actor: User, vendor: Vendor, field: str = "vendor") -> None:
    if not vendor_can_change(user=actor, vendor=vendor):
        raise ForbiddenError.single(field, ErrorCode.NOT_YOURS, interpolate(
            _("事業者「%(vendor)s」を変更できるのは、登録した都道府県のコーディネーターです。"), vendor=vendor.name))


def _check_current(vendor: Vendor, field: str = "vendor") -> None:
    if vendor.retired_at is not None:
        raise ConflictError.single(field, ErrorCode.RETIRED, interpolate(
            _("事業者「%(vendor)s」は廃止（または統合）済みです。"), vendor=vendor.name))


@transaction.atomic(durable=True)
def vendor_update(*, actor: User, vendor: Vendor, data: dict) -> Vendor:
    """The name or the 法人番号 of an entry, by the coordinators of the prefecture that registered it. A number
    may be filled in but not removed; a new name or number another entry holds is refused naming it."""
    _check_keeps(actor, vendor)
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    _check_current(vendor)
    before = _vendor_snapshot(vendor)
    name = (data["name"] or "").strip() if "name" in data else vendor.name
    number = ((data["corporate_number"] or "").strip() or None) if "corporate_number" in data else vendor.corporate_number
    if not name:
        raise DomainError.single("name", ErrorCode.REQUIRED, _("事業者の名称を入力してください。"))
    if vendor.corporate_number and not number:
        raise DomainError.single("corporate_number", ErrorCode.REQUIRED, _("登録済みの法人番号は消せません。"))
    if number:
        _validated_number(number)
    name_key = vendor_name_key(name)
    _lock_register(name_key, number)
    _same_vendor(number=number if number != vendor.corporate_number else None,
                 name_key=name_key if name_key != vendor.name_key else None, exclude_pk=vendor.pk)
    model_update(instance=vendor, fields=("name", "name_key", "corporate_number"),
                 data={"name": name, "name_key": name_key, "corporate_number": number})
    vendor.save()
    audit_record(actor=actor, action=AuditAction.VENDOR_UPDATE, obj=vendor, prefecture=vendor.prefecture_id,
                 also_visible_to=vendor_relying_prefectures(vendor=vendor), before=before,
                 after=_vendor_snapshot(vendor))
    return vendor


def vendor_require_current(*, vendor: Vendor | None, field: str = "vendor", current: Vendor | None = None) -> None:
    """A retired (or merged) vendor cannot be picked for a new row; a row that already names it may keep it.
    Called by every service that writes a vendor onto a row (procurements, affiliations, applications)."""
    if vendor is None or (current is not None and vendor.pk == current.pk):
        return
    retired = Vendor.objects.filter(pk=vendor.pk, retired_at__isnull=False).first()  # as stored, not as passed
    if retired is not None:
        _check_current(retired, field)


def _vendor_references() -> list:
    """Every foreign key of any app to a vendor, found on the model rather than imported: procurement sits below
    experts and restrictions, and a key another app adds later is moved by a merge without a change here."""
    return [rel for rel in Vendor._meta.get_fields(include_hidden=True)
            if rel.one_to_many and rel.auto_created and not rel.concrete and rel.related_model is not VendorDuplicate]


def _colliding(rel, *, survivor: Vendor, absorbed: Vendor) -> list[int]:
    """Rows of `absorbed` that would break a unique constraint of their table if moved: the survivor holds their
    twin (the same expert and relation, the same engagement). They stay with the absorbed entry, as history."""
    model, key = rel.related_model, rel.field.name
    ids: set[int] = set()
    for constraint in model._meta.constraints:
        fields = list(getattr(constraint, "fields", ()) or ())
        if not isinstance(constraint, models.UniqueConstraint) or key not in fields or constraint.condition:
            continue
        others = [f for f in fields if f != key]
        twins = model.objects.filter(**{key: survivor}).values_list(*others) if others else [()]
        taken = {tuple(t) if isinstance(t, tuple) else (t,) for t in twins}
        for pk, *values in model.objects.filter(**{key: absorbed}).values_list("pk", *others):
            if tuple(values) in taken:
                ids.add(pk)
    return sorted(ids)


@transaction.atomic(durable=True)
def vendor_merge(*, actor: User, survivor: Vendor, absorbed: Vendor, reason: str) -> Vendor:
    """`absorbed` was `survivor` all along: every row that names it (affiliations, change requests, incumbents,
    bid restrictions, entries merged into it earlier) moves to the survivor in this transaction, the absorbed entry
    is retired with `merged_into`, its open duplicate listings are resolved, one audit row lists what moved, and
    the coordinators of both entries' prefectures are told. Returns the survivor.

    The actor keeps the absorbed entry (the coordinators of its prefecture, administrators for one registered by
    no prefecture); the survivor is any current entry."""
    _check_keeps(actor, absorbed, "absorbed")
    if survivor.pk == absorbed.pk:
        raise DomainError.single("survivor", ErrorCode.SAME_VENDOR, _("同じ事業者どうしは統合できません。"))
    if not (reason or "").strip():
        raise DomainError.single("reason", ErrorCode.REQUIRED, _("統合の理由を入力してください。"))
    pair = Vendor.objects.select_for_update().filter(pk__in=[survivor.pk, absorbed.pk]).order_by("pk")
    locked = {v.pk: v for v in pair}
    survivor, absorbed = locked[survivor.pk], locked[absorbed.pk]
    _check_current(survivor, "survivor")
    if absorbed.merged_into_id is not None:  # a retired entry may still be merged: its rows move, its date stays
        _check_current(absorbed, "absorbed")
    relying = vendor_relying_prefectures(vendor=absorbed) | vendor_relying_prefectures(vendor=survivor)
    moved, kept = {}, {}
    for rel in _vendor_references():
        label = f"{rel.related_model._meta.label_lower}.{rel.field.name}"
        stay = _colliding(rel, survivor=survivor, absorbed=absorbed)
        count = (rel.related_model.objects.filter(**{rel.field.name: absorbed}).exclude(pk__in=stay)
                 .update(**{rel.field.name: survivor}))
        if count:
            moved[label] = count
        if stay:
            kept[label] = stay
    VENDOR_MERGED.fire(actor=actor, survivor=survivor)
    now = timezone.now()
    # Two numbers for one entity: one was mistyped; the survivor keeps its own, the absorbed entry keeps the other.
    number_taken = not survivor.corporate_number and absorbed.corporate_number
    before = {"survivor": _vendor_snapshot(survivor), "absorbed": _vendor_snapshot(absorbed)}
    absorbed.retired_at, absorbed.merged_into = absorbed.retired_at or now, survivor
    if number_taken:  # the survivor takes the number the absorbed entry had: 法人番号 is unique
        survivor.corporate_number, absorbed.corporate_number = absorbed.corporate_number, None
        absorbed.save(update_fields=["retired_at", "merged_into", "corporate_number"])
        survivor.save(update_fields=["corporate_number"])
    else:
        absorbed.save(update_fields=["retired_at", "merged_into"])
    VendorDuplicate.objects.filter(Q(first=absorbed) | Q(second=absorbed), resolved_at__isnull=True).update(resolved_at=now)
    audit_record(actor=actor, action=AuditAction.VENDOR_MERGE, obj=absorbed, prefecture=absorbed.prefecture_id,
                 also_visible_to=relying | {survivor.prefecture_id} - {None}, before=before,
                 after={"survivor": _vendor_snapshot(survivor), "merged_into": survivor.pk,
                        "retired_at": absorbed.retired_at, "moved": moved, "kept_with_absorbed": kept,
                        "reason": reason.strip()})
    prefectures = sorted({p for p in (survivor.prefecture_id, absorbed.prefecture_id) if p})
    if prefectures:
        notify(recipients=User.objects.filter(role=UserRole.COORDINATOR, prefecture_id__in=prefectures, is_active=True),
               kind=NotificationKind.VENDOR_MERGED, link=f"/vendors/{survivor.pk}/",
               params={"survivor": survivor.name, "absorbed": absorbed.name, "reason": reason.strip(),
                       "actor": actor.get_full_name() or actor.username})
    return survivor


@transaction.atomic(durable=True)
def vendor_retire(*, actor: User, vendor: Vendor, reason: str) -> Vendor:
    """A vendor that is gone (dissolved, registered by mistake): no longer offered for new rows; every row that
    names it keeps it, as history."""
    _check_keeps(actor, vendor)
    if not (reason or "").strip():
        raise DomainError.single("reason", ErrorCode.REQUIRED, _("廃止の理由を入力してください。"))
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    _check_current(vendor)
    vendor.retired_at = timezone.now()
    vendor.save(update_fields=["retired_at"])
    VendorDuplicate.objects.filter(Q(first=vendor) | Q(second=vendor), resolved_at__isnull=True).update(
        resolved_at=vendor.retired_at)
    audit_record(actor=actor, action=AuditAction.VENDOR_RETIRE, obj=vendor, prefecture=vendor.prefecture_id,
                 also_visible_to=vendor_relying_prefectures(vendor=vendor), before={"retired_at": None},
                 after={"retired_at": vendor.retired_at, "reason": reason.strip()})
    return vendor


@transaction.atomic(durable=True)
def vendor_duplicate_dismiss(*, actor: User, duplicate: VendorDuplicate, reason: str = "") -> VendorDuplicate:
    """A listed pair is two vendors after all (two legal entities with one name): resolved without a merge."""
    duplicate = VendorDuplicate.objects.select_for_update().select_related("first", "second").get(pk=duplicate.pk)
    if not (vendor_can_change(user=actor, vendor=duplicate.first) or vendor_can_change(user=actor, vendor=duplicate.second)):
        raise ForbiddenError.single("duplicate", ErrorCode.NOT_YOURS,
                                    _("この重複の疑いを解消できるのは、どちらかの事業者を登録した都道府県のコーディネーターです。"))
    if duplicate.resolved_at is not None:
        raise ConflictError.single("duplicate", ErrorCode.RESOLVED, _("この重複の疑いは対応済みです。"))
    duplicate.resolved_at = timezone.now()
    duplicate.save(update_fields=["resolved_at"])
    audit_record(actor=actor, action=AuditAction.VENDOR_DUPLICATE_DISMISS, obj=duplicate,
                 prefecture=duplicate.first.prefecture_id, also_visible_to={duplicate.second.prefecture_id} - {None},
                 after={"first": _vendor_snapshot(duplicate.first), "second": _vendor_snapshot(duplicate.second),
                        "reason": (reason or "").strip()})
    return duplicate


def vendor_duplicates_find() -> int:
    """List the current entries that look like one vendor and are not listed yet (a dismissed pair stays
    dismissed). The system's own sweep (`manage.py find_vendor_duplicates`, migration 0004): no actor, no
    audit row, since it records a suspicion and changes no vendor. Returns how many pairs it added."""
    rows = Vendor.objects.filter(retired_at__isnull=True).values_list("pk", "name_key", "corporate_number")
    pairs = duplicate_pairs(list(rows))
    listed = VendorDuplicate.objects.count()
    VendorDuplicate.objects.bulk_create(
        [VendorDuplicate(first_id=a, second_id=b, reason=reason) for (a, b), reason in pairs.items()],
        ignore_conflicts=True)
    return VendorDuplicate.objects.count() - listed


def _procurement_snapshot(p: Procurement) -> dict:
    return model_to_dict(p, fields=["municipality", "title", "category", "status", "incumbent_vendor",
                                    "fiscal_year"])


def _check_may_change(actor: User, procurement: Procurement) -> None:
    if not procurement_can_change(user=actor, procurement=procurement):
        raise ForbiddenError.single("procurement", ErrorCode.NOT_YOURS,
                                    _("この調達を変更できるのは、その市区町村の職員です。"))


def _municipality_for(*, actor: User, data: dict, current: Municipality | None = None) -> Municipality:
    """The municipality a procurement is registered for or moved to: the one named, else its own, else (for
    its staff) the actor's. Refused (403) unless the actor is that municipality's staff or an administrator."""
    own = actor.municipality if actor.role == UserRole.MUNICIPAL else None
    target = data.get("municipality") or current or own
    if target is None:
        raise DomainError.single("municipality", ErrorCode.REQUIRED, _("市区町村は必須です。"))
    if is_admin(actor) or is_staff_of(actor, target.pk):
        return target
    if own is not None:
        raise ForbiddenError.single("municipality", ErrorCode.NOT_YOUR_MUNICIPALITY,
                                    _("自分の市区町村の調達のみ登録できます。"))
    raise ForbiddenError.single("municipality", ErrorCode.NOT_YOURS,
                                _("調達を登録できるのは、その市区町村の職員です。"))


@transaction.atomic
def procurement_create(*, actor: User, data: dict) -> Procurement:
    municipality = _municipality_for(actor=actor, data=data)
    vendor_require_current(vendor=data.get("incumbent_vendor"), field="incumbent_vendor")
    procurement = Procurement.objects.create(
        municipality=municipality, title=data["title"], category=data["category"], status=data["status"],
        incumbent_vendor=data.get("incumbent_vendor"), fiscal_year=data["fiscal_year"],
    )
    # Before the write's audit row: the hooks' rows wait on one another, never while holding the chain's lock.
    procurement.warnings = PROCUREMENT_WRITTEN.fire(actor=actor, procurement=procurement, before=None)
    audit_record(actor=actor, action=AuditAction.PROCUREMENT_CREATE, obj=procurement, prefecture=municipality.prefecture,
                 after=_procurement_snapshot(procurement))
    return procurement


def _locked(procurement: Procurement) -> Procurement:
    # FOR NO KEY UPDATE: rows that point at the procurement (a conflict a concurrent scan records) may still be
    # inserted meanwhile; FOR UPDATE would make them wait while the write waits on them (a deadlock).
    return Procurement.objects.select_for_update(of=("self",), no_key=True).select_related("municipality").get(
        pk=procurement.pk)


@transaction.atomic(durable=True)
def procurement_update(*, actor: User, procurement: Procurement, data: dict) -> Procurement:
    procurement = _locked(procurement)
    _check_may_change(actor, procurement)
    before = _procurement_snapshot(procurement)
    procurement.municipality = _municipality_for(actor=actor, data=data, current=procurement.municipality)
    vendor_require_current(vendor=data.get("incumbent_vendor"), field="incumbent_vendor",
                           current=procurement.incumbent_vendor)
    model_update(instance=procurement, fields=("title", "category", "status", "incumbent_vendor", "fiscal_year"), data=data)
    procurement.save()
    procurement.warnings = PROCUREMENT_WRITTEN.fire(actor=actor, procurement=procurement, before=before)
    audit_record(actor=actor, action=AuditAction.PROCUREMENT_UPDATE, obj=procurement,
                 prefecture=procurement.municipality.prefecture, before=before,
                 after=_procurement_snapshot(procurement))
    return procurement


@transaction.atomic(durable=True)
def procurement_delete(*, actor: User, procurement: Procurement) -> None:
    procurement = _locked(procurement)
    _check_may_change(actor, procurement)
    before = _procurement_snapshot(procurement)
    audit_record(actor=actor, action=AuditAction.PROCUREMENT_DELETE, obj=procurement,
                 prefecture=procurement.municipality.prefecture, before=before)
    procurement.delete()
