"""The funding schemes a prefecture's engagements are financed by, and the recruitment costs a scheme may count.

A scheme is a row per prefecture (`FundingScheme`), seeded with the four of `backend.funding.seeds` the first time
the prefecture's schemes are read and editable by its coordinator (every change audited). An engagement names its
scheme (`engagements.Engagement.funding_scheme`; empty: the prefecture's default for the role, see
`backend.funding.selectors.scheme_of`); a need names the scheme it plans for (`needs.Need.funding_scheme`), which the
autumn estimate and the engagement made from it take.

Recruitment costs (募集を行うための経費: advertisements, interview travel) are recorded per need or per round (a
run) by the municipality that paid them; a scheme with `counts_recruitment` adds them to the eligible amount.
"""

from decimal import Decimal

from django.conf import settings
from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.core.choices import EmploymentForm, Role


class SchemeKind(models.TextChoices):
    """What a scheme is, for the rules that differ by kind (the seeds' codes; a prefecture's own scheme is OTHER)."""

    CIO_GRANT = "cio_grant", _("特別交付税（CIO補佐官等）")
    REGIONAL_ADVISER = "regional_adviser", _("地域力創造アドバイザー")
    ENTREPRENEUR = "entrepreneur", _("地域活性化起業人")
    GENERAL = "general", _("一般財源")
    OTHER = "other", _("その他")


class FundingScheme(models.Model):
    prefecture = models.ForeignKey("geo.Prefecture", verbose_name=_("都道府県"), on_delete=models.PROTECT,
                                   related_name="funding_schemes")
    kind = models.CharField(_("種類"), max_length=24, choices=SchemeKind.choices)
    name = models.CharField(_("名称"), max_length=100)
    # The share of the eligible amount the grant covers (措置率), 0 to 1.
    rate = models.DecimalField(_("措置率"), max_digits=4, decimal_places=3, default=Decimal("0"))
    # The eligible amount per engagement and fiscal year is capped at this (円); empty: no cap.
    cap_yen = models.PositiveIntegerField(_("上限額（円・年）"), null=True, blank=True)
    # The cap for staff of advanced municipalities (先進市町村の職員), when it differs.
    cap_public_staff_yen = models.PositiveIntegerField(_("上限額・先進市町村職員（円・年）"), null=True, blank=True)
    # Eligible only with at least this many days, or at least this many visits, in the fiscal year (either
    # suffices; both empty: no threshold). A day trip counts as a day only from `day_trip_min_hours` hours.
    min_days = models.PositiveSmallIntegerField(_("必要な日数（年度内）"), null=True, blank=True)
    min_visits = models.PositiveSmallIntegerField(_("必要な訪問回数（年度内）"), null=True, blank=True)
    day_trip_min_hours = models.DecimalField(_("日帰りを1日と数える最低時間"), max_digits=4, decimal_places=2,
                                             null=True, blank=True)
    # Empty lists: every role, every employment form.
    roles = ArrayField(models.CharField(max_length=16, choices=Role.choices), verbose_name=_("対象の役割"),
                       default=list, blank=True)
    employment_forms = ArrayField(models.CharField(max_length=24, choices=EmploymentForm.choices),
                                  verbose_name=_("対象の任用形態"), default=list, blank=True)
    # The scheme finances the same expert at the same municipality for at most this many fiscal years.
    max_years = models.PositiveSmallIntegerField(_("最長年数"), null=True, blank=True)
    # A term shorter than this many months is not eligible (地域活性化起業人: 6 months).
    min_months = models.PositiveSmallIntegerField(_("最短期間（月）"), null=True, blank=True)
    counts_recruitment = models.BooleanField(_("募集経費を対象に含める"), default=False)
    # Eligible municipalities: at most this population (empty: any); the conditions in words beside it.
    max_population = models.PositiveIntegerField(_("対象市区町村の人口上限"), null=True, blank=True)
    conditions = models.TextField(_("対象団体の条件・備考"), blank=True)
    basis = models.CharField(_("根拠"), max_length=200, blank=True)  # the rule it follows, cited on documents
    active = models.BooleanField(_("使用中"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("財源")
        verbose_name_plural = _("財源")
        ordering = ["prefecture_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["prefecture", "name"], name="funding_scheme_name_unique"),
            models.UniqueConstraint(fields=["prefecture", "kind"], condition=~Q(kind="other"),
                                    name="funding_scheme_one_per_kind"),
            models.CheckConstraint(condition=Q(rate__gte=0, rate__lte=1), name="funding_scheme_rate_0_1"),
            models.CheckConstraint(condition=Q(kind__in=SchemeKind.values), name="funding_scheme_kind_known"),
            models.CheckConstraint(condition=~Q(name=""), name="funding_scheme_has_name"),
            models.CheckConstraint(condition=Q(roles__contained_by=Role.values), name="funding_scheme_roles_known"),
            models.CheckConstraint(condition=Q(employment_forms__contained_by=EmploymentForm.values),
                                   name="funding_scheme_forms_known"),
        ]

    def __str__(self) -> str:
        return self.name


class RecruitmentCostKind(models.TextChoices):
    ADVERTISEMENT = "advertisement", _("募集広告")
    INTERVIEW_TRAVEL = "interview_travel", _("面接の旅費")
    OTHER = "other", _("その他")


class RecruitmentCost(models.Model):
    """One recruitment cost a municipality paid (募集を行うための経費), for one need or one round (a run)."""

    municipality = models.ForeignKey("geo.Municipality", verbose_name=_("市区町村"), on_delete=models.PROTECT,
                                     related_name="recruitment_costs")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    need = models.ForeignKey("needs.Need", verbose_name=_("募集"), null=True, blank=True, on_delete=models.PROTECT,
                             related_name="recruitment_costs")
    run = models.ForeignKey("runs.MatchRun", verbose_name=_("マッチング"), null=True, blank=True,
                            on_delete=models.PROTECT, related_name="recruitment_costs")
    kind = models.CharField(_("種類"), max_length=24, choices=RecruitmentCostKind.choices)
    amount = models.PositiveIntegerField(_("金額（円）"))
    spent_on = models.DateField(_("支出日"))
    note = models.CharField(_("内容"), max_length=200)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("募集経費")
        verbose_name_plural = _("募集経費")
        ordering = ["spent_on", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(need__isnull=False) | Q(run__isnull=False),
                                   name="recruitment_cost_for_need_or_round"),
            models.CheckConstraint(condition=Q(amount__gte=1), name="recruitment_cost_positive"),
            models.CheckConstraint(condition=Q(kind__in=RecruitmentCostKind.values),
                                   name="recruitment_cost_kind_known"),
            models.CheckConstraint(condition=~Q(note=""), name="recruitment_cost_says_what"),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.amount}円"
