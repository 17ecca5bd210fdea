from django.db.models import Q, QuerySet

from backend.accounts.permissions import coordinates, is_admin, is_coordinator, is_staff_of
from backend.accounts.scoping import scope_by_municipality
from backend.procurement.models import Procurement, Vendor, VendorDuplicate


def vendor_list(*, user) -> QuerySet[Vendor]:
    """Vendors are a shared register: every signed-in user may read it (affiliations, incumbents), retired
    and merged entries included, since history names them."""
    return Vendor.objects.select_related("merged_into").order_by("name", "id")


def vendor_pickable(*, user, keep=()) -> QuerySet[Vendor]:
    """The entries a picker offers: the current ones (retired and merged entries are not), and `keep`, the ids
    the edited row already names, so that editing it does not silently drop them."""
    keep = [int(pk) for pk in keep if str(pk).isascii() and str(pk).isdigit()]
    return Vendor.objects.filter(Q(retired_at__isnull=True) | Q(pk__in=keep)).order_by("name", "id")


def vendor_identity_ids(*, vendor_id: int) -> list[int]:
    """The entries that are one vendor with `vendor_id`: its survivor (if merged) and every entry merged into
    that survivor. A question about one (may it bid?) is a question about all."""
    survivor = Vendor.objects.filter(pk=vendor_id).values_list("merged_into_id", flat=True).first() or vendor_id
    return [survivor, *Vendor.objects.filter(merged_into_id=survivor).values_list("pk", flat=True)]


def vendor_duplicate_list(*, user) -> QuerySet[VendorDuplicate]:
    """Open duplicate listings for a coordinator: the pairs one of whose entries they keep (all, for an admin)."""
    rows = VendorDuplicate.objects.filter(resolved_at__isnull=True).select_related("first", "second")
    if is_admin(user):
        return rows
    if not is_coordinator(user):
        return rows.none()
    return rows.filter(Q(first__prefecture_id=user.prefecture_id) | Q(second__prefecture_id=user.prefecture_id))


def vendor_can_change(*, user, vendor: Vendor) -> bool:
    """The shared register: each entry is kept by the coordinators of the prefecture that registered it."""
    return coordinates(user, vendor.prefecture_id)


def vendor_relying_prefectures(*, vendor: Vendor) -> set[str]:
    """Prefectures whose records rely on the vendor: incumbents of their procurements, employers of their experts."""
    incumbent_of = Procurement.objects.filter(incumbent_vendor=vendor).values_list(
        "municipality__prefecture_id", flat=True)
    # Through the relation experts declares on Vendor: procurement sits below experts and imports none of it.
    employer_of = vendor.affiliations.values_list("expert__registering_prefecture_id", flat=True)
    return {*incumbent_of, *employer_of} - {None}


def procurement_list(*, user) -> QuerySet[Procurement]:
    queryset = Procurement.objects.select_related("municipality", "incumbent_vendor").order_by("municipality_id", "id")
    return scope_by_municipality(queryset, user)


def procurement_list_rows(procurements: QuerySet[Procurement]) -> QuerySet:
    """A list page of `procurements` in one query: the shown columns and two names as dicts (not the whole
    municipality and vendor rows)."""
    return procurements.values("id", "municipality_id", "municipality__name", "title", "category", "status",
                               "incumbent_vendor_id", "incumbent_vendor__name", "fiscal_year", "created_at",
                               "updated_at")


def procurement_can_change(*, user, procurement: Procurement) -> bool:
    return is_admin(user) or is_staff_of(user, procurement.municipality_id)
