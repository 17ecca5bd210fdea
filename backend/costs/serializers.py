from rest_framework import serializers


class PrefectureSettingInputSerializer(serializers.Serializer):
    """The settings page: the grant rate as a percentage (clerks write 50, not 0.5) and yen per km."""

    special_grant_percent = serializers.DecimalField(max_digits=4, decimal_places=1, min_value=0, max_value=100)
    travel_yen_per_km = serializers.IntegerField(min_value=0, max_value=1000)
