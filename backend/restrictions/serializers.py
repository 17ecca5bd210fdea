from rest_framework import serializers

from backend.restrictions.models import RestrictionState
from backend.restrictions.selectors import STATE_FILTERS


class RestrictionFilterSerializer(serializers.Serializer):
    vendor = serializers.IntegerField(required=False, min_value=1, max_value=2**63 - 1, help_text="vendor id")
    municipality = serializers.RegexField(r"^[0-9]{6}$", required=False, help_text="6-digit 団体コード")
    on = serializers.DateField(required=False, help_text="only restrictions in force on this date")
    state = serializers.ChoiceField(choices=STATE_FILTERS, required=False,
                                    help_text="rows in this state today (default: all, ended ones included)")


class RestrictionExportFilterSerializer(RestrictionFilterSerializer):
    file = serializers.ChoiceField(choices=["csv", "xlsx"], default="csv")


class MayBidQuerySerializer(serializers.Serializer):
    vendor = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="vendor id")
    procurement = serializers.IntegerField(min_value=1, max_value=2**63 - 1, help_text="procurement id")
    on = serializers.DateField(required=False, help_text="a date; default: the procurement's fiscal year")


class PlannedProcurementOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()


class RestrictionOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    vendor = serializers.IntegerField(source="vendor_id")
    vendor_name = serializers.CharField()
    municipality = serializers.CharField(source="municipality_code")
    municipality_name = serializers.CharField()
    prefecture = serializers.CharField(source="prefecture_code")
    categories = serializers.ListField(child=serializers.CharField())
    starts_on = serializers.DateField()
    ends_on = serializers.DateField()
    state = serializers.ChoiceField(choices=RestrictionState.choices, help_text="as of today")
    expert = serializers.IntegerField(source="expert_id")
    expert_name = serializers.CharField()
    relation = serializers.CharField()
    engagement = serializers.IntegerField(source="engagement_id")
    affected_procurements = PlannedProcurementOutputSerializer(
        many=True, help_text="the municipality's planned procurements of the fiscal years the row covers")


class MayBidOutputSerializer(serializers.Serializer):
    allowed = serializers.BooleanField()
    reason = serializers.DictField(child=serializers.CharField())
    restrictions = RestrictionOutputSerializer(many=True)
