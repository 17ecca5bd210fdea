from django.contrib import admin

from backend.core.admin import ReadOnlyAdmin
from backend.restrictions.models import BidRestriction


@admin.register(BidRestriction)
class BidRestrictionAdmin(ReadOnlyAdmin):
    """Read only: rows are written by backend.restrictions.services, never by hand."""

    list_display = ["vendor", "municipality", "expert", "relation", "starts_on", "ends_on", "engagement"]
    list_filter = ["relation"]
    list_select_related = ["vendor", "municipality", "expert", "engagement"]
    search_fields = ["vendor__name", "expert__name", "municipality__name"]
