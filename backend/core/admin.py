from django.contrib import admin

from backend.core.models import AuditLog


@admin.register(AuditLog)
class AuditLogAdmin(admin.ModelAdmin):
    list_display = ["at", "actor", "action", "object_type", "object_id", "prefecture"]
    list_filter = ["action", "object_type", "prefecture"]
    readonly_fields = [f.name for f in AuditLog._meta.fields]
