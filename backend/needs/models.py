"""Needs (ニーズ) that municipalities post: work pattern, weekdays, budget, skills, role."""

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import F, Func, Q
from django.utils.translation import gettext_lazy as _

from backend.core.choices import EmploymentForm, Role, Skill, Weekday, WorkPattern


class NeedStatus(models.TextChoices):
    OPEN = "open", _("募集中")
    FILLED = "filled", _("充足")
    WITHDRAWN = "withdrawn", _("取下げ")
    # Copied from last year's engagement (継続), waiting for the municipality to confirm it: not matched until then.
    RENEWAL = "renewal", _("継続の確認待ち")
    # A renewal the municipality chose not to continue (継続取りやめ): not the same as withdrawing a posted need.
    DROPPED = "dropped", _("継続取りやめ")


class FeeBasis(models.TextChoices):
    """How the municipality states the fee it offers (報酬の定め方); the engine reads the yearly amount."""

    ANNUAL = "annual", _("年額")
    MONTHLY = "monthly", _("月額")
    DAILY = "daily", _("日額")
    HOURLY = "hourly", _("時間額")


class Need(models.Model):
    municipality = models.ForeignKey(
        "geo.Municipality", verbose_name=_("市区町村"), on_delete=models.PROTECT, related_name="needs"
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    role = models.CharField(_("役割"), max_length=16, choices=Role.choices)
    title = models.CharField(_("件名"), max_length=200, blank=True)
    description = models.TextField(_("業務内容"), blank=True)
    pattern = models.CharField(_("勤務パターン"), max_length=8, choices=WorkPattern.choices)
    pattern_days = models.PositiveSmallIntegerField(_("日数"))
    days_per_year = models.PositiveSmallIntegerField(_("年間日数"))
    weekly_days = models.PositiveSmallIntegerField(_("週あたり日数"), default=0)
    weekdays = ArrayField(
        models.CharField(max_length=3, choices=Weekday.choices), verbose_name=_("勤務可能曜日"), default=list
    )
    onsite_required = models.BooleanField(_("現地勤務が必要"), default=False)
    budget = models.PositiveIntegerField(_("年間予算(円)"))
    employment_forms = ArrayField(
        models.CharField(max_length=24, choices=EmploymentForm.choices), verbose_name=_("任用形態"), default=list
    )
    onsite_days = models.PositiveSmallIntegerField(_("年間の現地勤務日数"), default=0)
    # The fee the municipality pays whoever fills the post (条例・予算で定める報酬), as entered and per year.
    fee_basis = models.CharField(_("報酬の定め方"), max_length=8, choices=FeeBasis.choices, blank=True, default="")
    fee_amount = models.PositiveIntegerField(_("報酬額(円)"), null=True, blank=True)
    fee_hours_per_day = models.DecimalField(_("1日あたり勤務時間"), max_digits=4, decimal_places=2, null=True,
                                            blank=True)
    fee_includes_tax = models.BooleanField(_("税込"), default=False)
    offered_fee = models.PositiveIntegerField(_("提示報酬(年額・円)"), null=True, blank=True)
    # The scheme the municipality plans to finance the post by (issue 24: the autumn estimate's grant; the
    # engagement made from the need takes it). Empty: the prefecture's default for the role.
    funding_scheme = models.ForeignKey("funding.FundingScheme", verbose_name=_("予定の財源"), null=True, blank=True,
                                       on_delete=models.PROTECT, related_name="needs")
    priority = models.PositiveSmallIntegerField(_("優先度"), default=3)
    # The coordinator's adjustment of the municipality's priority, with its reason; the engine uses it when set.
    adjusted_priority = models.PositiveSmallIntegerField(_("調整後の優先度"), null=True, blank=True)
    priority_reason = models.TextField(_("優先度調整の理由"), blank=True)
    status = models.CharField(_("状況"), max_length=16, choices=NeedStatus.choices, default=NeedStatus.OPEN)
    # The expert serving the post now (the engine's `current_expert`): set on a renewal, kept after confirmation.
    current_expert = models.ForeignKey("experts.Expert", verbose_name=_("現在の専門人材"), null=True, blank=True,
                                       on_delete=models.SET_NULL, related_name="+")
    # The engagement of the previous fiscal year this need renews; one renewal per engagement, ever.
    renewed_from = models.OneToOneField("engagements.Engagement", verbose_name=_("継続元の任用・委託"), null=True,
                                        blank=True, on_delete=models.PROTECT, related_name="renewal")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("ニーズ")
        verbose_name_plural = _("ニーズ")
        ordering = ["municipality_id", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(priority__gte=1, priority__lte=5), name="need_priority_1_5"),
            models.CheckConstraint(condition=Q(days_per_year__gte=1, days_per_year__lte=366),
                                   name="need_days_per_year_1_366"),
            models.CheckConstraint(condition=Q(weekly_days__lte=7), name="need_weekly_days_le_7"),
            # A weekly need accepts at least as many weekdays as it has days: the last line behind the service.
            models.CheckConstraint(condition=Q(weekly_days__lte=Func(F("weekdays"), function="cardinality")),
                                   name="need_weekly_days_le_weekdays"),
            models.CheckConstraint(condition=Q(fiscal_year__gte=2000, fiscal_year__lte=2100),
                                   name="need_fiscal_year_range"),
            models.CheckConstraint(condition=Q(weekdays__contained_by=Weekday.values), name="need_weekdays_valid"),
            models.CheckConstraint(condition=Q(employment_forms__contained_by=EmploymentForm.values),
                                   name="need_employment_forms_valid"),
            models.CheckConstraint(condition=Q(role__in=Role.values), name="need_role_valid"),
            models.CheckConstraint(condition=Q(pattern__in=WorkPattern.values), name="need_pattern_valid"),
            models.CheckConstraint(condition=Q(adjusted_priority__isnull=True)
                                   | Q(adjusted_priority__gte=1, adjusted_priority__lte=5),
                                   name="need_adjusted_priority_1_5"),
            # The engine refuses an instance that breaks these; the service refuses first, naming the field.
            models.CheckConstraint(condition=Q(offered_fee__isnull=True) | Q(offered_fee__lte=F("budget")),
                                   name="need_offered_fee_within_budget"),
            models.CheckConstraint(condition=Q(onsite_required=False, onsite_days=0)
                                   | Q(onsite_required=True, onsite_days__gte=1, onsite_days__lte=F("days_per_year")),
                                   name="need_onsite_days_fit"),
            models.CheckConstraint(condition=(Q(fee_basis="") & Q(fee_amount__isnull=True) & Q(offered_fee__isnull=True))
                                   | (~Q(fee_basis="") & Q(fee_amount__isnull=False) & Q(offered_fee__isnull=False)),
                                   name="need_fee_basis_amount_together"),
            models.CheckConstraint(condition=Q(fee_basis="hourly", fee_hours_per_day__isnull=False)
                                   | (~Q(fee_basis="hourly") & Q(fee_hours_per_day__isnull=True)),
                                   name="need_fee_hours_only_hourly"),
            # Only a renewal waits for the municipality's confirmation.
            models.CheckConstraint(condition=~Q(status="renewal") | Q(renewed_from__isnull=False),
                                   name="need_renewal_has_source"),
        ]

    def __str__(self) -> str:
        return self.title or f"{self.get_role_display()} #{self.pk}"


class NeedSkill(models.Model):
    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="skills")
    skill = models.CharField(_("スキル"), max_length=24, choices=Skill.choices)
    level = models.PositiveSmallIntegerField(_("レベル"))
    required = models.BooleanField(_("必須"), default=True)

    class Meta:
        ordering = ["need_id", "-required", "skill"]
        constraints = [
            models.UniqueConstraint(fields=["need", "skill"], name="need_skill_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="need_skill_level_1_3"),
            models.CheckConstraint(condition=Q(skill__in=Skill.values), name="need_skill_known"),
        ]

    def __str__(self) -> str:
        return f"{self.skill}:{self.level}{'' if self.required else ' (歓迎)'}"
