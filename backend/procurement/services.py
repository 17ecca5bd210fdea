"""Writes of vendors and procurements. Every change is audited: procurement is where conflicts bite.

Each write asks its own permission first (issue 22): a procurement is written by its municipality's staff (or an
administrator); a vendor is added to the shared register by coordinators and municipal staff and kept by the
coordinators of the prefecture that registered it. Anyone else gets a ForbiddenError (403), whoever calls.
"""

from django.db import transaction
from django.forms.models import model_to_dict
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User, UserRole
from backend.accounts.permissions import is_admin, is_coordinator, is_staff_of
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import DomainError, ForbiddenError
from backend.core.hooks import Hook
from backend.core.services import model_update
from backend.geo.models import Municipality
from backend.procurement.errors import ErrorCode
from backend.procurement.models import Procurement, Vendor
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


def _vendor_snapshot(vendor: Vendor) -> dict:
    return {"name": vendor.name, "corporate_number": vendor.corporate_number}


def _corporate_number_free(number, exclude_pk=None) -> None:
    if number and Vendor.objects.filter(corporate_number=number).exclude(pk=exclude_pk).exists():
        raise DomainError.single("corporate_number", ErrorCode.UNIQUE, _("この法人番号の事業者は既に登録されています。"))


def _registering_prefecture(actor: User) -> str | None:
    if actor.role == UserRole.COORDINATOR:
        return actor.prefecture_id
    if actor.role == UserRole.MUNICIPAL:
        return actor.municipality.prefecture_id
    return None


@transaction.atomic
def vendor_create(*, actor: User, data: dict) -> Vendor:
    if not (is_coordinator(actor) or actor.role == UserRole.MUNICIPAL):
        raise ForbiddenError.single("vendor", ErrorCode.STAFF_ONLY,
                                    _("事業者を登録できるのは、コーディネーターと市区町村の職員です。"))
    number = data.get("corporate_number") or None
    _corporate_number_free(number)
    vendor = Vendor.objects.create(name=data["name"], corporate_number=number,
                                   prefecture_id=_registering_prefecture(actor))
    audit_record(actor=actor, action=AuditAction.VENDOR_CREATE, obj=vendor, prefecture=vendor.prefecture_id,
                 after=_vendor_snapshot(vendor))
    return vendor


@transaction.atomic(durable=True)
def vendor_update(*, actor: User, vendor: Vendor, data: dict) -> Vendor:
    if not vendor_can_change(user=actor, vendor=vendor):
        raise ForbiddenError.single("vendor", ErrorCode.NOT_YOURS, _("この事業者は登録した都道府県のみが変更できます。"))
    vendor = Vendor.objects.select_for_update().get(pk=vendor.pk)
    before = _vendor_snapshot(vendor)
    if "corporate_number" in data:
        vendor.corporate_number = data["corporate_number"] or None
        _corporate_number_free(vendor.corporate_number, exclude_pk=vendor.pk)
    model_update(instance=vendor, fields=("name",), data=data)
    vendor.save()
    audit_record(actor=actor, action=AuditAction.VENDOR_UPDATE, obj=vendor, prefecture=vendor.prefecture_id,
                 also_visible_to=vendor_relying_prefectures(vendor=vendor), before=before,
                 after=_vendor_snapshot(vendor))
    return vendor


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
