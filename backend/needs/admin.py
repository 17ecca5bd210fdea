from django.contrib import admin

from backend.core.admin import ReadOnlyAdmin, ReadOnlyInline
from backend.needs.models import Need, NeedSkill


class NeedSkillInline(ReadOnlyInline):
    model = NeedSkill


@admin.register(Need)
class NeedAdmin(ReadOnlyAdmin):
    list_display = ["__str__", "municipality", "fiscal_year", "role", "days_per_year", "budget", "priority", "status"]
    list_filter = ["fiscal_year", "role", "status", "municipality__prefecture"]
    raw_id_fields = ["municipality"]
    inlines = [NeedSkillInline]
    list_select_related = ["municipality"]
