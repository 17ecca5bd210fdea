"""Users and their one role: a prefecture coordinator, municipal staff, or an expert."""

from django.contrib.auth.models import AbstractUser
from django.db import models
from django.db.models import Q
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
    # The language of what is sent to the user (notifications, their e-mail): "ja" or "en".
    language = models.CharField(_("言語"), max_length=8, default="ja")
    # Kept by backend/notifications' services (a recount in SQL on each change), so that the header shows it on
    # every page from the user row the request already loaded, without a query of its own.
    unread_notifications = models.PositiveIntegerField(_("未読のお知らせ"), default=0, editable=False)

    class Meta:
        verbose_name = _("利用者")
        verbose_name_plural = _("利用者")
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="coordinator") | Q(prefecture__isnull=False),
                name="coordinator_has_prefecture",
            ),
            models.CheckConstraint(
                condition=~Q(role="municipal") | Q(municipality__isnull=False),
                name="municipal_staff_has_municipality",
            ),
        ]

    @property
    def is_coordinator(self) -> bool:
        return self.role == UserRole.COORDINATOR

    @property
    def is_municipal(self) -> bool:
        return self.role == UserRole.MUNICIPAL

    @property
    def is_expert(self) -> bool:
        return self.role == UserRole.EXPERT
