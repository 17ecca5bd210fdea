from django.contrib import admin

from backend.core.admin import ReadOnlyAdmin
from backend.geo.models import Municipality, Prefecture, PrefectureSetting


@admin.register(Prefecture)
class PrefectureAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "population"]


@admin.register(Municipality)
class MunicipalityAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "prefecture", "kind", "population"]
    list_filter = ["prefecture", "kind"]
    search_fields = ["code", "name", "kana"]
    list_select_related = ["prefecture"]


@admin.register(PrefectureSetting)
class PrefectureSettingAdmin(ReadOnlyAdmin):
    list_display = ["prefecture", "travel_yen_per_km", "matching_season", "confirmation_working_day"]
