from django.db.models import QuerySet

from backend.accounts.models import UserRole
from backend.accounts.scoping import is_admin, scope_by_municipality
from backend.procurement.models import Procurement, Vendor


def vendor_list(*, user) -> QuerySet[Vendor]:
    """Vendors are a shared register: every signed-in user may read it (affiliations, incumbents)."""
    return Vendor.objects.order_by("name", "id")


def vendor_can_change(*, user, vendor: Vendor) -> bool:
    return is_admin(user) or user.role == UserRole.COORDINATOR


def procurement_list(*, user) -> QuerySet[Procurement]:
    queryset = Procurement.objects.select_related("municipality", "incumbent_vendor").order_by("municipality_id", "id")
    return scope_by_municipality(queryset, user)


def procurement_can_change(*, user, procurement: Procurement) -> bool:
    if is_admin(user):
        return True
    return user.role == UserRole.MUNICIPAL and procurement.municipality_id == user.municipality_id
