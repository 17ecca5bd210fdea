from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.core.choices import DECLINE_REASONS_CHOSEN, EmploymentForm
from backend.core.viewsets import iso_datetime
from backend.engagements.models import CoiOverride, Engagement, EngagementConflict, ReplacementRequest
from backend.engagements.pledge import PLEDGE_VERSION


class ApproveInputSerializer(serializers.Serializer):
    """The approval and the contract terms the coordinator confirms; each left out is the proposal's (fee,
    employment form) or the default term (from today or 1 April to 31 March)."""

    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)
    fee = serializers.IntegerField(required=False, min_value=0, max_value=1_000_000_000,
                                   help_text="The yearly fee (yen); at least the expert's lowest daily fee × days, at "
                                             "most the budget less travel. Prorated by month for a later start.")
    fee_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                       help_text="Why the fee differs from the proposal's (required then).")
    employment_form = serializers.ChoiceField(choices=EmploymentForm.choices, required=False,
                                              help_text="Any form both the need and the expert accept.")
    starts_on = serializers.DateField(required=False, help_text="Within the need's fiscal year.")
    ends_on = serializers.DateField(required=False, help_text="By 31 March; 任期付短時間職員 up to 3 years.")


class EngagementOutputSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.name")
    municipality_name = serializers.CharField(source="municipality.name")
    need_title = serializers.CharField(source="need.title")
    override_reason = serializers.CharField(source="coi_override.reason", default=None, allow_null=True)
    travel_cost = serializers.SerializerMethodField(
        help_text="Travel reimbursement (費用弁償) in yen; null when it cannot be counted (see travel_uncounted).")
    travel_uncounted = serializers.BooleanField(
        read_only=True, help_text="On-site days and an expert with no home municipality: 費用弁償 未算定, not 0 yen.")

    class Meta:
        model = Engagement
        fields = ["id", "expert", "expert_name", "municipality", "municipality_name", "need", "need_title",
                  "fiscal_year", "starts_on", "ends_on", "weekdays", "days_per_year", "fee", "travel_cost", "travel_uncounted",
                  "fee_reason", "employment_form", "status", "municipality_accepted_at", "expert_accepted_at", "pledge_signed_at", "pledge_version",
                  "declined_by", "override_reason",
                  "replaces", "end_reason", "ended_by_side", "created_at",
                  "answer_by", "decline_code", "decline_reason"]

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_travel_cost(self, obj) -> int | None:
        return None if obj.travel_uncounted else obj.travel_cost


class WarningOutputSerializer(serializers.Serializer):
    field = serializers.CharField(allow_null=True)
    code = serializers.CharField()
    ja = serializers.CharField()
    en = serializers.CharField()


class ApprovedEngagementOutputSerializer(EngagementOutputSerializer):
    """The offer an approval made, with what the coordinator should act on although it is made."""

    warnings = WarningOutputSerializer(many=True, read_only=True, help_text=(
        "e.g. no_active_account: the municipality has no active staff account, so nobody can answer the offer "
        "until its staff are invited"))

    class Meta(EngagementOutputSerializer.Meta):
        fields = [*EngagementOutputSerializer.Meta.fields, "warnings"]


class EngagementListOutputSerializer(EngagementOutputSerializer):
    """A row of the engagements list (`engagement_list_rows`) with EngagementOutputSerializer's fields, which the
    schema shows for the list, built in plain Python (DRF's field-by-field path cost as much as the query).
    tests/backend/api/test_query_counts.py holds every row equal to EngagementOutputSerializer's."""

    def to_representation(self, row: dict) -> dict:
        return {
            "id": row["id"], "expert": row["expert_id"], "expert_name": row["expert_name"],
            "municipality": row["municipality_id"], "municipality_name": row["municipality_name"],
            "need": row["need_id"], "need_title": row["need_title"], "fiscal_year": row["fiscal_year"],
            "starts_on": row["starts_on"].isoformat(), "ends_on": row["ends_on"].isoformat(),
            "weekdays": row["weekdays"], "days_per_year": row["days_per_year"], "fee": row["fee"],
            "travel_cost": None if row["travel_uncounted"] else row["travel_cost"],
            "travel_uncounted": row["travel_uncounted"], "fee_reason": row["fee_reason"],
            "employment_form": row["employment_form"], "status": row["status"],
            "municipality_accepted_at": iso_datetime(row["municipality_accepted_at"]),
            "expert_accepted_at": iso_datetime(row["expert_accepted_at"]),
            "pledge_signed_at": iso_datetime(row["pledge_signed_at"]), "pledge_version": row["pledge_version"],
            "declined_by": row["declined_by"], "override_reason": row["override_reason"],
            "replaces": row["replaces_id"], "end_reason": row["end_reason"], "ended_by_side": row["ended_by_side"],
            "created_at": iso_datetime(row["created_at"]),
            "answer_by": row["answer_by"].isoformat() if row["answer_by"] else None,
            "decline_code": row["decline_code"], "decline_reason": row["decline_reason"],
        }


class CoiOverrideOutputSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.name")
    municipality_name = serializers.CharField(source="municipality.name")
    created_by = serializers.CharField(source="created_by.username", default=None, allow_null=True)
    revoked_by = serializers.CharField(source="revoked_by.username", default=None, allow_null=True)
    state = serializers.SerializerMethodField()
    engagements = serializers.PrimaryKeyRelatedField(many=True, read_only=True)

    class Meta:
        model = CoiOverride
        fields = ["id", "expert", "expert_name", "municipality", "municipality_name", "fiscal_year", "reason",
                  "created_by", "created_at", "state", "lapsed_at", "revoked_at", "revoked_by", "revoke_reason",
                  "engagements"]

    def get_state(self, obj) -> str:
        return "revoked" if obj.revoked_at else "lapsed" if obj.lapsed_at else "in_force"


def _reason_required(message) -> dict:
    """A reason's own message (what the reason is for) whether it is missing or blank."""
    return {"required": message, "blank": message}


class CoiOverrideRevokeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, error_messages=_reason_required(_("取り消す理由を記入してください。")))
    end_engagements = serializers.BooleanField(
        default=False, help_text="end the engagements that rely on the exception (required when there are any)")
    lift_pins = serializers.BooleanField(
        default=True, help_text="lift the pins of this expert on the municipality's needs of that fiscal year "
                                "(placing with the exception made them; kept, they make the next runs infeasible)")


class PledgeInputSerializer(serializers.Serializer):
    pledge_version = serializers.CharField(max_length=16, help_text=f"the version of the pledge text signed "
                                                                    f"(now {PLEDGE_VERSION})")


class AcceptInputSerializer(serializers.Serializer):
    pledge_version = serializers.CharField(
        max_length=16, required=False, help_text="the expert signs the pledge with the acceptance (version signed)")


# The reasons a person chooses (the schema's DeclineReasonChosenEnum).
DECLINE_CODE_CHOICES = [(r.value, r.label) for r in DECLINE_REASONS_CHOSEN]


class DeclineInputSerializer(serializers.Serializer):
    decline_code = serializers.ChoiceField(
        choices=DECLINE_CODE_CHOICES,
        error_messages={m: _("辞退の理由を一覧から選んでください。") for m in ("required", "invalid_choice", "null")},
        help_text="why the offer is declined: fee 報酬, schedule 日程, side_job_permission 勤務先の兼業許可が得られない, "
                  "council_budget 議会・予算, other_side 相手方, other その他 (then `reason` is required)")
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                   help_text="the words (required with decline_code other; the coordinator sees them)")


class DeadlineInputSerializer(serializers.Serializer):
    answer_by = serializers.DateField(help_text="the offer's new answer deadline (today or later)")


class ReplacementInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, error_messages=_reason_required(_("交代を依頼する理由を記入してください。")))


class EndInputSerializer(serializers.Serializer):
    """Ending an active engagement mid-year (任期途中の終了)."""

    ends_on = serializers.DateField(help_text="The last day served: within the term (before its end), not before "
                                              "the first of the current month.",
                                    error_messages={"required": _("終了日を入力してください。"),
                                                    "invalid": _("終了日は日付で入力してください。")})
    reason = serializers.CharField(max_length=2000, error_messages=_reason_required(_("終了の理由を記入してください。")))


class ReplacementOutputSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="engagement.municipality_id")
    expert = serializers.IntegerField(source="engagement.expert_id")
    expert_name = serializers.CharField(source="engagement.expert.name")

    class Meta:
        model = ReplacementRequest
        fields = ["id", "engagement", "municipality", "expert", "expert_name", "reason", "status", "created_at",
                  "completed_at"]


class ContactSerializer(serializers.Serializer):
    name = serializers.CharField()
    email = serializers.CharField(allow_blank=True)
    phone = serializers.CharField(allow_blank=True)


class ContactsOutputSerializer(serializers.Serializer):
    municipality = ContactSerializer(many=True, allow_null=True,
                                     help_text="the municipality's staff; null when the reader is the municipality")
    expert = ContactSerializer(allow_null=True, help_text="the expert; null when the reader is the expert")
class EngagementConflictOutputSerializer(serializers.ModelSerializer):
    """A conflict found after the offer: the engagement, the vendor and the procurement that brought it, and how
    (whether) the coordinator resolved it."""

    expert = serializers.IntegerField(source="engagement.expert_id")
    expert_name = serializers.CharField(source="engagement.expert.name")
    municipality = serializers.CharField(source="engagement.municipality_id")
    municipality_name = serializers.CharField(source="engagement.municipality.name")
    need_title = serializers.CharField(source="engagement.need.title")
    engagement_status = serializers.CharField(source="engagement.status")
    vendor_name = serializers.CharField(source="vendor.name")
    state = serializers.CharField(help_text="open (awaiting the coordinator) or resolved")
    exception = serializers.IntegerField(source="coi_override_id", allow_null=True)
    exception_reason = serializers.CharField(source="coi_override.reason", default=None, allow_null=True)

    class Meta:
        model = EngagementConflict
        fields = ["id", "engagement", "engagement_status", "expert", "expert_name", "municipality",
                  "municipality_name", "need_title", "vendor", "vendor_name", "procurement", "procurement_title",
                  "cause", "state", "found_at", "found_by", "resolved_at", "resolved_by", "resolution", "exception",
                  "exception_reason"]


class ConflictExceptInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, help_text="Why the engagement may continue (recorded with the "
                                                              "exception).")


class ConflictEndInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000, required=False, allow_blank=True)


# -- the year's declines and lapses by reason (issue 25) ----------------------------------------------------------

class DeclinesQuerySerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                           help_text="the fiscal year (April–March); default: the prefecture's season")
    file = serializers.ChoiceField(choices=["xlsx", "csv"], required=False,
                                   help_text="the list as an Excel or CSV file instead of JSON")


class DeclineReasonCountSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="a decline_code (fee, schedule, side_job_permission, council_budget, "
                                           "other_side, other), lapsed, or unrecorded (declined before reasons)")
    label = serializers.CharField()
    municipality = serializers.IntegerField()
    expert = serializers.IntegerField()
    both = serializers.IntegerField(help_text="lapses neither side had answered")
    total = serializers.IntegerField()


class DeclineRowSerializer(serializers.Serializer):
    engagement = serializers.IntegerField(source="engagement.pk")
    status = serializers.CharField(source="engagement.status", help_text="declined or lapsed")
    municipality = serializers.CharField(source="engagement.municipality_id")
    municipality_name = serializers.CharField(source="engagement.municipality.name")
    expert = serializers.IntegerField(source="engagement.expert_id")
    expert_name = serializers.CharField(source="engagement.expert.name")
    need = serializers.IntegerField(source="engagement.need_id")
    need_title = serializers.CharField(source="engagement.need.title")
    side = serializers.CharField(help_text="municipality or expert (who declined, or who had not answered a lapse); "
                                           "both: a lapse neither had answered")
    code = serializers.CharField()
    words = serializers.CharField()
    on = serializers.DateField()


class DeclinesOutputSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    by_reason = DeclineReasonCountSerializer(many=True)
    declines = DeclineRowSerializer(many=True)
