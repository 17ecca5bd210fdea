from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.core.choices import ACTIVE_RELATIONS, AffiliationRelation
from backend.core.fields import SkillLevelsField, employment_form_list, weekday_list
from backend.core.viewsets import iso_datetime
from backend.experts.errors import ErrorCode
from backend.experts.models import (
    Affiliation,
    AffiliationChange,
    AffiliationChangeKind,
    Expert,
)
from backend.geo.fields import MunicipalityField
from backend.geo.models import Prefecture
from backend.procurement.models import Vendor


class AffiliationInputSerializer(serializers.Serializer):
    vendor = serializers.PrimaryKeyRelatedField(queryset=Vendor.objects.all(), error_messages={
        "incorrect_type": _("事業者が登録されていません。先に事業者を登録してから指定してください。"),
        "does_not_exist": _("事業者が見つかりません。登録済みの事業者から選んでください。")})
    relation = serializers.ChoiceField(choices=AffiliationRelation.choices)
    ended_on = serializers.DateField(required=False, allow_null=True,
                                     help_text="Required when relation is former_employee; ignored otherwise.")

    def validate(self, attrs):
        # A partial update (PATCH) skips `required` on nested fields too: an affiliation is whole or refused.
        missing = {name: serializers.Field.default_error_messages["required"] for name in ("vendor", "relation")
                   if name not in attrs}
        if missing:
            raise serializers.ValidationError(missing, code=ErrorCode.REQUIRED)
        if attrs["relation"] == AffiliationRelation.FORMER_EMPLOYEE and not attrs.get("ended_on"):
            raise serializers.ValidationError(
                {"ended_on": _("元在籍の場合は退職日が必要です。")}, code=ErrorCode.REQUIRED
            )
        if attrs["relation"] != AffiliationRelation.FORMER_EMPLOYEE:
            attrs["ended_on"] = None
        return attrs


class ExpertInputSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=100)
    name_kana = serializers.CharField(max_length=100, required=False, allow_blank=True)
    email = serializers.EmailField(required=False, allow_blank=True)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True)
    registering_prefecture = serializers.PrimaryKeyRelatedField(queryset=Prefecture.objects.all(), required=False)
    home_municipality = MunicipalityField(
        required=False, allow_null=True,
        help_text="団体コード of where the expert travels from: its office gives the engine's home (travel cost).")
    serves_prefectures = serializers.PrimaryKeyRelatedField(
        queryset=Prefecture.objects.all(), many=True, required=False
    )
    onsite_prefectures = serializers.PrimaryKeyRelatedField(
        queryset=Prefecture.objects.all(), many=True, required=False
    )
    capacity_days = serializers.IntegerField(min_value=0, max_value=366)
    weekdays = weekday_list(allow_empty=True)
    max_engagements = serializers.IntegerField(min_value=1, max_value=20, default=3)
    daily_rate = serializers.IntegerField(min_value=0, max_value=10_000_000)
    employment_forms = employment_form_list(allow_empty=False)
    pool_pledge_signed_on = serializers.DateField(required=False, allow_null=True)
    skills = SkillLevelsField(required=False)
    affiliations = AffiliationInputSerializer(many=True, required=False)
    listed = serializers.BooleanField(required=False)

    def validate_affiliations(self, value):
        keys = [(a["vendor"].pk, a["relation"]) for a in value]
        if len(keys) != len(set(keys)):
            raise serializers.ValidationError(_("同じ事業者と関係の組み合わせが重複しています。"), code=ErrorCode.DUPLICATE)
        return value


class AffiliationOutputSerializer(serializers.ModelSerializer):
    vendor_name = serializers.CharField(source="vendor.name", read_only=True)
    current = serializers.BooleanField(source="is_current", read_only=True)

    class Meta:
        model = Affiliation
        fields = ["id", "vendor", "vendor_name", "relation", "ended_on", "current"]


class ExpertOutputSerializer(serializers.ModelSerializer):
    skills = serializers.SerializerMethodField()
    affiliations = AffiliationOutputSerializer(many=True, read_only=True)
    serves_prefectures = serializers.SerializerMethodField()
    onsite_prefectures = serializers.SerializerMethodField()
    confidentiality_pledge = serializers.BooleanField(read_only=True)

    class Meta:
        model = Expert
        fields = [
            "id", "name", "name_kana", "email", "phone", "registering_prefecture", "home_municipality",
            "serves_prefectures", "onsite_prefectures", "capacity_days", "weekdays", "max_engagements",
            "daily_rate", "employment_forms", "pool_pledge_signed_on", "confidentiality_pledge", "skills",
            "affiliations", "listed", "created_at", "updated_at",
        ]

    def get_skills(self, obj) -> dict[str, int]:
        return {s.skill: s.level for s in obj.skills.all()}

    def get_serves_prefectures(self, obj) -> list[str]:
        return sorted(p.code for p in obj.serves_prefectures.all())

    def get_onsite_prefectures(self, obj) -> list[str]:
        return sorted(p.code for p in obj.onsite_prefectures.all())


class ExpertListOutputSerializer(ExpertOutputSerializer):
    """A row of the experts list (`expert_list_rows`) with ExpertOutputSerializer's fields, which the schema
    shows for the list, built in plain Python: DRF's field-by-field path, nested affiliations included, cost
    more than the query. tests/backend/api/test_query_counts.py holds every row equal to ExpertOutputSerializer's."""

    def to_representation(self, row: dict) -> dict:
        return {
            "id": row["id"], "name": row["name"], "name_kana": row["name_kana"], "email": row["email"],
            "phone": row["phone"], "registering_prefecture": row["registering_prefecture_id"],
            "home_municipality": row["home_municipality_id"], "serves_prefectures": row["serves_codes"],
            "onsite_prefectures": row["onsite_codes"], "capacity_days": row["capacity_days"],
            "weekdays": row["weekdays"], "max_engagements": row["max_engagements"], "daily_rate": row["daily_rate"],
            "employment_forms": row["employment_forms"],
            "pool_pledge_signed_on": row["pool_pledge_signed_on"].isoformat() if row["pool_pledge_signed_on"] else None,
            "confidentiality_pledge": row["pool_pledge_signed_on"] is not None,
            "skills": {s["skill"]: s["level"] for s in row["skill_rows"]},
            "affiliations": [{"id": a["id"], "vendor": a["vendor"], "vendor_name": a["vendor_name"],
                              "relation": a["relation"], "ended_on": a["ended_on"],
                              "current": a["relation"] in ACTIVE_RELATIONS} for a in row["affiliation_rows"]],
            "listed": row["listed"], "created_at": iso_datetime(row["created_at"]),
            "updated_at": iso_datetime(row["updated_at"]),
        }


class AffiliationChangeInputSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AffiliationChangeKind.choices)
    vendor = serializers.PrimaryKeyRelatedField(queryset=Vendor.objects.all())
    relation = serializers.ChoiceField(choices=[(r, label) for r, label in AffiliationRelation.choices
                                                if r in ACTIVE_RELATIONS], required=False, allow_blank=True,
                                       default="", help_text="for kind add: employee or side_job")
    ended_on = serializers.DateField(required=False, allow_null=True, default=None, help_text="for kind end")
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class AffiliationChangeOutputSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.name")
    vendor_name = serializers.CharField(source="vendor.name")
    decided_by = serializers.CharField(source="decided_by.username", default=None, allow_null=True)

    class Meta:
        model = AffiliationChange
        fields = ["id", "expert", "expert_name", "kind", "vendor", "vendor_name", "relation", "ended_on", "note",
                  "status", "requested_at", "decided_by", "decided_at", "decision_reason"]


class AffiliationDecisionInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")

