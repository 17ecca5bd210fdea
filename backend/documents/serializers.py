"""Output of the documents' API: the council pack (議会答弁資料) as JSON."""

from rest_framework import serializers


class CouncilAnswerOutputSerializer(serializers.Serializer):
    number = serializers.IntegerField(help_text="1–10, in the order councils ask.")
    key = serializers.CharField(help_text="background, legal_basis, duties, position, selection, evaluation, "
                                          "fairness, ending, work_days or fee.")
    question = serializers.CharField()
    text = serializers.CharField(help_text="The answer from kenmu's records.")
    sources = serializers.ListField(child=serializers.CharField(), help_text="The records the answer comes from (出典).")


class CouncilPackOutputSerializer(serializers.Serializer):
    engagement = serializers.IntegerField(source="engagement_id")
    expert_name = serializers.CharField()
    municipality_name = serializers.CharField()
    prefecture_name = serializers.CharField()
    fiscal_year = serializers.IntegerField(help_text="The fiscal year the evaluations and confirmed days are of.")
    fiscal_year_label = serializers.CharField()
    status_label = serializers.CharField()
    answers = CouncilAnswerOutputSerializer(many=True)
