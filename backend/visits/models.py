"""The visit plan (訪問予定): the dates an expert comes for an engagement, and the secret iCal feed of each user.

A `PlannedVisit` is one date of one engagement. Its expert is copied from the engagement so that the database
itself refuses two places on one date for an expert (the last line behind the planner and the move). A cancelled
visit stays as the record of what was planned; a moved one keeps the date it came from, who moved it, when and
why. Written only by `backend.visits.services`.
"""

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("予定")
    CANCELLED = "cancelled", _("取消")


class PlannedVisit(models.Model):
    engagement = models.ForeignKey("engagements.Engagement", verbose_name=_("任用・委託"), on_delete=models.PROTECT,
                                   related_name="visits")
    expert = models.ForeignKey("experts.Expert", verbose_name=_("専門人材"), on_delete=models.PROTECT,
                               related_name="visits")
    date = models.DateField(_("日付"))
    onsite = models.BooleanField(_("現地"), default=False)
    status = models.CharField(_("状況"), max_length=16, choices=VisitStatus.choices, default=VisitStatus.PLANNED)
    moved_from = models.DateField(_("変更前の日付"), null=True, blank=True)
    moved_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("変更者"), null=True, blank=True,
                                 on_delete=models.SET_NULL, related_name="+")
    moved_at = models.DateTimeField(_("変更日時"), null=True, blank=True)
    move_reason = models.TextField(_("変更の理由"), blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("訪問予定")
        verbose_name_plural = _("訪問予定")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "date"], condition=Q(status="planned"),
                                    name="one_planned_visit_per_expert_and_date"),
            models.CheckConstraint(condition=Q(moved_from__isnull=True) | Q(moved_at__isnull=False),
                                   name="moved_visit_says_when"),
        ]
        indexes = [models.Index(fields=["engagement", "date"], name="visit_engagement_date")]

    def __str__(self) -> str:
        return f"visit {self.date} of engagement {self.engagement_id}"


def new_feed_token() -> str:
    return secrets.token_urlsafe(32)


class CalendarFeed(models.Model):
    """A user's secret iCal feed URL (/calendar/<token>.ics): renewing it makes the old URL stop working."""

    user = models.OneToOneField(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=new_feed_token)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("カレンダー配信")
        verbose_name_plural = _("カレンダー配信")

    def __str__(self) -> str:
        return f"calendar feed of user {self.user_id}"
