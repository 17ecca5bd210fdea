"""The API's shapes of second rounds (二次調整)."""

from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.wishes.models import Round
from backend.wishes.round_selectors import round_interest_counts


class RoundNeedOutputSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    title = serializers.CharField()
    municipality = serializers.CharField()
    municipality_name = serializers.CharField()
    status = serializers.CharField()
    interested_experts = serializers.IntegerField(help_text="How many experts stated interest in the need.")


class RoundOutputSerializer(serializers.ModelSerializer):
    needs = serializers.SerializerMethodField()
    open = serializers.SerializerMethodField()

    class Meta:
        model = Round
        fields = ["id", "prefecture", "fiscal_year", "main_run", "deadline", "published_at", "published_by",
                  "closed_at", "open", "needs"]

    def get_open(self, obj) -> bool:
        return obj.closed_at is None

    @extend_schema_field(RoundNeedOutputSerializer(many=True))
    def get_needs(self, obj) -> list[dict]:
        counts = round_interest_counts(obj)
        return [{"id": n.pk, "title": n.title, "municipality": n.municipality_id,
                 "municipality_name": n.municipality.name, "status": n.status,
                 "interested_experts": counts.get(n.pk, 0)}
                for n in obj.needs.all()]


class RoundPublishInputSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2100)
    deadline = serializers.DateField()
    main_run = serializers.IntegerField(required=False, allow_null=True,
                                        help_text="The main round's run (optional; a run of the prefecture).")
