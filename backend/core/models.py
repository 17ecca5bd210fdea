"""Cross-cutting records: the audit log of every state change."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.contrib.postgres.indexes import GinIndex
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class AuditLog(models.Model):
    """Who changed what, when, with the state before and after. Written by `backend.core.audit.audit_record`
    only, and never changed: the database refuses UPDATE and DELETE on the table (migration 0003), and each row
    carries the SHA-256 of its canonical content chained to the previous row's (`manage.py verify_audit`).
    A user or prefecture named by a row cannot be deleted (PROTECT): deactivate the user instead."""

    at = models.DateTimeField(_("日時"), default=timezone.now, editable=False, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("操作者"), null=True, blank=True, on_delete=models.PROTECT
    )
    prefecture = models.ForeignKey(
        "geo.Prefecture", verbose_name=_("都道府県"), null=True, blank=True, on_delete=models.PROTECT
    )
    # Every prefecture whose coordinators may read the row: the acting prefecture and any other the change
    # touches (a vendor relied on elsewhere, the partners of a joint run). Empty: administrators only.
    scope = ArrayField(models.CharField(max_length=2), verbose_name=_("閲覧できる都道府県"), default=list)
    action = models.CharField(_("操作"), max_length=64)
    object_type = models.CharField(_("対象の種類"), max_length=64)
    object_id = models.CharField(_("対象ID"), max_length=64)
    before = models.JSONField(_("変更前"), null=True, blank=True)
    after = models.JSONField(_("変更後"), null=True, blank=True)
    # The previous row's hash (64 zeros for the first row) and SHA-256 over this row's canonical content and it.
    prev_hash = models.CharField(_("前の行のハッシュ"), max_length=64, editable=False)
    hash = models.CharField(_("ハッシュ"), max_length=64, unique=True, editable=False)

    class Meta:
        verbose_name = _("監査ログ")
        verbose_name_plural = _("監査ログ")
        ordering = ["-at", "-id"]
        indexes = [models.Index(fields=["object_type", "object_id"]), GinIndex(fields=["scope"])]
        constraints = [
            # A row written past audit_record (no chain) is refused, not stored with an empty hash.
            models.CheckConstraint(condition=models.Q(hash__regex=r"^[0-9a-f]{64}$")
                                   & models.Q(prev_hash__regex=r"^[0-9a-f]{64}$"), name="audit_row_is_chained"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"


class RateLimitWindow(models.Model):
    """How often one client used one public form in the current window (backend/core/ratelimit.py), kept in
    the database every web process shares, so the limit holds across workers and restarts."""

    key = models.CharField(max_length=200, unique=True)
    window_started_at = models.DateTimeField()
    count = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("利用回数の制限")
        verbose_name_plural = _("利用回数の制限")

    def __str__(self) -> str:
        return f"{self.key}: {self.count} since {self.window_started_at:%Y-%m-%d %H:%M:%S}"


class TableChange(models.Model):
    """That a transaction wrote to a table: one row per table and transaction, inserted by a statement trigger
    (backend/core/changes.py) in the writing transaction itself, so it becomes visible exactly when the write
    does. Reused reads (backend/core/reuse.py) are keyed on these rows of the tables they read. Never read or
    written by the application otherwise; old rows are pruned."""

    id = models.BigAutoField(primary_key=True)
    table = models.CharField(max_length=63)
    xact = models.BigIntegerField()

    class Meta:
        constraints = [models.UniqueConstraint(fields=["table", "xact"], name="core_tablechange_once_per_xact")]

    def __str__(self) -> str:
        return f"{self.table} #{self.id}"
