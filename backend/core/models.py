"""Cross-cutting records: the audit log of every state change."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditLog(models.Model):
    """Who changed what, when, with the state before and after. Written by services only."""

    at = models.DateTimeField(_("日時"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作者"), null=True, blank=True, on_delete=models.SET_NULL
    )
    prefecture = models.ForeignKey(
        "geo.Prefecture", verbose_name=_("都道府県"), null=True, blank=True, on_delete=models.SET_NULL
    )
    # Every prefecture whose coordinators may read the row: the acting prefecture and any other the change
    # touches (a vendor relied on elsewhere, the partners of a joint run). Empty: administrators only.
    scope = ArrayField(models.CharField(max_length=2), verbose_name=_("閲覧できる都道府県"), default=list)
    action = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(_("対象の種類"), max_length=64)
    object_id = models.CharField(_("対象ID"), max_length=64)
    before = models.JSONField(_("変更前"), null=True, blank=True)
    after = models.JSONField(_("変更後"), null=True, blank=True)

    class Meta:
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]), GinIndex(fields=["scope"])]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"
