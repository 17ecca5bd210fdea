import django_filters

from backend.core.filters import WholeNumberFilter, code, key
from backend.worklog.models import WorkDay, WorkMonth, WorkMonthStatus
from backend.worklog.selectors import reference_normalised


class WorkMonthFilter(django_filters.FilterSet):
    engagement = key("engagement_id")
    status = django_filters.ChoiceFilter(choices=WorkMonthStatus.choices)
    year = WholeNumberFilter(min_value=2000, max_value=2099)
    month = WholeNumberFilter(min_value=1, max_value=12)
    municipality = code("engagement__municipality_id")
    reference = django_filters.CharFilter(method="by_reference", label="the month's reference code (照会番号)")

    class Meta:
        model = WorkMonth
        fields = []

    def by_reference(self, queryset, name, value):
        return queryset.filter(reference=reference_normalised(value))


class WorkDayFilter(django_filters.FilterSet):
    engagement = key("month__engagement_id")
    month = key("month_id")

    class Meta:
        model = WorkDay
        fields = []
