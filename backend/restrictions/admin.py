from django.contrib import admin

from backend.restrictions.models import BidRestriction


@admin.register(BidRestriction)
class BidRestrictionAdmin(admin.ModelAdmin):
    """Read only: rows are written by backend.restrictions.services, never by hand."""

    list_display = ["vendor", "municipality", "expert", "relation", "starts_on", "ends_on", "engagement"]
    list_filter = ["relation"]
    list_select_related = ["vendor", "municipality", "expert", "engagement"]
    search_fields = ["vendor__name", "expert__name", "municipality__name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
