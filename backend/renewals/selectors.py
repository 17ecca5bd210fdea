"""Reads of renewals: the needs made from an engagement, as the user may see them."""

from django.db.models import QuerySet

from backend.accounts.scoping import scope_by_municipality
from backend.needs.models import Need


def renewal_list(*, user, fiscal_year: int | None = None) -> QuerySet[Need]:
    """Renewals in the user's scope (a coordinator their prefecture's, municipal staff their municipality's,
    experts none), with the expert and last year's engagement for the list."""
    queryset = (Need.objects.filter(renewed_from__isnull=False)
                .select_related("municipality", "current_expert", "renewed_from")
                .order_by("municipality_id", "id"))
    if fiscal_year is not None:
        queryset = queryset.filter(fiscal_year=fiscal_year)
    return scope_by_municipality(queryset, user)
