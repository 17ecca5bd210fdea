from rest_framework import serializers

from backend.visits.models import PlannedVisit


class PlannedVisitOutputSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.name", read_only=True)
    municipality = serializers.CharField(source="engagement.municipality_id", read_only=True)
    municipality_name = serializers.CharField(source="engagement.municipality.name", read_only=True)

    class Meta:
        model = PlannedVisit
        fields = ["id", "engagement", "expert", "expert_name", "municipality", "municipality_name", "date", "onsite",
                  "status", "moved_from", "moved_by", "moved_at", "move_reason", "created_at"]


class VisitMoveInputSerializer(serializers.Serializer):
    to_date = serializers.DateField(help_text="The new date: in the term, from today on, not closed for the "
                                              "municipality, free for the expert.")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                   help_text="Why it moves; the other side reads it in their notification.")


class ShortfallSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    missing = serializers.IntegerField(help_text="Days of the contract this month cannot hold.")
    causes = serializers.ListField(child=serializers.ChoiceField(choices=["closed", "taken", "term"]),
                                   help_text="closed: 祝日・閉庁日; taken: the expert's other engagements; term: too few "
                                             "agreed weekdays in the term.")
    text = serializers.CharField(help_text="The month's shortfall in words.")


class VisitPlanOutputSerializer(serializers.Serializer):
    engagement = serializers.IntegerField()
    days_per_year = serializers.IntegerField(help_text="The contract's days.")
    planned = serializers.IntegerField(help_text="Planned dates in the year now.")
    onsite = serializers.IntegerField(help_text="Of which on site (現地).")
    missing = serializers.IntegerField(help_text="Days the plan cannot hold (0 when it holds them all).")
    weekdays = serializers.ListField(child=serializers.CharField(), help_text="The agreed weekdays the plan uses.")
    shortfalls = ShortfallSerializer(many=True)


class CalendarFeedOutputSerializer(serializers.Serializer):
    url = serializers.URLField(allow_null=True, help_text="The secret iCal (RFC 5545) URL of the dates that concern "
                                                          "the user; null until first issued.")
    created_at = serializers.DateTimeField(allow_null=True)
