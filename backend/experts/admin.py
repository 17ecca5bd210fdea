from django.contrib import admin

from backend.core.admin import ReadOnlyAdmin, ReadOnlyInline
from backend.experts.models import Affiliation, Expert, ExpertSkill


class ExpertSkillInline(ReadOnlyInline):
    model = ExpertSkill


class AffiliationInline(ReadOnlyInline):
    model = Affiliation


@admin.register(Expert)
class ExpertAdmin(ReadOnlyAdmin):
    list_display = ["name", "registering_prefecture", "capacity_days", "daily_rate", "max_engagements", "listed"]
    list_filter = ["registering_prefecture", "listed"]
    search_fields = ["name", "name_kana", "email"]
    inlines = [ExpertSkillInline, AffiliationInline]
    filter_horizontal = ["serves_prefectures", "onsite_prefectures"]
