from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import Invitation, User, UserRole


class KenmuUserCreationForm(AdminUserCreationForm):
    """The admin creates a coordinator with their one prefecture (the database refuses one without)."""

    class Meta(AdminUserCreationForm.Meta):
        model = User
        fields = ("username", "email", "role", "prefecture", "municipality", "language")

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("role") == UserRole.COORDINATOR and not cleaned.get("prefecture"):
            self.add_error("prefecture", forms.ValidationError(_("コーディネーターには担当都道府県が必要です。")))
        if cleaned.get("role") == UserRole.MUNICIPAL and not cleaned.get("municipality"):
            self.add_error("municipality", forms.ValidationError(_("市区町村職員には所属市区町村が必要です。")))
        return cleaned


@admin.register(User)
class KenmuUserAdmin(UserAdmin):
    add_form = KenmuUserCreationForm
    add_fieldsets = UserAdmin.add_fieldsets + (
        ("kenmu", {"fields": ("email", "role", "prefecture", "municipality", "language")}),)
    fieldsets = UserAdmin.fieldsets + (
        ("kenmu", {"fields": ("role", "prefecture", "municipality", "expert", "language")}),)
    list_display = ["username", "role", "prefecture", "municipality", "expert", "is_active"]
    list_filter = ["role", "prefecture", "is_active"]
    raw_id_fields = ["municipality", "expert"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    list_display = ["email", "user", "prefecture", "sent_at", "expires_at", "used_at", "revoked_at"]
    list_filter = ["prefecture"]
    readonly_fields = ["user", "email", "prefecture", "invited_by", "sent_at", "expires_at", "used_at",
                       "revoked_at"]
    exclude = ["nonce", "token_hash"]
