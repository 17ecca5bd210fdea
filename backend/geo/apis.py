from rest_framework import serializers

from backend.core.viewsets import ScopedViewSet
from backend.geo.filters import MunicipalityFilter
from backend.geo.models import Municipality, Prefecture


class PrefectureOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Prefecture
        fields = ["code", "name", "kana", "population"]


class MunicipalityOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Municipality
        fields = ["code", "prefecture", "name", "kana", "kind", "population", "population_year", "lat", "lon"]


class PrefectureViewSet(ScopedViewSet):
    """The 47 prefectures (read-only public register)."""

    queryset = Prefecture.objects.none()
    lookup_field = "code"
    output_serializer_class = PrefectureOutputSerializer
    pagination_class = None

    def scoped_queryset(self, user):
        return Prefecture.objects.order_by("code")


class MunicipalityViewSet(ScopedViewSet):
    """The 1,741 municipalities with 団体コード, kind, population and office coordinates (read-only)."""

    queryset = Municipality.objects.none()
    lookup_field = "code"
    output_serializer_class = MunicipalityOutputSerializer
    filterset_class = MunicipalityFilter

    def scoped_queryset(self, user):
        return Municipality.objects.order_by("code")
