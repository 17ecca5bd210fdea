from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.core.errors import interpolate
from backend.core.fields import FiscalYearField
from backend.experts.models import Expert
from backend.geo.models import Prefecture
from backend.needs.models import Need
from backend.runs.models import DecisionKind, MatchRun, PairDecision, Proposal, ScopeConsent
from backend.runs.params import CHOSEN_STAGES, RunParams
from backend.runs.parts import summary_for
from backend.runs.selectors import proposal_live_states, reader_prefectures
from matching import ALLOWED_LEADS, DEFAULT_TIME_LIMIT_S, LEAD_CRITERIA


class RunInputSerializer(serializers.Serializer):
    fiscal_year = FiscalYearField()
    scope = serializers.ListField(child=serializers.RegexField(r"^(0[1-9]|[1-3][0-9]|4[0-7])$"),
                                  required=False, allow_empty=False, max_length=47, help_text=(
                                      "Prefecture codes of a joint run, the caller's own always included; each other "
                                      "prefecture must have consented for the fiscal year (scope-consents), and a "
                                      "scope already being run is a 409 until that run ends."))
    time_limit_s = serializers.IntegerField(min_value=1, max_value=600, default=DEFAULT_TIME_LIMIT_S)
    seed = serializers.IntegerField(min_value=0, max_value=2**31 - 1, default=0)
    stages = serializers.ListField(
        child=serializers.ChoiceField(choices=CHOSEN_STAGES), required=False, max_length=len(CHOSEN_STAGES),
        help_text="Which stages after the lead to apply, in the engine's fixed order (default: all). The "
                  "preference stage is not among them: `wishes` decides it.")
    wishes = serializers.BooleanField(
        required=False, help_text="Whether both sides' wishes count (希望を考慮する: the preference stage directly "
                                  "after the lead). Default: on once anyone stated a wish about a need of the scope "
                                  "and fiscal year, off otherwise.")
    lead = serializers.ListField(
        child=serializers.ChoiceField(choices=LEAD_CRITERIA), required=False, max_length=len(LEAD_CRITERIA),
        help_text='What comes first: ["priority"] (default) or ["coverage", "priority"] (every municipality '
                  'that asked gets one expert before the priority sum counts).')

    def validate_lead(self, value):
        if tuple(value) not in ALLOWED_LEADS:
            allowed = " / ".join(",".join(lead) for lead in ALLOWED_LEADS)
            raise serializers.ValidationError(interpolate(_("第一基準は %(allowed)s のいずれかです。"), allowed=allowed))
        return value

    def validate(self, attrs):
        """The run's fiscal year and scope, and its parameters typed once (`RunParams`), for `run_enqueue`."""
        return {"fiscal_year": attrs["fiscal_year"], "scope": attrs.get("scope"),
                "params": RunParams.from_input(attrs)}


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
        fields = ["id", "prefecture", "scope", "fiscal_year", "kind", "replacement", "round", "params", "status",
                  "progress", "timings", "error", "cancel_requested", "attempts", "retry_of", "started_by", "created_at", "started_at",
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
    fiscal_year = FiscalYearField()
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
    detail_ja = serializers.CharField(required=False, help_text="the detail in Japanese")


class NamedExpertSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class ReportUnmatchedSerializer(serializers.Serializer):
    need = serializers.IntegerField()
    reason = serializers.CharField()
    detail = serializers.CharField(help_text="the solver's words; experts the reader may see are named")
    detail_ja = serializers.CharField(allow_blank=True)
    conflicted = NamedExpertSerializer(many=True, help_text="experts the incumbent conflict alone keeps out: an "
                                                            "exception recorded for one of them can place them")


class ReportChangeSerializer(serializers.Serializer):
    need = serializers.IntegerField()
    before = NamedExpertSerializer(allow_null=True)
    after = NamedExpertSerializer(allow_null=True)
    reason = serializers.ChoiceField(choices=["pinned", "forbidden", "declined", "new_need", "recomputed", "approved"])


class FirstChoicesSerializer(serializers.Serializer):
    met = serializers.IntegerField()
    stated = serializers.IntegerField()


class WeightierPairSerializer(serializers.Serializer):
    expert = NamedExpertSerializer(allow_null=True, help_text="null: an expert the reader may not see")
    need = serializers.IntegerField()
    municipality_level = serializers.IntegerField()
    expert_level = serializers.IntegerField()


class BlockingPairSerializer(serializers.Serializer):
    expert = NamedExpertSerializer(allow_null=True)
    need = serializers.IntegerField()
    municipality_level = serializers.IntegerField()
    expert_level = serializers.IntegerField()
    assigned_expert = NamedExpertSerializer(allow_null=True)
    released_need = serializers.IntegerField(allow_null=True)
    outweighed_by = serializers.ChoiceField(
        choices=["lead", "capacity", "preference", "rule", "equal", "not_counted", "unanalysed"],
        help_text="what outweighed the pair (the pair pinned and solved again): the lead (`criterion`, the "
                  "`lost_needs` another municipality's higher priority keeps), capacity (a filled need lost), the "
                  "preference sum (`weightier` pairs), a rule, nothing (an equally good result), wishes not counted, "
                  "or not analysed (beyond the first 20)")
    criterion = serializers.CharField(allow_null=True)
    rule = serializers.CharField(allow_null=True)
    lost_needs = serializers.ListField(child=serializers.IntegerField())
    weightier = WeightierPairSerializer(many=True)


class DebriefSerializer(serializers.Serializer):
    expert = NamedExpertSerializer(allow_null=True)
    need = serializers.IntegerField()
    level = serializers.IntegerField(help_text="the expert's interest: 3 第一希望, 2 希望, 1 可")
    rule = serializers.CharField(allow_null=True, help_text="the first rule that blocked the pair (or capacity)")
    veto_by = serializers.CharField(allow_null=True, help_text="municipality or expert, when a veto forbade it")
    veto_reason = serializers.CharField(allow_blank=True)
    preferred = NamedExpertSerializer(allow_null=True, help_text="who was placed at the need instead")


class PreferenceReportSerializer(serializers.Serializer):
    counted = serializers.BooleanField(help_text="whether wishes counted in the run (the preference stage)")
    first_choices = serializers.DictField(child=FirstChoicesSerializer(), help_text="by side: municipality, expert")
    blocking_pairs = BlockingPairSerializer(many=True)
    debrief = DebriefSerializer(many=True, help_text="experts who stated interest and were not placed")


def preference_report_document(preferences, named) -> dict | None:
    if preferences is None:
        return None
    return {
        "counted": preferences.counted,
        "first_choices": {side: {"met": met, "stated": stated}
                          for side, (met, stated) in preferences.first_choices.items()},
        "blocking_pairs": [
            {"expert": named(b.expert_id), "need": b.need_id, "municipality_level": b.municipality_level,
             "expert_level": b.expert_level, "assigned_expert": named(b.assigned_expert_id),
             "released_need": b.released_need_id, "outweighed_by": b.by, "criterion": b.criterion, "rule": b.rule,
             "lost_needs": list(b.lost_need_ids),
             "weightier": [{"expert": named(e), "need": n, "municipality_level": m, "expert_level": x}
                           for e, n, m, x in b.weightier]}
            for b in preferences.blocking],
        "debrief": [{"expert": named(d.expert_id), "need": d.need_id, "level": d.level, "rule": d.rule,
                     "veto_by": d.veto_by, "veto_reason": d.veto_reason, "preferred": named(d.preferred_expert_id)}
                    for d in preferences.debrief],
    }


class RunReportOutputSerializer(serializers.Serializer):
    """The reader's part of a run's report (`selectors.run_report_for`): stored by the worker, read as is."""

    unmatched = ReportUnmatchedSerializer(many=True)
    changes = ReportChangeSerializer(many=True, help_text="against the previous successful run of the same scope")
    vendors = serializers.DictField(child=serializers.CharField(), help_text="names of the vendors flags refer to")
    procurements = serializers.DictField(child=serializers.CharField(),
                                         help_text="titles of the procurements flags refer to")
    preferences = PreferenceReportSerializer(allow_null=True, help_text="what became of both sides' wishes "
                                                                        "(a version 3 run; null before)")

    def to_representation(self, report) -> dict:
        def named(pk):
            return None if pk is None or pk not in report.expert_names else {"id": pk, "name": report.expert_names[pk]}

        return {
            "unmatched": [{"need": u.need_id, "reason": u.reason, "detail": u.detail, "detail_ja": u.detail_ja,
                           "conflicted": [named(pk) for pk in u.conflicted]} for u in report.unmatched],
            "changes": [{"need": c.need_id, "before": named(c.before_expert_id), "after": named(c.after_expert_id),
                         "reason": c.reason} for c in report.changes],
            "vendors": {str(pk): name for pk, name in report.vendor_names.items()},
            "procurements": {str(pk): title for pk, title in report.procurement_titles.items()},
            "preferences": preference_report_document(report.preferences, named),
        }


class LiveStateSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["proposed", "offered", "active", "declined", "ended", "cancelled",
                                             "superseded", "need_withdrawn", "need_filled"],
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
                  "weekdays", "days_per_year", "fee", "travel_cost", "travel_uncounted", "employment_form", "flags",
                  "status", "engagement", "live"]

    live = serializers.SerializerMethodField()
    travel_cost = serializers.SerializerMethodField(
        help_text="Travel reimbursement (費用弁償) in yen; null when it cannot be counted (see travel_uncounted).")
    travel_uncounted = serializers.BooleanField(
        read_only=True, help_text="On-site days and an expert with no home municipality: 費用弁償 未算定, not 0 yen.")

    @extend_schema_field(serializers.IntegerField(allow_null=True))
    def get_travel_cost(self, obj) -> int | None:
        return None if obj.travel_uncounted else obj.travel_cost

    @extend_schema_field(LiveStateSerializer)
    def get_live(self, obj) -> dict:
        states = self.context.get("live_states") or proposal_live_states([obj])
        state = states[obj.pk]
        return {"state": state.state, "notes": list(state.notes)}


class DecisionInputSerializer(serializers.Serializer):
    need = serializers.PrimaryKeyRelatedField(queryset=Need.objects.all())
    expert = serializers.PrimaryKeyRelatedField(queryset=Expert.objects.all())
    kind = serializers.ChoiceField(choices=DecisionKind.choices, allow_null=True)


class DecisionOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = PairDecision
        fields = ["id", "need", "expert", "kind", "declined_by", "reason", "created_at"]
