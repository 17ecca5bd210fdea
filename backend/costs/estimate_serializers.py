"""The autumn budget estimate's API shapes (予算要求見込み): the query, the what-if's input, and the figures out."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.core.errors import in_both
from backend.costs.estimates import MAX_YEN

YEN = _("円単位の整数で指定してください（小数や桁区切りのカンマは使えません）。")


class EstimateQuerySerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                           help_text="the fiscal year budgeted for; default: the next one")
    municipality = serializers.RegexField(r"^[0-9]{6}$", required=False,
                                          help_text="6-digit 団体コード; outside the user's scope: 404")


class WhatIfInputSerializer(serializers.Serializer):
    need = serializers.IntegerField(min_value=1, help_text="the need's id (open or awaiting renewal)")
    budget = serializers.IntegerField(required=False, min_value=1, max_value=MAX_YEN, help_text="yen per year",
                                      error_messages=dict.fromkeys(("invalid", "invalid_type"), YEN))
    days_per_year = serializers.IntegerField(required=False, min_value=1, max_value=366)
    onsite_days = serializers.IntegerField(required=False, min_value=0, max_value=366,
                                           help_text="on-site days per year; 0: none (remote only)")
    offered_fee = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=MAX_YEN,
                                           help_text="yen per year; null: no offer (the expert's daily rate × days)",
                                           error_messages=dict.fromkeys(("invalid", "invalid_type"), YEN))


@extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
    "ja": {"type": "string"}, "en": {"type": "string"}}}})
class MessagesField(serializers.Field):
    def to_representation(self, value):
        return [in_both(message) for message in value]


@extend_schema_field({"type": "array", "items": {"type": "object", "properties": {
    "reason": {"type": "object", "properties": {"ja": {"type": "string"}, "en": {"type": "string"}}},
    "experts": {"type": "integer"}}}})
class BlockedField(serializers.Field):
    def to_representation(self, value):
        return [{"reason": in_both(words), "experts": count} for words, count in value]


class FiguresOutputSerializer(serializers.Serializer):
    fee_low = serializers.IntegerField(help_text="yen: the least an eligible expert accepts (else the offered fee)")
    fee_high = serializers.IntegerField(help_text="yen: the offered fee, or the budget when none is offered")
    travel_low = serializers.IntegerField(help_text="yen: the cheapest eligible expert's round trips × on-site days")
    travel_high = serializers.IntegerField(help_text="yen: the dearest eligible expert's")
    grant_low = serializers.IntegerField(help_text="yen: the scheme's grant on fee_low + travel_low")
    grant_high = serializers.IntegerField(help_text="yen: the scheme's grant on fee_high + travel_high")
    net_low = serializers.IntegerField()
    net_high = serializers.IntegerField()
    request = serializers.IntegerField(help_text="yen to request (歳出): fee_high + travel_high")


class NeedEstimateOutputSerializer(serializers.Serializer):
    need = serializers.IntegerField(source="need.pk")
    title = serializers.CharField(source="need.__str__")
    status = serializers.CharField(source="need.status")
    budget = serializers.IntegerField(source="need.budget")
    offered_fee = serializers.IntegerField(source="need.offered_fee", allow_null=True)
    days_per_year = serializers.IntegerField(source="need.days_per_year")
    onsite_days = serializers.IntegerField(source="need.onsite_days")
    eligible_experts = serializers.IntegerField(source="eligible")
    fee_from_pool = serializers.BooleanField()
    scheme = serializers.IntegerField(source="scheme.pk")
    scheme_name = serializers.CharField(source="scheme.name")
    grant_state = serializers.ChoiceField(choices=["eligible", "pending", "ineligible"])
    grant_reasons = MessagesField()
    cap = serializers.IntegerField(allow_null=True, help_text="the scheme's cap, when the upper figure reaches it")
    blocked = BlockedField(help_text="with no eligible expert: why, and how many experts each reason keeps out")
    notes = MessagesField()

    def to_representation(self, instance):
        return {**super().to_representation(instance), **FiguresOutputSerializer(instance.figures).data}


class MunicipalityEstimateOutputSerializer(serializers.Serializer):
    code = serializers.CharField(source="municipality.code")
    name = serializers.CharField(source="municipality.name")
    needs = NeedEstimateOutputSerializer(many=True)
    total = FiguresOutputSerializer()


class EstimateOutputSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    opens_on = serializers.DateField(help_text="the estimate of this fiscal year is offered from this day")
    is_open = serializers.BooleanField()
    municipalities = MunicipalityEstimateOutputSerializer(many=True)
    total = FiguresOutputSerializer()


class WhatIfOutputSerializer(serializers.Serializer):
    current = NeedEstimateOutputSerializer(help_text="the need as stored")
    changed = NeedEstimateOutputSerializer(help_text="the need with the changes (never stored)")
