"""The bid restriction register (入札参加制限), stored with its history.

While an expert serves a municipality, every vendor the expert works for (employee or side job) may not
bid there for the four restricted contract categories. A row is written when an engagement becomes active
(and when an affiliation is added during one); an early end shortens it. Nothing here is derived on read,
and no row is deleted or cut short because an affiliation later changes: a restriction once in force stays
on record, so "was vendor X restricted at 長野市 on 1 June?" can always be answered.
"""

import datetime as dt

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.core.choices import ACTIVE_RELATIONS, AffiliationRelation, ProcurementCategory

# Every procurement category is restricted; kept as a name so the rule reads where it is applied.
RESTRICTED_CATEGORIES = tuple(c.value for c in ProcurementCategory)


class RestrictionState(models.TextChoices):
    """Where a row's period stands against a day (today, on screens): computed, never stored."""

    IN_FORCE = "in_force", _("制限中")
    NOT_STARTED = "not_started", _("開始前")
    ENDED = "ended", _("終了")


class BidRestriction(models.Model):
    vendor = models.ForeignKey("procurement.Vendor", verbose_name=_("事業者"), on_delete=models.PROTECT,
                               related_name="bid_restrictions")
    expert = models.ForeignKey("experts.Expert", verbose_name=_("専門人材"), on_delete=models.PROTECT,
                               related_name="bid_restrictions")
    municipality = models.ForeignKey("geo.Municipality", verbose_name=_("市区町村"), on_delete=models.PROTECT,
                                     related_name="bid_restrictions")
    engagement = models.ForeignKey("engagements.Engagement", verbose_name=_("任用・委託"), on_delete=models.PROTECT,
                                   related_name="bid_restrictions")
    # The affiliation as it was when the row was written; later changes of the affiliation do not touch it.
    relation = models.CharField(_("所属関係"), max_length=16,
                                choices=[(r.value, r.label) for r in AffiliationRelation if r in ACTIVE_RELATIONS])
    starts_on = models.DateField(_("制限開始日"))
    ends_on = models.DateField(_("制限終了日"))
    created_at = models.DateTimeField(_("記録日時"), auto_now_add=True)

    class Meta:
        verbose_name = _("入札参加制限")
        verbose_name_plural = _("入札参加制限")
        ordering = ["-starts_on", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "vendor"], name="one_restriction_per_engagement_and_vendor"),
            # ends_on is the day before starts_on only when the engagement ended before the row began (a row
            # added after the successor's start): it was never in force.
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on") - dt.timedelta(days=1)),
                                   name="restriction_period_valid"),
            models.CheckConstraint(condition=Q(relation__in=[r.value for r in ACTIVE_RELATIONS]),
                                   name="restriction_relation_active"),
        ]
        indexes = [
            models.Index(fields=["municipality", "vendor", "starts_on", "ends_on"], name="restriction_lookup"),
        ]

    def __str__(self) -> str:
        return f"vendor {self.vendor_id} @ {self.municipality_id} {self.starts_on}..{self.ends_on}"
