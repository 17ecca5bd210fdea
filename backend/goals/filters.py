import django_filters

from backend.core.filters import code, fiscal_year, key
from backend.goals.models import Evaluation, EvaluationPeriod, EvaluationSide, Goal


class EvaluationFilter(django_filters.FilterSet):
    fiscal_year = fiscal_year()
    engagement = key("engagement_id")
    expert = key("engagement__expert_id")
    municipality = code("engagement__municipality_id")
    period = django_filters.ChoiceFilter(choices=EvaluationPeriod.choices)
    side = django_filters.ChoiceFilter(choices=EvaluationSide.choices)

    class Meta:
        model = Evaluation
        fields = []


class GoalFilter(django_filters.FilterSet):
    engagement = key("engagement_id")

    class Meta:
        model = Goal
        fields = []
