from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.goals.models import MAX_GOALS, Evaluation, EvaluationPeriod, Goal, GoalRating, GoalRatingValue


class GoalOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Goal
        fields = ["id", "engagement", "position", "text", "set_by", "set_at"]


class GoalsSetInputSerializer(serializers.Serializer):
    engagement = serializers.IntegerField(help_text="The engagement whose goals these are (an active one).")
    texts = serializers.ListField(
        child=serializers.CharField(max_length=300, allow_blank=True), max_length=MAX_GOALS, allow_empty=True,
        help_text="The goals in order, at most five; blank ones are dropped. Replaces the engagement's goals until "
                  "the first evaluation is submitted.",
        error_messages={"max_length": _("目標は5件までです。")})


class GoalRatingSerializer(serializers.ModelSerializer):
    class Meta:
        model = GoalRating
        fields = ["goal", "rating", "comment"]


class GoalRatingInputSerializer(serializers.Serializer):
    goal = serializers.IntegerField()
    rating = serializers.ChoiceField(choices=GoalRatingValue.choices)
    comment = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class EvaluationOutputSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="engagement.municipality_id")
    municipality_name = serializers.CharField(source="engagement.municipality.name")
    expert = serializers.IntegerField(source="engagement.expert_id")
    expert_name = serializers.CharField(source="engagement.expert.name")
    ratings = GoalRatingSerializer(many=True)

    class Meta:
        model = Evaluation
        fields = ["id", "engagement", "municipality", "municipality_name", "expert", "expert_name", "fiscal_year",
                  "period", "side", "overall", "comment", "ratings", "at"]


class EvaluationInputSerializer(serializers.Serializer):
    engagement = serializers.IntegerField()
    fiscal_year = serializers.IntegerField(required=False, min_value=2001, max_value=2100,
                                           help_text="The fiscal year evaluated; the engagement's first by default.")
    period = serializers.ChoiceField(choices=EvaluationPeriod.choices,
                                     help_text="october (中間, from 1 October) or march (年度末, from 1 March).")
    overall = serializers.IntegerField(min_value=1, max_value=5)
    comment = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    ratings = GoalRatingInputSerializer(many=True, help_text="One per goal of the engagement: 達成・一部達成・未達成.")


class LastEvaluationSerializer(serializers.ModelSerializer):
    """The latest evaluation the municipality gave of an expert there (the renewal and the candidates show it)."""

    class Meta:
        model = Evaluation
        fields = ["id", "engagement", "fiscal_year", "period", "overall", "at"]
