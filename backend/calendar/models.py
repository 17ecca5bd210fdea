"""The days a prefecture or a municipality closes beyond the national calendar (県民の日, 市の開庁しない日 …).

A row belongs to exactly one place: a prefecture's day closes it for every municipality in it, a municipality's
day only for that municipality. Written only by `backend.calendar.services`."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class ClosedDay(models.Model):
    date = models.DateField(_("日付"))
    label = models.CharField(_("名称"), max_length=40)
    prefecture = models.ForeignKey("geo.Prefecture", verbose_name=_("都道府県"), null=True, blank=True,
                                   on_delete=models.PROTECT, related_name="closed_days")
    municipality = models.ForeignKey("geo.Municipality", verbose_name=_("市区町村"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="closed_days")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, verbose_name=_("登録者"), on_delete=models.PROTECT,
                                   related_name="+")
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("閉庁日")
        verbose_name_plural = _("閉庁日")
        ordering = ["date", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(prefecture__isnull=False, municipality__isnull=True)
                | Q(prefecture__isnull=True, municipality__isnull=False),
                name="closed_day_one_place"),
            models.UniqueConstraint(fields=["prefecture", "date"], condition=Q(prefecture__isnull=False),
                                    name="closed_day_once_per_prefecture"),
            models.UniqueConstraint(fields=["municipality", "date"], condition=Q(municipality__isnull=False),
                                    name="closed_day_once_per_municipality"),
        ]

    def __str__(self) -> str:
        return f"{self.date} {self.label}"
