import django_filters

from backend.calendar.models import ClosedDay
from backend.core.filters import WholeNumberFilter, code
from backend.core.fiscal import fiscal_year_end, fiscal_year_start


class ClosedDayFilter(django_filters.FilterSet):
    fiscal_year = WholeNumberFilter(method="in_fiscal_year", min_value=2000, max_value=2099,
                                    label="the fiscal year (April–March) the day falls in")
    prefecture = code("prefecture_id")
    municipality = code("municipality_id")

    class Meta:
        model = ClosedDay
        fields = []

    def in_fiscal_year(self, queryset, name, value):
        return queryset.filter(date__gte=fiscal_year_start(value), date__lte=fiscal_year_end(value))
