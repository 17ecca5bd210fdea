from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.core.fields import FiscalYearField
from backend.goals.selectors import last_evaluation
from backend.goals.serializers import LastEvaluationSerializer
from backend.needs.models import Need
from backend.renewals.selectors import renewal_default


class RenewalPrepareInputSerializer(serializers.Serializer):
    """The fiscal year the renewals are for; the engagements renewed are those active the year before."""

    fiscal_year = FiscalYearField()
    prefecture = serializers.CharField(max_length=2, required=False)  # administrators only; a coordinator's own


class RenewalOutputSerializer(serializers.ModelSerializer):
    municipality_name = serializers.CharField(source="municipality.name")
    current_expert_name = serializers.CharField(source="current_expert.name", default=None, allow_null=True)
    previous_fiscal_year = serializers.IntegerField(source="renewed_from.fiscal_year")
    last_evaluation = serializers.SerializerMethodField(
        help_text="The municipality's latest evaluation of the current expert there (null: none).")
    default = serializers.SerializerMethodField(
        help_text="The answer proposed after that evaluation: continue (overall 4–5), drop (1–2) or null.")

    class Meta:
        model = Need
        fields = ["id", "municipality", "municipality_name", "fiscal_year", "status", "role", "title", "pattern",
                  "pattern_days", "days_per_year", "weekdays", "onsite_required", "onsite_days", "budget",
                  "offered_fee", "employment_forms", "current_expert", "current_expert_name", "renewed_from",
                  "previous_fiscal_year", "last_evaluation", "default", "updated_at"]

    def _last(self, need):
        if not hasattr(need, "_last_evaluation"):
            need._last_evaluation = last_evaluation(expert_id=need.current_expert_id,
                                                    municipality_id=need.municipality_id) \
                if need.current_expert_id else None
        return need._last_evaluation

    @extend_schema_field(LastEvaluationSerializer(allow_null=True))
    def get_last_evaluation(self, need) -> dict | None:
        found = self._last(need)
        return LastEvaluationSerializer(found).data if found else None

    @extend_schema_field(serializers.ChoiceField(choices=["continue", "drop"], allow_null=True))
    def get_default(self, need) -> str | None:
        return renewal_default(self._last(need))


class RenewalsPreparedOutputSerializer(serializers.Serializer):
    created = RenewalOutputSerializer(many=True)
    already = serializers.IntegerField(
        help_text="Engagements renewed by an earlier preparation (confirmed, pending or dropped); not those in created.")
