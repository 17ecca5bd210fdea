"""Experts (専門人材): availability, weekdays, fees, skills and vendor affiliations."""

from django.contrib.postgres.fields import ArrayField
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.core.choices import (
    ACTIVE_RELATIONS,
    AffiliationRelation,
    CommitmentKind,
    EmploymentForm,
    Skill,
    Weekday,
)


class Expert(models.Model):
    name = models.CharField(_("氏名"), max_length=100)
    name_kana = models.CharField(_("ふりがな"), max_length=100, blank=True)
    email = models.EmailField(_("メールアドレス"), blank=True)
    phone = models.CharField(_("電話番号"), max_length=32, blank=True)
    registering_prefecture = models.ForeignKey(
        "geo.Prefecture", verbose_name=_("登録都道府県"), on_delete=models.PROTECT, related_name="registered_experts"
    )
    # Where the expert travels from (自宅・拠点): its office coordinates are the engine's `home`, for travel cost.
    home_municipality = models.ForeignKey(
        "geo.Municipality", verbose_name=_("自宅・拠点の市区町村"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    serves_prefectures = models.ManyToManyField(
        "geo.Prefecture", verbose_name=_("対応する都道府県"), related_name="served_by_experts"
    )
    onsite_prefectures = models.ManyToManyField(
        "geo.Prefecture", verbose_name=_("現地対応できる都道府県"), related_name="onsite_experts", blank=True
    )
    capacity_days = models.PositiveSmallIntegerField(_("年間稼働可能日数"))
    weekdays = ArrayField(
        models.CharField(max_length=3, choices=Weekday.choices), verbose_name=_("稼働可能曜日"), default=list
    )
    max_engagements = models.PositiveSmallIntegerField(_("最大兼務数"), default=3)
    # The lowest fee per working day the expert accepts; a municipality's offered fee may be higher.
    daily_rate = models.PositiveIntegerField(_("日額報酬の下限(円)"))
    employment_forms = ArrayField(
        models.CharField(max_length=24, choices=EmploymentForm.choices), verbose_name=_("受入可能な任用形態"),
        default=list,
    )
    pool_pledge_signed_on = models.DateField(_("秘密保持誓約の署名日"), null=True, blank=True)
    # Listed in the pool (登録中): offered to runs. Only engagements are "active" (docs/glossary.md).
    listed = models.BooleanField(_("登録中"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("専門人材")
        verbose_name_plural = _("専門人材")
        ordering = ["id"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity_days__lte=366), name="expert_capacity_days_le_366"),
            models.CheckConstraint(condition=Q(max_engagements__gte=1, max_engagements__lte=20),
                                   name="expert_max_engagements_1_20"),
            models.CheckConstraint(condition=Q(weekdays__contained_by=Weekday.values), name="expert_weekdays_valid"),
            models.CheckConstraint(condition=Q(employment_forms__contained_by=EmploymentForm.values),
                                   name="expert_employment_forms_valid"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def confidentiality_pledge(self) -> bool:
        return self.pool_pledge_signed_on is not None

    def travel_uncounted(self, *, onsite_days: int) -> bool:
        """On-site days and no home: the travel reimbursement (費用弁償) cannot be counted. It is stored as 0 but
        is not 0円; screens say 「費用弁償 未算定」 and the API a null travel_cost (issue 21)."""
        return travel_uncounted(onsite_days=onsite_days, home_municipality_id=self.home_municipality_id)


def travel_uncounted(*, onsite_days: int, home_municipality_id) -> bool:
    return bool(onsite_days) and home_municipality_id is None


class ExpertSkill(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="skills")
    skill = models.CharField(_("スキル"), max_length=24, choices=Skill.choices)
    level = models.PositiveSmallIntegerField(_("レベル"))

    class Meta:
        verbose_name = _("スキル")
        verbose_name_plural = _("スキル")
        ordering = ["expert_id", "skill"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "skill"], name="expert_skill_unique"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="expert_skill_level_1_3"),
            models.CheckConstraint(condition=Q(skill__in=Skill.values), name="expert_skill_known"),
        ]

    def __str__(self) -> str:
        return f"{self.skill}:{self.level}"


class Affiliation(models.Model):
    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="affiliations")
    vendor = models.ForeignKey("procurement.Vendor", verbose_name=_("事業者"), on_delete=models.PROTECT,
                               related_name="affiliations")
    relation = models.CharField(_("関係"), max_length=16, choices=AffiliationRelation.choices)
    ended_on = models.DateField(_("退職日"), null=True, blank=True)

    class Meta:
        verbose_name = _("所属事業者")
        verbose_name_plural = _("所属事業者")
        ordering = ["expert_id", "id"]
        constraints = [
            models.UniqueConstraint(fields=["expert", "vendor", "relation"], name="affiliation_unique"),
            models.CheckConstraint(
                condition=~Q(relation="former_employee") | Q(ended_on__isnull=False),
                name="former_employee_has_ended_on",
            ),
            models.CheckConstraint(condition=Q(relation__in=AffiliationRelation.values),
                                   name="affiliation_relation_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.vendor_id}:{self.relation}"

    @property
    def is_current(self) -> bool:
        return self.relation in ACTIVE_RELATIONS


class AffiliationChangeKind(models.TextChoices):
    ADD = "add", _("所属の追加")
    END = "end", _("退職・兼業終了")


class AffiliationChangeStatus(models.TextChoices):
    PENDING = "pending", _("確認待ち")
    ACCEPTED = "accepted", _("反映済")
    DECLINED = "declined", _("却下")


class AffiliationChange(models.Model):
    """An expert's request to change their affiliations, applied only once their coordinator accepts it.

    Affiliations are what bid restrictions hang on: a change is recorded, reviewed, and never lifts a
    restriction already in force (backend/restrictions keeps recorded rows)."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="affiliation_changes")
    kind = models.CharField(_("種類"), max_length=8, choices=AffiliationChangeKind.choices)
    vendor = models.ForeignKey("procurement.Vendor", verbose_name=_("事業者"), on_delete=models.PROTECT,
                               related_name="+")
    relation = models.CharField(_("関係"), max_length=16, choices=AffiliationRelation.choices, blank=True)
    ended_on = models.DateField(_("退職日・終了日"), null=True, blank=True)
    note = models.TextField(_("備考"), blank=True)
    status = models.CharField(_("状況"), max_length=16, choices=AffiliationChangeStatus.choices,
                              default=AffiliationChangeStatus.PENDING)
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("理由"), blank=True)

    class Meta:
        verbose_name = _("所属の変更申請")
        verbose_name_plural = _("所属の変更申請")
        ordering = ["-requested_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(kind="add") | ~Q(relation=""), name="an_added_affiliation_has_relation"),
            models.CheckConstraint(condition=~Q(kind="end") | Q(ended_on__isnull=False), name="an_ended_affiliation_has_date"),
        ]

    def __str__(self) -> str:
        return f"{self.kind} {self.vendor_id} for expert {self.expert_id} ({self.status})"


class ApplicationStatus(models.TextChoices):
    PENDING = "pending", _("審査待ち")
    ACCEPTED = "accepted", _("登録済み")
    DECLINED = "declined", _("見送り")


class ExpertApplication(models.Model):
    """An expert's application to a prefecture's pool, made without an account. Nothing of it is listed
    anywhere but to that prefecture's coordinators until one accepts it: then the Expert and their login
    are created together and the applicant is invited to set a password."""

    prefecture = models.ForeignKey("geo.Prefecture", verbose_name=_("応募先の都道府県"), on_delete=models.PROTECT,
                                   related_name="+")
    name = models.CharField(_("氏名"), max_length=100)
    name_kana = models.CharField(_("ふりがな"), max_length=100)
    email = models.EmailField(_("メールアドレス"))
    phone = models.CharField(_("電話番号"), max_length=32, blank=True)
    skills = models.JSONField(_("スキル"), default=dict)  # {skill: level 1-3}
    capacity_days = models.PositiveSmallIntegerField(_("年間稼働可能日数"))
    weekdays = ArrayField(models.CharField(max_length=3, choices=Weekday.choices), verbose_name=_("稼働可能曜日"),
                          default=list)
    daily_rate = models.PositiveIntegerField(_("希望する日額報酬の下限(円)"))
    # Where the applicant travels from; copied to the expert on acceptance (the travel reimbursement, 費用弁償).
    home_municipality = models.ForeignKey(
        "geo.Municipality", verbose_name=_("自宅・拠点の市区町村"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="+",
    )
    employment_forms = ArrayField(models.CharField(max_length=24, choices=EmploymentForm.choices),
                                  verbose_name=_("受入可能な任用形態"), default=list)
    # [{"vendor_name": "…", "relation": "employee" | "side_job" | "former_employee", "ended_on": "YYYY-MM-DD"}]
    affiliations = models.JSONField(_("所属事業者"), default=list)
    pledge_agreed_at = models.DateTimeField(_("秘密保持の誓約"))
    language = models.CharField(_("言語"), max_length=2, default="ja")
    status = models.CharField(_("状況"), max_length=16, choices=ApplicationStatus.choices,
                              default=ApplicationStatus.PENDING)
    submitted_at = models.DateTimeField(_("応募日時"), auto_now_add=True)
    decided_by = models.ForeignKey("accounts.User", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.TextField(_("理由"), blank=True)
    expert = models.OneToOneField(Expert, null=True, blank=True, on_delete=models.SET_NULL, related_name="application")

    class Meta:
        verbose_name = _("専門人材の応募")
        verbose_name_plural = _("専門人材の応募")
        ordering = ["-submitted_at", "-id"]
        constraints = [
            models.CheckConstraint(condition=~Q(status="accepted") | Q(expert__isnull=False),
                                   name="an_accepted_application_has_its_expert"),
            models.CheckConstraint(condition=~Q(status="declined") | ~Q(decision_reason=""),
                                   name="a_declined_application_has_a_reason"),
        ]

    def __str__(self) -> str:
        return f"{self.name} → {self.prefecture_id} ({self.status})"


class ExternalCommitment(models.Model):
    """Work the expert declares outside this prefecture's pool in a fiscal year (another prefecture, 地域情報化
    アドバイザー, 地域活性化起業人, the employer): its days and weekdays are taken from what the instance carries
    (issue 25). Written by the expert through backend.experts.commitments only; the coordinator sees it."""

    expert = models.ForeignKey(Expert, on_delete=models.CASCADE, related_name="commitments")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    kind = models.CharField(_("種類"), max_length=40, choices=CommitmentKind.choices)
    days_per_year = models.PositiveSmallIntegerField(_("年間日数"))
    weekdays = ArrayField(models.CharField(max_length=3, choices=Weekday.choices), verbose_name=_("曜日"),
                          default=list, blank=True)
    note = models.CharField(_("内容"), max_length=200, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("他の業務")
        verbose_name_plural = _("他の業務")
        ordering = ["expert_id", "fiscal_year", "id"]
        constraints = [
            models.CheckConstraint(condition=Q(weekdays__contained_by=Weekday.values),
                                   name="commitment_weekdays_valid"),
            models.CheckConstraint(condition=Q(days_per_year__gte=1, days_per_year__lte=366),
                                   name="commitment_days_1_366"),
        ]

    def __str__(self) -> str:
        return f"commitment of expert {self.expert_id} in {self.fiscal_year}: {self.kind}"
