from rest_framework import serializers

from backend.core.fields import FiscalYearField
from backend.needs.models import Need


class RenewalPrepareInputSerializer(serializers.Serializer):
    """The fiscal year the renewals are for; the engagements renewed are those active the year before."""

    fiscal_year = FiscalYearField()
    prefecture = serializers.CharField(max_length=2, required=False)  # administrators only; a coordinator's own


class RenewalOutputSerializer(serializers.ModelSerializer):
    municipality_name = serializers.CharField(source="municipality.name")
    current_expert_name = serializers.CharField(source="current_expert.name", default=None, allow_null=True)
    previous_fiscal_year = serializers.IntegerField(source="renewed_from.fiscal_year")

    class Meta:
        model = Need
        fields = ["id", "municipality", "municipality_name", "fiscal_year", "status", "role", "title", "pattern",
                  "pattern_days", "days_per_year", "weekdays", "onsite_required", "onsite_days", "budget",
                  "offered_fee", "employment_forms", "current_expert", "current_expert_name", "renewed_from",
                  "previous_fiscal_year", "updated_at"]


class RenewalsPreparedOutputSerializer(serializers.Serializer):
    created = RenewalOutputSerializer(many=True)
    already = serializers.IntegerField(
        help_text="Engagements renewed by an earlier preparation (confirmed, pending or dropped); not those in created.")
