from decimal import InvalidOperation

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.core.fields import FiscalYearField


class UnboundedDigitsDecimalField(serializers.DecimalField):
    """A DecimalField without a digit limit whose too large value (1e308) is refused as over its maximum: DRF
    rounds before it compares, and rounding 1e308 to one place raised decimal.InvalidOperation (a 500)."""

    def quantize(self, value):
        try:
            return super().quantize(value)
        except InvalidOperation:
            if value < 0:
                self.fail("min_value", min_value=self.min_value)
            self.fail("max_value", max_value=self.max_value)


class PrefectureSettingInputSerializer(serializers.Serializer):
    """The settings page: the grant rate as a percentage (clerks write 50, not 0.5) and yen per km."""

    # No limit on the digits: 1000 is refused as "100以下", not as a number with too many digits.
    special_grant_percent = UnboundedDigitsDecimalField(
        max_digits=None, decimal_places=1, min_value=0, max_value=100, error_messages={
            "invalid": _("特別交付税の措置率は半角の数字で入力してください（例：50）。"),
            "max_decimal_places": _("特別交付税の措置率は小数第1位までで入力してください。"),
        })
    travel_yen_per_km = serializers.IntegerField(min_value=0, max_value=1000)
    # The season every page and form of the prefecture starts on; null: the coming fiscal year from October.
    matching_season = FiscalYearField(required=False, allow_null=True, named=_("マッチングの対象年度"))
    # The municipality confirms each month's activity log by this working day of the next month (issue 23).
    confirmation_working_day = serializers.IntegerField(required=False, min_value=1, max_value=20)
