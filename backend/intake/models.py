"""An import too big for one request (issue 26): its rows wait here for the worker, which reports its progress
and, when it ends, what it created or why it stored nothing (the errors by row and column, as a request would)."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class ImportJobStatus(models.TextChoices):
    QUEUED = "queued", _("待機中")
    RUNNING = "running", _("取り込み中")
    SUCCEEDED = "succeeded", _("完了")
    FAILED = "failed", _("登録せず")


class ImportJob(models.Model):
    kind = models.CharField(_("登録する内容"), max_length=16)
    file_name = models.CharField(_("ファイル名"), max_length=255)
    # The coordinator who uploaded the file: every row is written as theirs, and their prefecture scopes the job.
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登録者"), on_delete=models.PROTECT,
                              related_name="import_jobs")
    prefecture = models.ForeignKey("geo.Prefecture", verbose_name=_("都道府県"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="import_jobs")
    status = models.CharField(_("状態"), max_length=16, choices=ImportJobStatus.choices, default=ImportJobStatus.QUEUED)
    # The rows as read from the file ({header: text}); emptied when the job ends.
    rows = models.JSONField(_("行"), default=list, blank=True)
    rows_total = models.PositiveIntegerField(_("行数"), default=0)
    rows_done = models.PositiveIntegerField(_("検証済みの行数"), default=0)
    created_ids = ArrayField(models.BigIntegerField(), verbose_name=_("登録したID"), default=list, blank=True)
    errors = models.JSONField(_("誤り"), default=list, blank=True)
    created_at = models.DateTimeField(_("受付日時"), default=timezone.now, editable=False)
    started_at = models.DateTimeField(_("開始日時"), null=True, blank=True)
    finished_at = models.DateTimeField(_("終了日時"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新日時"), auto_now=True)

    class Meta:
        verbose_name = _("取り込み")
        verbose_name_plural = _("取り込み")
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.file_name
