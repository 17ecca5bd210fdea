"""Engagements (任用・委託), the exceptions they were approved with, and the requests to replace their expert.

Engagements are the only source of truth for who serves whom; the restriction register (入札参加制限,
backend/restrictions) records a row per vendor when an engagement becomes active and keeps it, with the
engagement's period, after the engagement ends. An engagement is made from a proposal of a match run
(backend/runs); the runs app never writes these models.

The tables were created by the runs app and keep their names (`db_table`): the models moved, the data did not.
"""

import datetime as dt

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# EngagementStatus is declared in core.choices, where the apps below this one read it (experts' holdings,
# the register): imported here as the model's own.
from backend.core.choices import HOLDING_STATUSES, EmploymentForm, EngagementStatus, Weekday  # noqa: F401


class ExceptionState(models.TextChoices):
    """Where an exception stands: derived from its timestamps, never stored (backend/engagements/workflows.py)."""

    IN_FORCE = "in_force", _("有効")
    LAPSED = "lapsed", _("失効")
    REVOKED = "revoked", _("取消")


class CoiOverrideQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(revoked_at__isnull=True, lapsed_at__isnull=True)


class CoiOverride(models.Model):
    """An explicit, recorded exception (利益相反の例外): this expert may be placed at this municipality in this
    fiscal year although their vendor is the incumbent there. It is in force until revoked, or until every
    engagement approved with it has ended or was declined (it lapses: a later placement needs a new reason)."""

    expert = models.ForeignKey("experts.Expert", verbose_name=_("専門人材"), on_delete=models.PROTECT,
                               related_name="coi_overrides")
    municipality = models.ForeignKey("geo.Municipality", verbose_name=_("市区町村"), on_delete=models.PROTECT,
                                     related_name="+")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    reason = models.TextField(_("理由"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    lapsed_at = models.DateTimeField(_("失効日時"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("取消日時"), null=True, blank=True)
    revoked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    revoke_reason = models.TextField(_("取消の理由"), blank=True)

    objects = CoiOverrideQuerySet.as_manager()

    class Meta:
        db_table = "runs_coioverride"
        verbose_name = _("利益相反の例外")
        verbose_name_plural = _("利益相反の例外")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "municipality", "fiscal_year"],
                                    condition=Q(revoked_at__isnull=True, lapsed_at__isnull=True),
                                    name="one_override_in_force_per_pair"),
            models.CheckConstraint(condition=~Q(reason=""), name="override_has_reason"),
        ]

    def __str__(self) -> str:
        return f"override expert {self.expert_id} @ {self.municipality_id} ({self.fiscal_year})"

    @property
    def state(self) -> str:
        if self.revoked_at is not None:
            return ExceptionState.REVOKED
        return ExceptionState.LAPSED if self.lapsed_at is not None else ExceptionState.IN_FORCE


class Engagement(models.Model):
    """任用・委託: one expert serving one need of one municipality for a fiscal-year term."""

    expert = models.ForeignKey("experts.Expert", on_delete=models.PROTECT, related_name="engagements")
    municipality = models.ForeignKey("geo.Municipality", on_delete=models.PROTECT, related_name="engagements")
    need = models.ForeignKey("needs.Need", on_delete=models.PROTECT, related_name="engagements")
    proposal = models.OneToOneField("runs.Proposal", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="engagement")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    starts_on = models.DateField(_("開始日"))
    ends_on = models.DateField(_("終了日"))
    weekdays = ArrayField(models.CharField(max_length=3, choices=Weekday.choices), default=list)
    days_per_year = models.PositiveSmallIntegerField(_("年間日数"))
    fee = models.PositiveIntegerField(_("年額(円)"))
    travel_cost = models.PositiveIntegerField(_("費用弁償(円)"), default=0)
    fee_reason = models.TextField(_("報酬が提案と異なる理由"), blank=True)
    employment_form = models.CharField(_("任用形態"), max_length=24, choices=EmploymentForm.choices)
    status = models.CharField(_("状況"), max_length=16, choices=EngagementStatus.choices,
                              default=EngagementStatus.OFFERED)
    municipality_accepted_at = models.DateTimeField(null=True, blank=True)
    expert_accepted_at = models.DateTimeField(null=True, blank=True)
    # 情報漏洩防止の誓約 for this municipality, signed by the expert from the offer (backend/engagements/pledge.py).
    pledge_signed_at = models.DateTimeField(_("誓約書の署名日時"), null=True, blank=True)
    pledge_version = models.CharField(_("誓約書の版"), max_length=16, blank=True)
    declined_by = models.CharField(max_length=16, blank=True)
    coi_override = models.ForeignKey(CoiOverride, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="engagements")
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="replaced_by")
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "runs_engagement"
        verbose_name = _("任用・委託")
        verbose_name_plural = _("任用・委託")
        ordering = ["fiscal_year", "municipality_id", "id"]
        constraints = [
            # ends_on the day before starts_on was how an engagement replaced before it began was stored; such an
            # engagement is now cancelled with its term as offered (issue 21). Old rows keep it.
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on") - dt.timedelta(days=1)),
                                   name="engagement_period_valid"),
            # No engagement is active without the expert's pledge for that municipality.
            models.CheckConstraint(condition=~Q(status="active") | Q(pledge_signed_at__isnull=False),
                                   name="active_engagement_has_pledge"),
            # One engagement holds a need (active, or offered as a first placement), and at most one successor
            # is offered for it at a time (要員交代); the successor holds the need once it is active.
            models.UniqueConstraint(fields=["need"],
                                    condition=Q(status="active") | Q(status="offered", replaces__isnull=True),
                                    name="one_holding_engagement_per_need"),
            models.UniqueConstraint(fields=["need"], condition=Q(status="offered", replaces__isnull=False),
                                    name="one_offered_successor_per_need"),
        ]

    def __str__(self) -> str:
        return f"engagement #{self.pk}: expert {self.expert_id} @ {self.municipality_id} {self.fiscal_year}"

    @property
    def travel_uncounted(self) -> bool:
        """費用弁償 未算定: on-site days and an expert with no home; travel_cost then says 0 but is not known."""
        return self.expert.travel_uncounted(onsite_days=self.need.onsite_days)


class ReplacementStatus(models.TextChoices):
    OPEN = "open", _("対応中")
    COMPLETED = "completed", _("完了")


class ReplacementRequest(models.Model):
    """要員交代: municipal staff ask for another expert on an active engagement."""

    engagement = models.ForeignKey(Engagement, on_delete=models.PROTECT, related_name="replacement_requests")
    reason = models.TextField(_("理由"))
    status = models.CharField(max_length=16, choices=ReplacementStatus.choices, default=ReplacementStatus.OPEN)
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    completed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "runs_replacementrequest"
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["engagement"], condition=Q(status="open"),
                                    name="one_open_replacement_per_engagement"),
            models.CheckConstraint(condition=~Q(reason=""), name="replacement_has_reason"),
        ]

    def __str__(self) -> str:
        return f"replacement #{self.pk} of engagement {self.engagement_id}"
