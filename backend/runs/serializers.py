from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.core.models import AuditLog
from backend.core.viewsets import iso_datetime
from backend.experts.models import Expert
from backend.geo.models import Prefecture
from backend.needs.models import Need
from backend.runs.models import (
    CoiOverride,
    DecisionKind,
    Engagement,
    MatchRun,
    PairDecision,
    Proposal,
    ReplacementRequest,
    ScopeConsent,
)
from backend.runs.parts import summary_for
from backend.runs.pledge import PLEDGE_VERSION
from backend.runs.selectors import proposal_live_states, reader_prefectures
from matching.formulation import LATER_OBJECTIVES


class RunInputSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2100)
    scope = serializers.ListField(child=serializers.RegexField(r"^(0[1-9]|[1-3][0-9]|4[0-7])$"),
                                  required=False, allow_empty=False, max_length=47)
    time_limit_s = serializers.IntegerField(min_value=1, max_value=600, default=30)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    objectives = serializers.ListField(
        child=serializers.ChoiceField(choices=LATER_OBJECTIVES), required=False, max_length=len(LATER_OBJECTIVES),
        help_text="Which criteria after the primary to apply, in the engine's fixed order (default: all).")


class RunSummarySerializer(serializers.Serializer):
    assigned = serializers.IntegerField(help_text="needs of the reader's prefectures with a proposal")
    unmatched = serializers.IntegerField()
    flags = serializers.IntegerField()
    solver_status = serializers.CharField(allow_null=True)
    objective = serializers.DictField(allow_null=True, help_text="only for the prefecture that started the run")


class RunProgressSerializer(serializers.Serializer):
    best_primary = serializers.IntegerField(allow_null=True, required=False,
                                            help_text="only for the prefecture that started the run")
    bound = serializers.IntegerField(allow_null=True, required=False,
                                     help_text="only for the prefecture that started the run")
    elapsed_s = serializers.FloatField(required=False)
    stage = serializers.CharField(allow_null=True, required=False)


class RunOutputSerializer(serializers.ModelSerializer):
    summary = serializers.SerializerMethodField()
    progress = serializers.SerializerMethodField()

    class Meta:
        model = MatchRun
        fields = ["id", "prefecture", "scope", "fiscal_year", "kind", "replacement", "params", "status",
                  "progress", "timings", "error", "cancel_requested", "retry_of", "started_by", "created_at", "started_at",
                  "heartbeat_at", "finished_at", "summary"]

    def _reader(self, obj) -> tuple[set[str] | None, bool]:
        request = self.context.get("request")
        prefectures = reader_prefectures(user=request.user) if request else set()
        return prefectures, prefectures is None or obj.prefecture_id in prefectures

    @extend_schema_field(RunSummarySerializer)
    def get_summary(self, obj) -> dict:
        prefectures, whole = self._reader(obj)
        return summary_for(obj.summary or {}, prefectures, whole_run=whole)

    @extend_schema_field(RunProgressSerializer)
    def get_progress(self, obj) -> dict:
        """The solver's values describe the whole (joint) run: only its starting prefecture reads them."""
        _prefectures, whole = self._reader(obj)
        progress = obj.progress or {}
        return progress if whole else {k: v for k, v in progress.items() if k in ("elapsed_s", "stage")}


class ScopeConsentInputSerializer(serializers.Serializer):
    grantee = serializers.PrimaryKeyRelatedField(queryset=Prefecture.objects.all(),
                                                 help_text="the prefecture that may include yours in its runs")
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2100)
    note = serializers.CharField(required=False, allow_blank=True, max_length=2000, default="")


class ScopeConsentOutputSerializer(serializers.ModelSerializer):
    grantor_name = serializers.CharField(source="grantor.name")
    grantee_name = serializers.CharField(source="grantee.name")
    granted_by = serializers.CharField(source="granted_by.username", default=None, allow_null=True)
    revoked_by = serializers.CharField(source="revoked_by.username", default=None, allow_null=True)
    in_force = serializers.SerializerMethodField()

    class Meta:
        model = ScopeConsent
        fields = ["id", "grantor", "grantor_name", "grantee", "grantee_name", "fiscal_year", "note", "granted_by",
                  "granted_at", "revoked_by", "revoked_at", "in_force"]

    def get_in_force(self, obj) -> bool:
        return obj.revoked_at is None


class UnmatchedOutputSerializer(serializers.Serializer):
    need = serializers.CharField()
    reason = serializers.CharField()
    detail = serializers.CharField(required=False)


class LiveStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["proposed", "offered", "active", "declined", "ended", "superseded",
                                             "need_withdrawn", "need_filled"],
                                    help_text="what the proposal stands for now, computed when read")
    notes = serializers.ListField(child=serializers.ChoiceField(choices=["pledge_signed_since", "conflict_since"]))


class ProposalOutputSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="need.municipality_id")
    municipality_name = serializers.CharField(source="need.municipality.name")
    need_title = serializers.CharField(source="need.title")
    expert_name = serializers.CharField(source="expert.name")
    engagement = serializers.PrimaryKeyRelatedField(read_only=True, allow_null=True)

    class Meta:
        model = Proposal
        fields = ["id", "run", "need", "need_title", "municipality", "municipality_name", "expert", "expert_name",
                  "weekdays", "days_per_year", "fee", "flags", "status", "engagement", "live"]

    live = serializers.SerializerMethodField()

    @extend_schema_field(LiveStateSerializer)
    def get_live(self, obj) -> dict:
        states = self.context.get("live_states") or proposal_live_states([obj])
        state = states[obj.pk]
        return {"state": state.state, "notes": list(state.notes)}


class ApproveInputSerializer(serializers.Serializer):
    override_reason = serializers.CharField(required=False, allow_blank=True, max_length=2000)


class DecisionInputSerializer(serializers.Serializer):
    need = serializers.PrimaryKeyRelatedField(queryset=Need.objects.all())
    expert = serializers.PrimaryKeyRelatedField(queryset=Expert.objects.all())
    kind = serializers.ChoiceField(choices=DecisionKind.choices, allow_null=True)


class DecisionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = PairDecision
        fields = ["id", "need", "expert", "kind", "declined_by", "reason", "created_at"]


class EngagementOutputSerializer(serializers.ModelSerializer):
    expert_name = serializers.CharField(source="expert.name")
    municipality_name = serializers.CharField(source="municipality.name")
    need_title = serializers.CharField(source="need.title")
    override_reason = serializers.CharField(source="coi_override.reason", default=None, allow_null=True)

    class Meta:
        model = Engagement
        fields = ["id", "expert", "expert_name", "municipality", "municipality_name", "need", "need_title",
                  "fiscal_year", "starts_on", "ends_on", "weekdays", "days_per_year", "fee", "employment_form",
                  "status", "municipality_accepted_at", "expert_accepted_at", "pledge_signed_at", "pledge_version",
                  "declined_by", "override_reason",
                  "replaces", "created_at"]


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
            "employment_form": row["employment_form"], "status": row["status"],
            "municipality_accepted_at": iso_datetime(row["municipality_accepted_at"]),
            "expert_accepted_at": iso_datetime(row["expert_accepted_at"]),
            "pledge_signed_at": iso_datetime(row["pledge_signed_at"]), "pledge_version": row["pledge_version"],
            "declined_by": row["declined_by"], "override_reason": row["override_reason"],
            "replaces": row["replaces_id"], "created_at": iso_datetime(row["created_at"]),
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


class CoiOverrideRevokeInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)
    end_engagements = serializers.BooleanField(
        default=False, help_text="end the engagements that rely on the exception (required when there are any)")


class PledgeInputSerializer(serializers.Serializer):
    pledge_version = serializers.CharField(max_length=16, help_text=f"the version of the pledge text signed "
                                                                    f"(now {PLEDGE_VERSION})")


class AcceptInputSerializer(serializers.Serializer):
    pledge_version = serializers.CharField(
        max_length=16, required=False, help_text="the expert signs the pledge with the acceptance (version signed)")


class DeclineInputSerializer(serializers.Serializer):
    reason = serializers.CharField(required=False, allow_blank=True, max_length=2000,
                                   help_text="optional: why the offer is declined (the coordinator sees it)")


class ReplacementInputSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


class ReplacementOutputSerializer(serializers.ModelSerializer):
    municipality = serializers.CharField(source="engagement.municipality_id")
    expert = serializers.IntegerField(source="engagement.expert_id")
    expert_name = serializers.CharField(source="engagement.expert.name")

    class Meta:
        model = ReplacementRequest
        fields = ["id", "engagement", "municipality", "expert", "expert_name", "reason", "status", "created_at",
                  "completed_at"]


class AuditLogOutputSerializer(serializers.ModelSerializer):
    actor = serializers.CharField(source="actor.username", default=None, allow_null=True)

    class Meta:
        model = AuditLog
        fields = ["id", "at", "actor", "prefecture", "action", "object_type", "object_id", "before", "after"]


class AuditLogListOutputSerializer(AuditLogOutputSerializer):
    """A row of the audit log list (`audit_log_list_rows`) with AuditLogOutputSerializer's fields, built in plain
    Python. tests/backend/api/test_query_counts.py holds every row equal to AuditLogOutputSerializer's."""

    def to_representation(self, row: dict) -> dict:
        return {"id": row["id"], "at": iso_datetime(row["at"]), "actor": row["actor__username"],
                "prefecture": row["prefecture_id"], "action": row["action"], "object_type": row["object_type"],
                "object_id": row["object_id"], "before": row["before"], "after": row["after"]}
