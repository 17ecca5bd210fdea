import django_filters

from backend.core.filters import code, fiscal_year, key
from backend.engagements.models import (
    CoiOverride,
    Engagement,
    EngagementStatus,
    ReplacementRequest,
    ReplacementStatus,
)


class CoiOverrideFilter(django_filters.FilterSet):
    expert = key("expert_id")
    municipality = code("municipality_id")
    fiscal_year = fiscal_year()

    class Meta:
        model = CoiOverride
        fields = []


class EngagementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EngagementStatus.choices)
    fiscal_year = fiscal_year()
    municipality = code("municipality_id")
    expert = key("expert_id")

    class Meta:
        model = Engagement
        fields = []


class ReplacementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReplacementStatus.choices)

    class Meta:
        model = ReplacementRequest
        fields = []
