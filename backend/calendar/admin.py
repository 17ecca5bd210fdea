from django.contrib import admin

from backend.calendar.models import ClosedDay
from backend.core.admin import ReadOnlyAdmin


@admin.register(ClosedDay)
class ClosedDayAdmin(ReadOnlyAdmin):
    list_display = ["date", "label", "prefecture", "municipality", "created_by"]
    list_filter = ["prefecture"]
    list_select_related = ["prefecture", "municipality", "created_by"]
