"""Users and their one role: a prefecture coordinator, municipal staff, or an expert; and the invitations
that bring them in (a one-time link to set a password)."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class UserRole(models.TextChoices):
    COORDINATOR = "coordinator", _("都道府県コーディネーター")
    MUNICIPAL = "municipal", _("市区町村職員")
    EXPERT = "expert", _("専門人材")
    ADMIN = "admin", _("システム管理者")


class User(AbstractUser):
    role = models.CharField(_("役割"), max_length=16, choices=UserRole.choices, default=UserRole.ADMIN)
    prefecture = models.ForeignKey(
        "geo.Prefecture", verbose_name=_("担当都道府県"), null=True, blank=True, on_delete=models.PROTECT
    )
    municipality = models.ForeignKey(
        "geo.Municipality", verbose_name=_("所属市区町村"), null=True, blank=True, on_delete=models.PROTECT
    )
    expert = models.OneToOneField(
        "experts.Expert", verbose_name=_("専門人材"), null=True, blank=True, on_delete=models.SET_NULL,
        related_name="user",
    )
    # How the other side of an active engagement reaches this member of staff (issue 21: contacts).
    phone = models.CharField(_("電話番号"), max_length=32, blank=True)
    # The language of the mail kenmu sends this user (pages follow the browser's choice).
    language = models.CharField(_("言語"), max_length=2, choices=settings.LANGUAGES, default="ja")
    # Kept by backend/notifications' services (a recount in SQL on each change), so that the header shows it on
    # every page from the user row the request already loaded, without a query of its own.
    unread_notifications = models.PositiveIntegerField(_("未読のお知らせ"), default=0, editable=False)

    class Meta:
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role=UserRole.COORDINATOR) | Q(prefecture__isnull=False),
                name="coordinator_has_prefecture",
            ),
            models.CheckConstraint(
                condition=~Q(role=UserRole.MUNICIPAL) | Q(municipality__isnull=False),
                name="municipal_staff_has_municipality",
            ),
        ]


class InvitationState(models.TextChoices):
    SENT = "sent", _("送信済み")
    USED = "used", _("使用済み")
    EXPIRED = "expired", _("期限切れ")
    REVOKED = "revoked", _("取り消し")


class Invitation(models.Model):
    """A one-time link for `user` to set their password, valid until `expires_at`.

    The link's secret is an HMAC (SECRET_KEY) of the invitation and `nonce`; the row keeps the nonce and a
    SHA-256 of the secret, so neither a database copy alone nor a task row can open an account. Resending
    draws a new nonce: the earlier link stops working.
    """

    user = models.ForeignKey(User, verbose_name=_("利用者"), on_delete=models.CASCADE, related_name="invitations")
    email = models.EmailField(_("メールアドレス"))
    prefecture = models.ForeignKey("geo.Prefecture", verbose_name=_("都道府県"), on_delete=models.PROTECT,
                                   related_name="+")
    invited_by = models.ForeignKey(User, verbose_name=_("招待者"), null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    nonce = models.CharField(max_length=32)
    token_hash = models.CharField(max_length=64, unique=True)
    sent_at = models.DateTimeField(_("送信日時"))
    expires_at = models.DateTimeField(_("有効期限"))
    used_at = models.DateTimeField(_("使用日時"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("取り消し日時"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("招待")
        verbose_name_plural = _("招待")
        ordering = ["-sent_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=Q(used_at__isnull=True) | Q(revoked_at__isnull=True),
                                   name="invitation_used_or_revoked_not_both"),
        ]

    def __str__(self) -> str:
        return f"{self.email} ({self.state})"

    @property
    def state(self) -> str:
        if self.revoked_at:
            return InvitationState.REVOKED
        if self.used_at:
            return InvitationState.USED
        if self.expires_at <= timezone.now():
            return InvitationState.EXPIRED
        return InvitationState.SENT
