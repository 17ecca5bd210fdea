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
from backend.core.choices import HOLDING_STATUSES, DeclineReason, EmploymentForm, EngagementStatus, Weekday  # noqa: F401


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
    # Issue 25: the offer's answer deadline (set at approval from the prefecture's setting, changeable per offer),
    # when its reminder went out, and why it was declined or lapsed (DeclineReason, with the person's words).
    answer_by = models.DateField(_("回答期限"), null=True, blank=True)
    deadline_reminded_at = models.DateTimeField(null=True, blank=True)
    decline_code = models.CharField(_("辞退の理由"), max_length=24, choices=DeclineReason.choices, blank=True)
    decline_reason = models.TextField(_("辞退の理由（詳細）"), blank=True)
    coi_override = models.ForeignKey(CoiOverride, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="engagements")
    replaces = models.OneToOneField("self", null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="replaced_by")
    # Ending mid-year (任期途中の終了, issue 23): why, and which side ended it ("prefecture" or "municipality").
    end_reason = models.TextField(_("終了の理由"), blank=True)
    ended_by_side = models.CharField(_("終了した側"), max_length=16, blank=True)
    # How the engagement is financed (issue 24): its scheme (empty: the prefecture's default for the role,
    # backend.funding.selectors.scheme_of), and whether the expert is staff of an advanced municipality (the
    # 地域力創造アドバイザー cap differs). Set by the coordinator through backend.funding.services.
    funding_scheme = models.ForeignKey("funding.FundingScheme", verbose_name=_("財源"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="engagements")
    funding_public_staff = models.BooleanField(_("先進市町村の職員"), default=False)
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
    # The engagement ended before a successor took over (ended mid-year, its exception revoked, a conflict): the
    # request has nothing left to replace. `completed_at` says when it was closed.
    CLOSED = "closed", _("任用の終了により取下げ")


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


class ConflictState(models.TextChoices):
    """Where a conflict found on an engagement stands: derived from its timestamps, never stored."""

    OPEN = "open", _("確認待ち")
    RESOLVED = "resolved", _("解消済み")


class ConflictResolution(models.TextChoices):
    EXCEPTION = "exception", _("例外として継続")
    ENDED = "ended", _("任用を終了")


class ConflictCause(models.TextChoices):
    """The write that put the engagement in the conflict (its audit row says who and when)."""

    PROCUREMENT = "procurement", _("調達の登録・変更")
    AFFILIATION = "affiliation", _("所属の追加")
    VENDOR_MERGE = "vendor_merge", _("事業者の統合")
    DATES = "dates", _("任用期間の変更")


class EngagementConflictQuerySet(models.QuerySet):
    def unresolved(self):
        return self.filter(resolved_at__isnull=True)


class EngagementConflict(models.Model):
    """An incumbent conflict (利益相反) that arose after the engagement was offered or began: the expert's vendor
    became the incumbent of an ongoing procurement of the municipality (a procurement registered or changed, an
    affiliation added, two vendors merged, the dates moved). It stays open, shown to the coordinator and the
    municipality, until the coordinator records an exception for it or ends the engagement
    (backend/placement/conflicts.py); resolved rows stay as the record of what was decided."""

    engagement = models.ForeignKey(Engagement, verbose_name=_("任用・委託"), on_delete=models.PROTECT,
                                   related_name="conflicts")
    # Reached from a vendor (`vendor.engagement_conflicts`), so that a merge of two vendors moves these rows too.
    vendor = models.ForeignKey("procurement.Vendor", verbose_name=_("事業者"), on_delete=models.PROTECT,
                               related_name="engagement_conflicts")
    procurement = models.ForeignKey("procurement.Procurement", verbose_name=_("調達"), null=True, blank=True,
                                    on_delete=models.SET_NULL, related_name="engagement_conflicts")
    procurement_title = models.CharField(_("調達の件名"), max_length=200)  # kept if the procurement is deleted
    cause = models.CharField(_("きっかけ"), max_length=16, choices=ConflictCause.choices)
    found_at = models.DateTimeField(_("検出日時"), auto_now_add=True)
    found_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    resolved_at = models.DateTimeField(_("解消日時"), null=True, blank=True)
    resolved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")
    resolution = models.CharField(_("解消の方法"), max_length=16, choices=ConflictResolution.choices, blank=True)
    coi_override = models.ForeignKey(CoiOverride, verbose_name=_("利益相反の例外"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="conflicts")

    objects = EngagementConflictQuerySet.as_manager()

    class Meta:
        verbose_name = _("任用後に生じた利益相反")
        verbose_name_plural = _("任用後に生じた利益相反")
        ordering = ["-found_at", "-id"]
        constraints = [
            # A scan always names the procurement; a procurement deleted since leaves its conflicts (NULL) open.
            models.UniqueConstraint(fields=["engagement", "vendor", "procurement"],
                                    condition=Q(resolved_at__isnull=True),
                                    name="one_open_conflict_per_engagement_vendor_procurement"),
            models.CheckConstraint(condition=Q(resolved_at__isnull=True, resolution="")
                                   | (Q(resolved_at__isnull=False) & ~Q(resolution="")),
                                   name="conflict_resolved_with_a_resolution"),
            models.CheckConstraint(condition=~Q(resolution="exception") | Q(coi_override__isnull=False),
                                   name="conflict_exception_names_it"),
        ]

    def __str__(self) -> str:
        return f"conflict #{self.pk} of engagement {self.engagement_id} (vendor {self.vendor_id})"

    @property
    def state(self) -> str:
        return ConflictState.OPEN if self.resolved_at is None else ConflictState.RESOLVED
