import django_filters

from backend.core.filters import WholeNumberFilter, code, fiscal_year, key
from backend.engagements.models import (
    CoiOverride,
    Engagement,
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
    fiscal_year = WholeNumberFilter(method="in_year", help_text="Engagements whose term covers this fiscal year.")
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
