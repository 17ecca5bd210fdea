"""Goals and evaluation (目標と評価, issue 23 item 7): up to five goals the municipality and the expert set for an
engagement, and the evaluations of October (中間) and March (年度末): the municipality's of each goal (達成・一部達成・
未達成) with an overall 1–5, and the expert's self-evaluation, kept apart (one per engagement, fiscal year, period and
side). Written only by `backend.goals.services`; the renewal and the candidates of the next year read the last
municipality-side evaluation (`backend.goals.selectors.last_evaluation`).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

MAX_GOALS = 5
GOAL_LENGTH = 300


class EvaluationPeriod(models.TextChoices):
    OCTOBER = "october", _("中間")
    MARCH = "march", _("年度末")


class EvaluationSide(models.TextChoices):
    MUNICIPALITY = "municipality", _("市区町村の評価")
    EXPERT = "expert", _("専門人材の自己評価")


class GoalRatingValue(models.TextChoices):
    ACHIEVED = "achieved", _("達成")
    PARTLY = "partly", _("一部達成")
    NOT_ACHIEVED = "not_achieved", _("未達成")


class Goal(models.Model):
    engagement = models.ForeignKey("engagements.Engagement", verbose_name=_("任用・委託"), on_delete=models.PROTECT,
                                   related_name="goals")
    position = models.PositiveSmallIntegerField(_("番号"))
    text = models.CharField(_("目標"), max_length=GOAL_LENGTH)
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    set_at = models.DateTimeField(_("設定日時"))

    class Meta:
        verbose_name = _("目標")
        verbose_name_plural = _("目標")
        ordering = ["engagement_id", "position"]
        constraints = [
            # Positions 1–5, each once: at most five goals per engagement.
            models.UniqueConstraint(fields=["engagement", "position"], name="one_goal_per_position"),
            models.CheckConstraint(condition=Q(position__gte=1, position__lte=MAX_GOALS), name="goal_position_1_5"),
            models.CheckConstraint(condition=~Q(text=""), name="goal_has_text"),
        ]

    def __str__(self) -> str:
        return f"goal {self.position} of engagement {self.engagement_id}"


class Evaluation(models.Model):
    engagement = models.ForeignKey("engagements.Engagement", verbose_name=_("任用・委託"), on_delete=models.PROTECT,
                                   related_name="evaluations")
    fiscal_year = models.PositiveSmallIntegerField(_("年度"))
    period = models.CharField(_("評価の時期"), max_length=16, choices=EvaluationPeriod.choices)
    side = models.CharField(_("評価者"), max_length=16, choices=EvaluationSide.choices)
    overall = models.PositiveSmallIntegerField(_("総合評価"))
    comment = models.TextField(_("所見"), blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("提出日時"))

    class Meta:
        verbose_name = _("評価")
        verbose_name_plural = _("評価")
        ordering = ["-fiscal_year", "engagement_id", "period", "side"]
        constraints = [
            models.UniqueConstraint(fields=["engagement", "fiscal_year", "period", "side"],
                                    name="one_evaluation_per_engagement_period_side"),
            models.CheckConstraint(condition=Q(overall__gte=1, overall__lte=5), name="evaluation_overall_1_5"),
        ]

    def __str__(self) -> str:
        return f"{self.side} evaluation {self.fiscal_year} {self.period} of engagement {self.engagement_id}"


class GoalRating(models.Model):
    evaluation = models.ForeignKey(Evaluation, on_delete=models.PROTECT, related_name="ratings")
    goal = models.ForeignKey(Goal, verbose_name=_("目標"), on_delete=models.PROTECT, related_name="ratings")
    rating = models.CharField(_("達成度"), max_length=16, choices=GoalRatingValue.choices)
    comment = models.TextField(_("コメント"), blank=True)

    class Meta:
        verbose_name = _("目標の評価")
        verbose_name_plural = _("目標の評価")
        ordering = ["evaluation_id", "goal__position"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "goal"], name="one_rating_per_goal")]

    def __str__(self) -> str:
        return f"rating of goal {self.goal_id} in evaluation {self.evaluation_id}"
