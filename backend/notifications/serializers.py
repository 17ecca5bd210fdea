from rest_framework import serializers

from backend.notifications.models import Notification


class NotificationOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Notification
        fields = ["id", "kind", "params", "language", "subject", "text", "link", "created_at", "read_at"]


class MarkedReadOutputSerializer(serializers.Serializer):
    marked = serializers.IntegerField(help_text="How many notifications were unread.")
    unread = serializers.IntegerField(help_text="The user's unread notifications now.")
