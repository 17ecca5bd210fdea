import django_filters

from backend.core.filters import code, fiscal_year
from backend.needs.models import Need, NeedStatus


class RenewalFilter(django_filters.FilterSet):
    municipality = code("municipality_id")
    fiscal_year = fiscal_year()
    status = django_filters.ChoiceFilter(choices=NeedStatus.choices)

    class Meta:
        model = Need
        fields = []
