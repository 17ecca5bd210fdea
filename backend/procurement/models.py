"""Vendors and the municipalities' procurements (調達) with their incumbent vendors."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from backend.core.choices import ProcurementCategory, ProcurementStatus
from backend.core.errors import interpolate
from backend.core.validators import validate_corporate_number


class Vendor(models.Model):
    """A legal entity of the shared register, known by its 法人番号 (required for every new entry; rows from before
    issue 21 may lack it until a coordinator fills it in) and compared by `name_key` (backend/procurement/names.py).

    An entry is never deleted: a duplicate is merged into another (`merged_into`, every row that named it moved
    to the survivor) and a vendor that is gone is retired; both set `retired_at`, after which the entry is no
    longer offered for new rows but stays readable wherever history names it."""

    name = models.CharField(_("名称"), max_length=200)
    # vendor_name_key(name): written by the services with the name, compared on every registration.
    name_key = models.CharField(max_length=200, blank=True, default="", db_index=True, editable=False)
    corporate_number = models.CharField(
        _("法人番号"), max_length=13, null=True, blank=True, unique=True, validators=[validate_corporate_number]
    )
    # The prefecture whose coordinators keep this entry of the shared register (None: administrators only).
    prefecture = models.ForeignKey("geo.Prefecture", verbose_name=_("登録した都道府県"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    retired_at = models.DateTimeField(_("廃止日時"), null=True, blank=True)
    merged_into = models.ForeignKey("self", verbose_name=_("統合先"), null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="absorbed")

    class Meta:
        verbose_name = _("事業者")
        verbose_name_plural = _("事業者")
        ordering = ["name", "id"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(corporate_number__isnull=True) | models.Q(corporate_number__regex=r"^[0-9]{13}$"),
                name="vendor_corporate_number_13_digits",
            ),
            models.CheckConstraint(condition=models.Q(merged_into__isnull=True) | models.Q(retired_at__isnull=False),
                                   name="vendor_merged_is_retired"),
            models.CheckConstraint(condition=~models.Q(merged_into=models.F("pk")), name="vendor_not_merged_into_itself"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        """How every picker and list names a vendor: 「名称（法人番号 1234567890123）」."""
        return vendor_label(self.name, self.corporate_number)

    @property
    def is_retired(self) -> bool:
        return self.retired_at is not None


def vendor_label(name: str, corporate_number: str | None):
    """「名称（法人番号 1234567890123）」, or 「名称（法人番号未登録）」 for an entry from before the number was asked;
    lazy, so an error message naming a vendor renders in both languages."""
    if corporate_number:
        return interpolate(pgettext_lazy("vendor label", "%(name)s（法人番号 %(number)s）"), name=name,
                           number=corporate_number)
    return interpolate(pgettext_lazy("vendor label", "%(name)s（法人番号未登録）"), name=name)


class VendorDuplicate(models.Model):
    """Two entries of the register that look like one legal entity (the same 法人番号 or the same folded name),
    listed for a coordinator to merge or dismiss. Found by migration 0003 and `manage.py find_vendor_duplicates`;
    resolved when either is merged or a coordinator says they are two (`resolved_at`, status-free)."""

    class Reason(models.TextChoices):
        NUMBER = "number", _("同じ法人番号")
        NAME = "name", _("同じ名称（表記ゆれを除く）")

    first = models.ForeignKey(Vendor, verbose_name=_("事業者"), on_delete=models.PROTECT, related_name="+")
    second = models.ForeignKey(Vendor, verbose_name=_("事業者"), on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("理由"), max_length=8, choices=Reason.choices)
    found_at = models.DateTimeField(_("検出日時"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("対応日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("重複の疑いのある事業者")
        verbose_name_plural = _("重複の疑いのある事業者")
        ordering = ["-found_at", "id"]
        constraints = [
            models.UniqueConstraint(fields=["first", "second"], name="vendor_duplicate_pair_once"),
            models.CheckConstraint(condition=models.Q(first__lt=models.F("second")), name="vendor_duplicate_ordered"),
        ]

    def __str__(self) -> str:
        return f"vendors {self.first_id} / {self.second_id} ({self.reason})"


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
