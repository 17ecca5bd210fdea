from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.core.fields import FiscalYearField


class PrefectureSettingInputSerializer(serializers.Serializer):
    """The settings page: yen per km, the season, the confirmation deadline. (The grant rates are the funding
    schemes', issue 24.)"""

    travel_yen_per_km = serializers.IntegerField(min_value=0, max_value=1000)
    # The season every page and form of the prefecture starts on; null: the coming fiscal year from October.
    matching_season = FiscalYearField(required=False, allow_null=True, named=_("マッチングの対象年度"))
    # The municipality confirms each month's activity log by this working day of the next month (issue 23).
    confirmation_working_day = serializers.IntegerField(required=False, min_value=1, max_value=20)
    # The days from approval an offer waits for both sides' answers before it lapses (issue 25).
    offer_answer_days = serializers.IntegerField(required=False, min_value=1, max_value=90)


class ClaimQuerySerializer(serializers.Serializer):
    """The claim pack asked for: a municipality, a scheme of its prefecture, a fiscal year and the file."""

    municipality = serializers.RegexField(r"^[0-9]{6}$", help_text="6-digit 団体コード")
    scheme = serializers.IntegerField(min_value=1, help_text="a funding scheme of the municipality's prefecture")
    fiscal_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                           help_text="the fiscal year (April–March); default: the current one")
    format = serializers.ChoiceField(choices=["xlsx", "csv"], default="xlsx")
