from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.core.fields import FiscalYearField


class PrefectureSettingInputSerializer(serializers.Serializer):
    """The settings page: the grant rate as a percentage (clerks write 50, not 0.5) and yen per km."""

    # No limit on the digits: 1000 is refused as "100以下", not as a number with too many digits.
    special_grant_percent = serializers.DecimalField(
        max_digits=None, decimal_places=1, min_value=0, max_value=100, error_messages={
            "invalid": _("特別交付税の措置率は半角の数字で入力してください（例：50）。"),
            "max_decimal_places": _("特別交付税の措置率は小数第1位までで入力してください。"),
        })
    travel_yen_per_km = serializers.IntegerField(min_value=0, max_value=1000)
    # The season every page and form of the prefecture starts on; null: the coming fiscal year from October.
    matching_season = FiscalYearField(required=False, allow_null=True, named=_("マッチングの対象年度"))
