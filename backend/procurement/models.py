"""Vendors and the municipalities' procurements (調達) with their incumbent vendors."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from backend.core.choices import ProcurementCategory, ProcurementStatus
from backend.core.validators import validate_corporate_number


class Vendor(models.Model):
    name = models.CharField(_("名称"), max_length=200)
    corporate_number = models.CharField(
        _("法人番号"), max_length=13, null=True, blank=True, unique=True, validators=[validate_corporate_number]
    )
    # The prefecture whose coordinators keep this entry of the shared register (None: administrators only).
    prefecture = models.ForeignKey("geo.Prefecture", verbose_name=_("登録した都道府県"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("事業者")
        verbose_name_plural = _("事業者")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(corporate_number__isnull=True) | models.Q(corporate_number__regex=r"^[0-9]{13}$"),
                name="vendor_corporate_number_13_digits",
            )
        ]

    def __str__(self) -> str:
        return self.name


class Procurement(models.Model):
    municipality = models.ForeignKey(
        "geo.Municipality", verbose_name=_("市区町村"), on_delete=models.PROTECT, related_name="procurements"
    )
    title = models.CharField(_("件名"), max_length=200)
    category = models.CharField(_("区分"), max_length=32, choices=ProcurementCategory.choices)
    status = models.CharField(_("状況"), max_length=16, choices=ProcurementStatus.choices)
    incumbent_vendor = models.ForeignKey(
        Vendor, verbose_name=_("受託事業者"), null=True, blank=True, on_delete=models.PROTECT,
        related_name="procurements",
    )
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("調達")
        verbose_name_plural = _("調達")
        ordering = ["municipality_id", "id"]
        constraints = [
            models.CheckConstraint(condition=models.Q(fiscal_year__gte=2000, fiscal_year__lte=2100),
                                   name="procurement_fiscal_year_range"),
            models.CheckConstraint(
                condition=models.Q(category__in=ProcurementCategory.values), name="procurement_category_valid"
            ),
            models.CheckConstraint(
                condition=models.Q(status__in=ProcurementStatus.values), name="procurement_status_valid"
            ),
        ]

    def __str__(self) -> str:
        return self.title
