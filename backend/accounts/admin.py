from django.contrib import admin
from django.contrib.auth.admin import UserAdmin

from backend.accounts.models import User


@admin.register(User)
class KenmuUserAdmin(UserAdmin):
    fieldsets = UserAdmin.fieldsets + (("kenmu", {"fields": ("role", "prefecture", "municipality", "expert")}),)
    list_display = ["username", "role", "prefecture", "municipality", "expert"]
    list_filter = ["role", "prefecture"]
    raw_id_fields = ["municipality", "expert"]
