from django.contrib import admin

from backend.experts.models import Affiliation, Expert, ExpertSkill


class ExpertSkillInline(admin.TabularInline):
    model = ExpertSkill
    extra = 0


class AffiliationInline(admin.TabularInline):
    model = Affiliation
    extra = 0


@admin.register(Expert)
class ExpertAdmin(admin.ModelAdmin):
    list_display = ["name", "registering_prefecture", "capacity_days", "daily_rate", "max_engagements", "listed"]
    list_filter = ["registering_prefecture", "listed"]
    search_fields = ["name", "name_kana", "email"]
    inlines = [ExpertSkillInline, AffiliationInline]
    filter_horizontal = ["serves_prefectures", "onsite_prefectures"]
