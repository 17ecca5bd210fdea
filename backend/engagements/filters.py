import django_filters

from backend.core.filters import code, fiscal_year, key
from backend.engagements.models import (
    CoiOverride,
    ConflictState,
    Engagement,
    EngagementConflict,
    EngagementStatus,
    ReplacementRequest,
    ReplacementStatus,
)
from backend.engagements.selectors import in_fiscal_year


class CoiOverrideFilter(django_filters.FilterSet):
    expert = key("expert_id")
    municipality = code("municipality_id")
    fiscal_year = fiscal_year()

    class Meta:
        model = CoiOverride
        fields = []


class EngagementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=EngagementStatus.choices)
    # A multi-year term is in every fiscal year it covers (issue 21), as the instance and the costs count it.
    fiscal_year = fiscal_year(method="in_year", help_text="Engagements whose term covers this fiscal year.")
    municipality = code("municipality_id")
    expert = key("expert_id")

    class Meta:
        model = Engagement
        fields = []

    def in_year(self, queryset, name, value):
        return queryset.filter(in_fiscal_year(value))


class ReplacementFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ReplacementStatus.choices)

    class Meta:
        model = ReplacementRequest
        fields = []


class EngagementConflictFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=ConflictState.choices, method="by_state")
    municipality = code("engagement__municipality_id")
    engagement = key("engagement_id")

    class Meta:
        model = EngagementConflict
        fields = []

    def by_state(self, queryset, name, value):
        return queryset.filter(resolved_at__isnull=value == ConflictState.OPEN)
