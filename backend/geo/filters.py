import django_filters

from backend.core.filters import code
from backend.geo.models import Municipality, MunicipalityKind


class MunicipalityFilter(django_filters.FilterSet):
    prefecture = code("prefecture_id")
    kind = django_filters.ChoiceFilter(choices=MunicipalityKind.choices)
    name = django_filters.CharFilter(lookup_expr="contains")

    class Meta:
        model = Municipality
        fields = []
