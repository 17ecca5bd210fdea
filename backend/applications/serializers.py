"""API input and output of applications and invitations: an expert's application as the public form sends it
and as coordinators review it, the coordinator's decision on it, and a coordinator's invitation."""

from django.conf import settings
from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.accounts.models import UserRole
from backend.applications.errors import ErrorCode
from backend.core.choices import AffiliationRelation
from backend.core.fields import SkillLevelsField, employment_form_list, weekday_list
from backend.experts.models import Expert, ExpertApplication
from backend.geo.fields import MunicipalityField
from backend.geo.models import Municipality
from backend.procurement.models import Vendor

# An invited or accepted person signs in with their address, and a login name holds at most 150 characters: a
# longer address answered 500 when the login was made (issue 21).
LOGIN_EMAIL_MAX = 150


class InvitationInputSerializer(serializers.Serializer):
    email = serializers.EmailField(max_length=LOGIN_EMAIL_MAX)
    role = serializers.ChoiceField(choices=[UserRole.MUNICIPAL, UserRole.EXPERT])
    language = serializers.ChoiceField(choices=settings.LANGUAGES, default="ja")
    municipality = serializers.PrimaryKeyRelatedField(queryset=Municipality.objects.all(), required=False,
                                                      allow_null=True, default=None,
                                                      help_text="for role municipal: a municipality of your prefecture")
    expert = serializers.PrimaryKeyRelatedField(queryset=Expert.objects.all(), required=False, allow_null=True,
                                                default=None, help_text="for role expert: an expert you can see")
    new_expert_name = serializers.CharField(max_length=100, required=False, allow_blank=True, default="",
                                            help_text="for role expert without `expert`: registers a new expert")


class ApplicationAffiliationInputSerializer(serializers.Serializer):
    vendor_name = serializers.CharField(max_length=200)
    relation = serializers.ChoiceField(choices=AffiliationRelation.choices)
    ended_on = serializers.DateField(required=False, allow_null=True, default=None)

    def validate(self, attrs):
        if attrs["relation"] == AffiliationRelation.FORMER_EMPLOYEE and not attrs.get("ended_on"):
            raise serializers.ValidationError(
                {"ended_on": _("元在籍の場合は退職日が必要です。")}, code=ErrorCode.REQUIRED)
        return attrs


class ExpertApplicationInputSerializer(serializers.Serializer):
    """An application to a prefecture's pool, from the public page (no account)."""

    name = serializers.CharField(max_length=100)
    name_kana = serializers.CharField(max_length=100)
    email = serializers.EmailField(max_length=LOGIN_EMAIL_MAX)
    phone = serializers.CharField(max_length=32, required=False, allow_blank=True, default="")
    skills = SkillLevelsField()
    capacity_days = serializers.IntegerField(min_value=1, max_value=366)
    weekdays = weekday_list(allow_empty=False)
    daily_rate = serializers.IntegerField(min_value=0, max_value=10_000_000)
    home_municipality = MunicipalityField(
        required=False, allow_null=True, default=None,
        help_text="団体コード of where the applicant travels from (the travel reimbursement, 費用弁償).")
    employment_forms = employment_form_list(allow_empty=False)
    affiliations = ApplicationAffiliationInputSerializer(many=True, required=False, default=list)
    pledge = serializers.BooleanField()

    def validate_skills(self, value):
        if not value:
            raise serializers.ValidationError(_("スキルを1つ以上選んでください。"),
                                              code=ErrorCode.REQUIRED)
        return value

    def validate_pledge(self, value):
        if not value:
            raise serializers.ValidationError(_("秘密保持の誓約に同意してください。"), code=ErrorCode.REQUIRED)
        return value


class ApplicationAffiliationOutputSerializer(serializers.Serializer):
    """An affiliation as the applicant wrote it: a vendor's name, not yet a vendor of the register."""

    vendor_name = serializers.CharField()
    relation = serializers.ChoiceField(choices=AffiliationRelation.choices)
    ended_on = serializers.DateField(allow_null=True)


class ExpertApplicationOutputSerializer(serializers.ModelSerializer):
    skills = serializers.SerializerMethodField()
    affiliations = ApplicationAffiliationOutputSerializer(many=True)
    decided_by = serializers.CharField(source="decided_by.username", default=None, allow_null=True)

    class Meta:
        model = ExpertApplication
        fields = ["id", "prefecture", "name", "name_kana", "email", "phone", "skills", "capacity_days", "weekdays",
                  "daily_rate", "home_municipality", "employment_forms", "affiliations", "pledge_agreed_at", "language", "status",
                  "submitted_at", "decided_by", "decided_at", "decision_reason", "expert"]

    def get_skills(self, obj) -> dict[str, int]:
        return dict(obj.skills)


class ApplicationAcceptInputSerializer(serializers.Serializer):
    vendors = serializers.ListField(
        child=serializers.PrimaryKeyRelatedField(queryset=Vendor.objects.all(), allow_null=True, error_messages={
            "does_not_exist": _("事業者が見つかりません。登録済みの事業者から選んでください。")}),
        required=False, default=list,
        help_text="One per affiliation of the application, in its order: the id of the registered vendor it is, "
                  "or null to register the name the applicant wrote as a new vendor.")
    vendor_numbers = serializers.ListField(
        child=serializers.CharField(max_length=13, allow_blank=True), required=False, default=list,
        max_length=20,
        help_text="The 法人番号 of each affiliation registered as a new vendor (null in `vendors`), in the same order (\"\" for the others); "
                  "required for those (issue 21: a vendor is a legal entity).")


class ApplicationDeclineInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Mailed to the applicant.", error_messages={
        "required": _("見送る理由を入力してください（応募者にメールで伝えます）。"),
        "blank": _("見送る理由を入力してください（応募者にメールで伝えます）。")})
