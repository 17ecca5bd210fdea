"""Both sides have a say before the match (issue 25): a municipality's wishes about the candidates of its need
(第一希望 / 希望 / 可) and an expert's interest in a need, each one row per (need, expert, side); vetoes (不可) with
a reason, which the instance carries as forbids naming who and when; and the second round (二次調整) a
coordinator publishes after the main run.

Rows are written by backend.wishes.services only, each change audited. A veto is never deleted: withdrawing it
stamps `withdrawn_at`, so the record says who vetoed whom, when and why, and when that ended. The coordinator
sees vetoes and can discuss them; only the side that recorded one withdraws it.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from backend.core.choices import WishLevel, WishSide


class Wish(models.Model):
    need = models.ForeignKey("needs.Need", verbose_name=_("ニーズ"), on_delete=models.CASCADE, related_name="wishes")
    expert = models.ForeignKey("experts.Expert", verbose_name=_("専門人材"), on_delete=models.CASCADE,
                               related_name="wishes")
    side = models.CharField(_("希望した側"), max_length=16, choices=WishSide.choices)
    level = models.PositiveSmallIntegerField(_("希望の度合い"), choices=WishLevel.choices)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("希望")
        verbose_name_plural = _("希望")
        ordering = ["need_id", "expert_id", "side"]
        constraints = [
            models.UniqueConstraint(fields=["need", "expert", "side"], name="one_wish_per_pair_and_side"),
            models.CheckConstraint(condition=Q(level__gte=1, level__lte=3), name="wish_level_1_3"),
            models.CheckConstraint(condition=Q(side__in=WishSide.values), name="wish_side_valid"),
        ]

    def __str__(self) -> str:
        return f"wish {self.side} need {self.need_id} expert {self.expert_id}: {self.level}"


class VetoQuerySet(models.QuerySet):
    def in_force(self):
        return self.filter(withdrawn_at__isnull=True)


class Veto(models.Model):
    """不可: the municipality about one expert for one need (`need` set), or the expert about a whole municipality
    (`municipality` set): 「この専門人材は不可」, 「この市町村には行けない」."""

    side = models.CharField(_("不可とした側"), max_length=16, choices=WishSide.choices)
    expert = models.ForeignKey("experts.Expert", verbose_name=_("専門人材"), on_delete=models.CASCADE,
                               related_name="vetoes")
    need = models.ForeignKey("needs.Need", verbose_name=_("ニーズ"), null=True, blank=True, on_delete=models.CASCADE,
                             related_name="vetoes")
    municipality = models.ForeignKey("geo.Municipality", verbose_name=_("市区町村"), null=True, blank=True,
                                     on_delete=models.PROTECT, related_name="vetoes")
    reason = models.TextField(_("理由"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(_("登録日時"), auto_now_add=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+")
    withdrawn_at = models.DateTimeField(_("取下げ日時"), null=True, blank=True)

    objects = VetoQuerySet.as_manager()

    class Meta:
        verbose_name = _("不可")
        verbose_name_plural = _("不可")
        ordering = ["-created_at", "id"]
        constraints = [
            # A municipality vetoes an expert for a need; an expert vetoes a municipality.
            models.CheckConstraint(
                condition=(Q(side=WishSide.MUNICIPALITY, need__isnull=False, municipality__isnull=True)
                           | Q(side=WishSide.EXPERT, need__isnull=True, municipality__isnull=False)),
                name="veto_names_its_object"),
            models.CheckConstraint(condition=~Q(reason=""), name="veto_has_reason"),
            models.UniqueConstraint(fields=["need", "expert"], condition=Q(withdrawn_at__isnull=True, side="municipality"),
                                    name="one_veto_per_need_and_expert"),
            models.UniqueConstraint(fields=["municipality", "expert"],
                                    condition=Q(withdrawn_at__isnull=True, side="expert"),
                                    name="one_veto_per_municipality_and_expert"),
        ]

    def __str__(self) -> str:
        return f"veto by {self.side} of expert {self.expert_id}"


class Round(models.Model):
    """二次調整: the unfilled needs a coordinator publishes after the main run, with a deadline for experts'
    interest. The second-round run (MatchRun.kind second_round, MatchRun.round) takes only these needs."""

    prefecture = models.ForeignKey("geo.Prefecture", verbose_name=_("都道府県"), on_delete=models.PROTECT,
                                   related_name="rounds")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    main_run = models.ForeignKey("runs.MatchRun", verbose_name=_("一次の実行"), null=True, blank=True,
                                 on_delete=models.PROTECT, related_name="+")
    needs = models.ManyToManyField("needs.Need", verbose_name=_("公開したニーズ"), related_name="rounds")
    deadline = models.DateField(_("希望の締切"))
    published_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    published_at = models.DateTimeField(_("公開日時"))
    closed_at = models.DateTimeField(_("締切日時"), null=True, blank=True)

    class Meta:
        verbose_name = _("二次調整")
        verbose_name_plural = _("二次調整")
        ordering = ["prefecture_id", "-fiscal_year", "-published_at"]
        constraints = [
            models.UniqueConstraint(fields=["prefecture", "fiscal_year"], condition=Q(closed_at__isnull=True),
                                    name="one_open_round_per_prefecture_year"),
        ]

    def __str__(self) -> str:
        return f"second round {self.prefecture_id} {self.fiscal_year}"
