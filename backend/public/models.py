"""Which fiscal years a prefecture publishes on its anonymous yearly page (`/public/<code>/<year>/`), and whether
that year's page names the experts.

A row is written by `backend.public.services` only: publishing creates it or publishes it again, unpublishing
stamps `unpublished_at` (the row stays, so the record says when the page was taken down). The page itself is
read from the domain rows on every request (`backend.public.selectors`); nothing of it is stored here.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class PublishedYear(models.Model):
    prefecture = models.ForeignKey("geo.Prefecture", verbose_name=_("都道府県"), on_delete=models.PROTECT,
                                   related_name="published_years")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    published_at = models.DateTimeField(_("公開日時"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL,
                                     related_name="+")
    # Off by default: the page then names no expert anywhere. On, names appear in the lists of exceptions and
    # engagements only (never beside a count).
    show_expert_names = models.BooleanField(_("専門人材の氏名を公開する"), default=False)
    unpublished_at = models.DateTimeField(_("公開をやめた日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("公開する年度")
        verbose_name_plural = _("公開する年度")
        ordering = ["prefecture_id", "-fiscal_year"]
        constraints = [
            models.UniqueConstraint(fields=["prefecture", "fiscal_year"], name="published_year_once"),
            models.CheckConstraint(condition=Q(fiscal_year__gte=2000, fiscal_year__lte=2100),
                                   name="published_year_plausible"),
        ]

    def __str__(self) -> str:
        return f"{self.prefecture_id} {self.fiscal_year}"

    @property
    def is_published(self) -> bool:
        return self.unpublished_at is None
