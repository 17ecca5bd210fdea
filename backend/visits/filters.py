import django_filters

from backend.core.filters import WholeNumberFilter
from backend.core.fiscal import fiscal_year_end, fiscal_year_start
from backend.visits.models import PlannedVisit, VisitStatus


class PlannedVisitFilter(django_filters.FilterSet):
    engagement = WholeNumberFilter(field_name="engagement_id", min_value=1, label="the engagement's id")
    fiscal_year = WholeNumberFilter(method="in_fiscal_year", min_value=2000, max_value=2099,
                                    label="the fiscal year (April–March) the date falls in")
    month = django_filters.CharFilter(method="in_month", label="a month, YYYY-MM")
    status = django_filters.ChoiceFilter(choices=VisitStatus.choices)

    class Meta:
        model = PlannedVisit
        fields = []

    def in_fiscal_year(self, queryset, name, value):
        return queryset.filter(date__gte=fiscal_year_start(value), date__lte=fiscal_year_end(value))

    def in_month(self, queryset, name, value):
        try:
            year, month = (int(part) for part in value.split("-"))
            if not (2000 <= year <= 2099 and 1 <= month <= 12):
                raise ValueError
        except ValueError:
            return queryset.none()
        return queryset.filter(date__year=year, date__month=month)
