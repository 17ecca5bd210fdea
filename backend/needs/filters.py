import django_filters

from backend.core.choices import Role
from backend.core.filters import code, fiscal_year
from backend.needs.models import Need, NeedStatus


class NeedFilter(django_filters.FilterSet):
    municipality = code("municipality_id")
    prefecture = code("municipality__prefecture_id")
    fiscal_year = fiscal_year()
    status = django_filters.ChoiceFilter(choices=NeedStatus.choices)
    role = django_filters.ChoiceFilter(choices=Role.choices)

    class Meta:
        model = Need
        fields = []
