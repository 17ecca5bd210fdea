from rest_framework import serializers

from backend.core.choices import WishLevel, WishSide
from backend.experts.models import Expert
from backend.geo.models import Municipality
from backend.needs.models import Need
from backend.wishes.models import Veto, Wish


class WishInputSerializer(serializers.Serializer):
    need = serializers.PrimaryKeyRelatedField(queryset=Need.objects.all())
    expert = serializers.PrimaryKeyRelatedField(queryset=Expert.objects.all())
    side = serializers.ChoiceField(choices=WishSide.choices)
    level = serializers.IntegerField(min_value=WishLevel.ACCEPTABLE, max_value=WishLevel.FIRST,
                                     help_text="3 第一希望, 2 希望, 1 可")


class WishClearInputSerializer(serializers.Serializer):
    need = serializers.PrimaryKeyRelatedField(queryset=Need.objects.all())
    expert = serializers.PrimaryKeyRelatedField(queryset=Expert.objects.all())
    side = serializers.ChoiceField(choices=WishSide.choices)


class WishOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Wish
        fields = ["id", "need", "expert", "side", "level", "set_by", "updated_at"]


class VetoInputSerializer(serializers.Serializer):
    side = serializers.ChoiceField(choices=WishSide.choices)
    expert = serializers.PrimaryKeyRelatedField(queryset=Expert.objects.all())
    need = serializers.PrimaryKeyRelatedField(queryset=Need.objects.all(), required=False, allow_null=True)
    municipality = serializers.PrimaryKeyRelatedField(queryset=Municipality.objects.all(), required=False,
                                                      allow_null=True)
    reason = serializers.CharField(max_length=2000, allow_blank=True)


class VetoOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = Veto
        fields = ["id", "side", "expert", "need", "municipality", "reason", "created_by", "created_at",
                  "withdrawn_by", "withdrawn_at"]
