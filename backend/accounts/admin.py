from django import forms
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.forms import AdminUserCreationForm
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import Invitation, User, UserRole
from backend.core.admin import ReadOnlyAdmin
from backend.core.audit import AuditAction, audit_record


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

    def get_readonly_fields(self, request, obj=None):
        # Who a user is and what they may reach is set once, when the account is made (audited below); a
        # change of role or scope goes through the users page's services. Deactivation likewise.
        if obj is None:
            return ()
        return ("role", "prefecture", "municipality", "expert", "is_active", "is_staff", "is_superuser",
                "groups", "user_permissions", "last_login", "date_joined")

    def has_delete_permission(self, request, obj=None):
        return False  # audit rows name their actors: deactivate instead

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        if not change:
            audit_record(actor=request.user, action=AuditAction.USER_CREATE, obj=obj,
                         prefecture=obj.prefecture_id or (obj.municipality.prefecture_id if obj.municipality_id else None),
                         after={"username": obj.username, "email": obj.email, "role": obj.role,
                                "prefecture": obj.prefecture_id, "municipality": obj.municipality_id})


@admin.register(Invitation)
class InvitationAdmin(ReadOnlyAdmin):
    list_display = ["email", "user", "prefecture", "sent_at", "expires_at", "used_at", "revoked_at"]
    list_filter = ["prefecture"]
    readonly_fields = ["user", "email", "prefecture", "invited_by", "sent_at", "expires_at", "used_at",
                       "revoked_at"]
    exclude = ["nonce", "token_hash"]
