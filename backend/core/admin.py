"""The Django admin shows kenmu's records; it never writes them.

Every domain write goes through a service that checks its actor, keeps the rules (an affiliation added in the
admin would never reach the bid-restriction register) and writes its audit row, so the admin's pages for
domain models are read-only (`ReadOnlyAdmin`), and the audit log can be neither added to, changed nor deleted
there — the database refuses the last two anyway (core migration 0004).
"""

from django.contrib import admin

from backend.core.models import AuditLog


class ReadOnlyAdmin(admin.ModelAdmin):
    """Lists and shows rows; no add, change or delete (writes belong to the services)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "prefecture", "hash"]
    list_filter = ["action", "object_type", "prefecture"]
