"""The candidates of a need as the API answers them: the candidates page's rows, each expert's standing in words."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.core.choices import Weekday
from backend.core.errors import in_both
from backend.goals.serializers import LastEvaluationSerializer


class WordsSerializer(serializers.Serializer):
    ja = serializers.CharField()
    en = serializers.CharField()


class CandidateDecisionSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=["pin", "forbid"])
    declined_by = serializers.CharField(allow_null=True, help_text="municipality or expert when a decline made it")


class CandidateOutputSerializer(serializers.Serializer):
    expert = serializers.IntegerField(source="expert.pk")
    expert_name = serializers.CharField(source="expert.name")
    eligible = serializers.SerializerMethodField(help_text="true when every rule holds, as the candidates page shows 適格")
    reason = serializers.CharField(source="blocked_by", allow_null=True,
                                   help_text="the engine's reason keeping the expert from the need (the first rule "
                                             "that fails, in the rules' order); null when eligible")
    rule = serializers.SerializerMethodField(help_text="that rule, named in words (ja/en); null when eligible")
    standing = serializers.SerializerMethodField(help_text="the page's standing in words (ja/en)")
    placeable_with_exception = serializers.BooleanField(
        help_text="blocked by the incumbent conflict alone: an exception with a reason can place the expert")
    used_days = serializers.IntegerField(help_text="days the expert's engagements already take this fiscal year")
    capacity_days = serializers.IntegerField(source="expert.capacity_days")
    engagements = serializers.IntegerField(help_text="engagements the expert already holds this fiscal year")
    max_engagements = serializers.IntegerField(source="expert.max_engagements")
    free_weekdays = serializers.ListField(child=serializers.ChoiceField(choices=Weekday.choices))
    decision = serializers.SerializerMethodField()
    last_evaluation = LastEvaluationSerializer(
        allow_null=True, help_text="The need's municipality's latest evaluation of the expert there (null: none).")

    def get_eligible(self, candidate) -> bool:
        return candidate.blocked_by is None

    @extend_schema_field(WordsSerializer(allow_null=True))
    def get_rule(self, candidate) -> dict | None:
        return in_both(candidate.rule) if candidate.rule is not None else None

    @extend_schema_field(WordsSerializer)
    def get_standing(self, candidate) -> dict:
        return in_both(candidate.standing)

    @extend_schema_field(CandidateDecisionSerializer(allow_null=True))
    def get_decision(self, candidate) -> dict | None:
        if candidate.decision is None:
            return None
        return {"kind": candidate.decision.kind, "declined_by": candidate.decision.declined_by or None}
