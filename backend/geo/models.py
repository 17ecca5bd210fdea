"""The real register of Japan's 47 prefectures and 1,741 municipalities (fixtures/, see SOURCES.md)."""

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.core.validators import validate_municipality_code


class Prefecture(models.Model):
    code = models.CharField(_("都道府県コード"), max_length=2, primary_key=True)
    name = models.CharField(_("名称"), max_length=8, unique=True)
    kana = models.CharField(_("よみ"), max_length=16)
    population = models.PositiveIntegerField(_("人口"))

    class Meta:
        verbose_name = _("都道府県")
        verbose_name_plural = _("都道府県")
        ordering = ["code"]
        constraints = [
            models.CheckConstraint(
                condition=Q(code__regex=r"^(0[1-9]|[1-3][0-9]|4[0-7])$"), name="prefecture_code_01_47"
            )
        ]

    def __str__(self) -> str:
        return self.name


class MunicipalityKind(models.TextChoices):
    DESIGNATED_CITY = "政令指定都市", _("政令指定都市")
    CORE_CITY = "中核市", _("中核市")
    CITY = "市", _("市")
    TOWN = "町", _("町")
    VILLAGE = "村", _("村")
    SPECIAL_WARD = "特別区", _("特別区")


class Municipality(models.Model):
    code = models.CharField(
        _("団体コード"), max_length=6, primary_key=True, validators=[validate_municipality_code]
    )
    prefecture = models.ForeignKey(
        Prefecture, verbose_name=_("都道府県"), on_delete=models.PROTECT, related_name="municipalities"
    )
    name = models.CharField(_("名称"), max_length=32)
    kana = models.CharField(_("よみ"), max_length=64)
    kind = models.CharField(_("区分"), max_length=8, choices=MunicipalityKind.choices)
    population = models.PositiveIntegerField(_("人口"))
    population_year = models.PositiveSmallIntegerField(_("人口の基準年"))
    lat = models.FloatField(_("緯度"))
    lon = models.FloatField(_("経度"))

    class Meta:
        verbose_name = _("市区町村")
        verbose_name_plural = _("市区町村")
        ordering = ["code"]
        constraints = [
            models.UniqueConstraint(fields=["prefecture", "name"], name="municipality_name_unique_in_prefecture"),
            models.CheckConstraint(
                condition=Q(code__regex=r"^[0-9]{6}$"), name="municipality_code_six_digits"
            ),
            models.CheckConstraint(condition=Q(lat__gte=20, lat__lte=46, lon__gte=122, lon__lte=154),
                                   name="municipality_office_in_japan"),
        ]

    def __str__(self) -> str:
        return f"{self.prefecture.name}{self.name}" if "prefecture" in self.__dict__ else self.name


class PrefectureSetting(models.Model):
    """A prefecture's settings for matching and cost: one row per prefecture, created when first read."""

    prefecture = models.OneToOneField(Prefecture, verbose_name=_("都道府県"), primary_key=True,
                                      on_delete=models.CASCADE, related_name="setting")
    travel_yen_per_km = models.PositiveIntegerField(_("費用弁償の単価(円/km)"), default=37)
    # The fiscal year the prefecture is matching for (its season): every page, form and run of its users starts
    # on it. Empty: the rule of backend.core.fiscal.default_fiscal_year (the coming year from October).
    matching_season = models.PositiveSmallIntegerField(_("マッチングの対象年度"), null=True, blank=True)
    # The municipality confirms a month's activity log by this working day of the next month (issue 23).
    confirmation_working_day = models.PositiveSmallIntegerField(_("月次確認の期限（翌月の何営業日目）"), default=5)
    # An offer's answer deadline, in days from approval (issue 25); each offer's own can be changed.
    offer_answer_days = models.PositiveSmallIntegerField(_("打診への回答期限（日数）"), default=14)

    class Meta:
        verbose_name = _("都道府県の設定")
        verbose_name_plural = _("都道府県の設定")
        constraints = [
            models.CheckConstraint(condition=Q(confirmation_working_day__gte=1, confirmation_working_day__lte=20),
                                   name="confirmation_working_day_1_20"),
            models.CheckConstraint(condition=Q(offer_answer_days__gte=1, offer_answer_days__lte=90),
                                   name="offer_answer_days_1_90"),
        ]

    def __str__(self) -> str:
        return f"settings of {self.prefecture_id}"
