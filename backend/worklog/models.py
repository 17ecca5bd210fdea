"""The working year's record (issue 23): the days an expert worked for an engagement (活動記録), the month the
municipality confirms or disputes (月次確認), the disputes on single days and the corrections made after a month
was locked.

A month (`WorkMonth`) is one calendar month of one engagement. The expert logs days (`WorkDay`) and submits the
month; the municipality confirms it or disputes days (`DayDispute`, a reason per day); the expert answers; the
municipality confirms, and the month is locked: its days change only through an audited adjustment with a reason
(`WorkAdjustment`, which keeps the day before and after). A coordinator may record a confirmation the municipality
gave on paper, only with that document's reference. Written only by `backend.worklog.services`; what is owed for a
confirmed month is computed from these rows (never stored twice).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class WorkMonthStatus(models.TextChoices):
    """Where a month stands (its moves: backend/worklog/workflows.py)."""

    OPEN = "open", _("記録中")
    SUBMITTED = "submitted", _("確認待ち")
    DISPUTED = "disputed", _("差戻し中")
    ANSWERED = "answered", _("回答済み・再確認待ち")
    CONFIRMED = "confirmed", _("確認済み")


class WorkMonth(models.Model):
    engagement = models.ForeignKey("engagements.Engagement", verbose_name=_("任用・委託"), on_delete=models.PROTECT,
                                   related_name="work_months")
    year = models.PositiveSmallIntegerField(_("年"))
    month = models.PositiveSmallIntegerField(_("月"))
    status = models.CharField(_("状況"), max_length=16, choices=WorkMonthStatus.choices,
                              default=WorkMonthStatus.OPEN)
    # The day the municipality confirms by: the prefecture's working day of the next month (default the 5th).
    deadline = models.DateField(_("確認期限"))
    # A short code a clerk can type (mail without links): unique, e.g. "KM-7Q3F".
    reference = models.CharField(_("照会番号"), max_length=12, unique=True)
    submitted_at = models.DateTimeField(_("提出日時"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("確認日時"), null=True, blank=True)
    confirmed_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("確認者"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="+")
    # Set when a coordinator records a confirmation the municipality gave on paper (文書番号など).
    paper_reference = models.CharField(_("書面確認の文書番号"), max_length=100, blank=True)
    reminded_at = models.DateTimeField(_("督促日時"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("月次確認")
        verbose_name_plural = _("月次確認")
        ordering = ["engagement_id", "year", "month"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "year", "month"], name="one_work_month_per_engagement"),
            models.CheckConstraint(condition=Q(month__gte=1, month__lte=12), name="work_month_1_12"),
            models.CheckConstraint(condition=~Q(status="confirmed")
                                   | Q(confirmed_at__isnull=False, confirmed_by__isnull=False),
                                   name="work_month_confirmed_says_who"),
        ]

    def __str__(self) -> str:
        return f"{self.year}-{self.month:02d} of engagement {self.engagement_id}"

    @property
    def locked(self) -> bool:
        return self.status == WorkMonthStatus.CONFIRMED


class WorkDay(models.Model):
    """One working day of an expert for an engagement: counted against the contract's days unless the
    municipality left it out when it confirmed the month (`counted`)."""

    month = models.ForeignKey(WorkMonth, verbose_name=_("月次確認"), on_delete=models.PROTECT, related_name="days")
    date = models.DateField(_("日付"))
    onsite = models.BooleanField(_("現地"), default=False)
    hours = models.DecimalField(_("時間"), max_digits=4, decimal_places=2)
    topics = models.CharField(_("テーマ"), max_length=200)
    done = models.TextField(_("実施内容"))
    # A day beyond the contract's days counts only with the municipality's agreement.
    beyond_contract = models.BooleanField(_("契約日数超過"), default=False)
    agreed_at = models.DateTimeField(_("超過の同意日時"), null=True, blank=True)
    agreed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    counted = models.BooleanField(_("算定対象"), default=True)
    logged_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    logged_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("活動記録")
        verbose_name_plural = _("活動記録")
        ordering = ["date", "id"]
        constraints = [
            models.UniqueConstraint(fields=["month", "date"], name="one_work_day_per_month_date"),
            models.CheckConstraint(condition=Q(hours__gt=0, hours__lte=24), name="work_day_hours_0_24"),
            models.CheckConstraint(condition=~Q(topics=""), name="work_day_has_topics"),
            models.CheckConstraint(condition=~Q(done=""), name="work_day_says_what_was_done"),
        ]

    def __str__(self) -> str:
        return f"{self.date} ({self.hours}h) of {self.month}"


class DayDispute(models.Model):
    """The municipality's reason for disputing one logged day, and the expert's answer."""

    day = models.ForeignKey(WorkDay, verbose_name=_("活動記録"), on_delete=models.PROTECT, related_name="disputes")
    reason = models.TextField(_("差戻しの理由"))
    raised_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    raised_at = models.DateTimeField(auto_now_add=True)
    answer = models.TextField(_("回答"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+")
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("差戻し")
        verbose_name_plural = _("差戻し")
        ordering = ["raised_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="day_dispute_has_reason"),
            models.CheckConstraint(condition=Q(answered_at__isnull=True, answer="")
                                   | (Q(answered_at__isnull=False) & ~Q(answer="")),
                                   name="day_dispute_answer_together"),
        ]

    def __str__(self) -> str:
        return f"dispute #{self.pk} of day {self.day_id}"


class WorkAdjustment(models.Model):
    """A correction to a confirmed (locked) month: the day before and after (null when added or removed), why,
    and who. The day row itself is changed by the same service, inside the same transaction."""

    month = models.ForeignKey(WorkMonth, verbose_name=_("月次確認"), on_delete=models.PROTECT,
                              related_name="adjustments")
    day_date = models.DateField(_("日付"))
    before = models.JSONField(null=True, blank=True)
    after = models.JSONField(null=True, blank=True)
    reason = models.TextField(_("理由"))
    made_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    made_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("確認後の修正")
        verbose_name_plural = _("確認後の修正")
        ordering = ["made_at", "id"]
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="work_adjustment_has_reason"),
            models.CheckConstraint(condition=Q(before__isnull=False) | Q(after__isnull=False),
                                   name="work_adjustment_changes_something"),
        ]

    def __str__(self) -> str:
        return f"adjustment #{self.pk} of {self.month}"
