from decimal import Decimal

from rest_framework import serializers

from backend.core.choices import Role
from backend.core.fields import ChoiceListField, employment_form_list
from backend.funding.models import FundingScheme, RecruitmentCost, RecruitmentCostKind
from backend.geo.fields import MunicipalityField
from backend.geo.models import Prefecture
from backend.needs.models import Need
from backend.runs.models import MatchRun


def _limit(**kwargs):
    return serializers.IntegerField(min_value=0, allow_null=True, required=False, **kwargs)


class FundingSchemeInputSerializer(serializers.Serializer):
    prefecture = serializers.PrimaryKeyRelatedField(
        queryset=Prefecture.objects.all(), required=False,
        help_text="On create only: the prefecture's code; a coordinator's own prefecture by default.")
    name = serializers.CharField(max_length=100)
    rate = serializers.DecimalField(max_digits=4, decimal_places=3, min_value=Decimal("0"), max_value=Decimal("1"),
                                    required=False, help_text="措置率, 0 to 1 (0.5 = 50%).")
    cap_yen = _limit(max_value=1_000_000_000, help_text="The eligible amount's cap per engagement and year (円); "
                                                        "null: none.")
    cap_public_staff_yen = _limit(max_value=1_000_000_000,
                                  help_text="The cap for staff of an advanced municipality (先進市町村の職員).")
    min_days = _limit(max_value=366, help_text="Eligible from this many counted days in the fiscal year (or the visits).")
    min_visits = _limit(max_value=366, help_text="Eligible from this many visits in the fiscal year (or the days).")
    day_trip_min_hours = serializers.DecimalField(max_digits=4, decimal_places=2, min_value=Decimal("0"),
                                                  max_value=Decimal("24"), allow_null=True, required=False,
                                                  help_text="A day trip counts from this many hours.")
    roles = ChoiceListField(Role.choices, required=False, allow_empty=True, help_text="Empty: every role.")
    employment_forms = employment_form_list(required=False, allow_empty=True, help_text="Empty: every form.")
    max_years = _limit(max_value=99, help_text="At most this many fiscal years for one expert at one municipality.")
    min_months = _limit(max_value=120, help_text="A term shorter than this many months is not eligible.")
    counts_recruitment = serializers.BooleanField(required=False, help_text="Recruitment costs count toward the grant.")
    max_population = _limit(max_value=100_000_000, help_text="Eligible municipalities of at most this population.")
    conditions = serializers.CharField(max_length=2000, required=False, allow_blank=True)
    basis = serializers.CharField(max_length=200, required=False, allow_blank=True,
                                  help_text="The rule it follows, cited on documents.")
    active = serializers.BooleanField(required=False, help_text="Offered to needs and engagements.")


class FundingSchemeOutputSerializer(serializers.ModelSerializer):
    prefecture_name = serializers.CharField(source="prefecture.name", read_only=True)
    in_use = serializers.IntegerField(read_only=True, default=0,
                                      help_text="Engagements (offered, active or ended) that name it.")

    class Meta:
        model = FundingScheme
        fields = ["id", "prefecture", "prefecture_name", "kind", "name", "rate", "cap_yen", "cap_public_staff_yen",
                  "min_days", "min_visits", "day_trip_min_hours", "roles", "employment_forms", "max_years",
                  "min_months", "counts_recruitment", "max_population", "conditions", "basis", "active", "in_use",
                  "created_at", "updated_at"]


class RecruitmentCostInputSerializer(serializers.Serializer):
    municipality = MunicipalityField(required=False, help_text="The 団体コード that paid; staff's own by default.")
    need = serializers.PrimaryKeyRelatedField(queryset=Need.objects.select_related("municipality"), required=False,
                                              allow_null=True, help_text="The need recruited for (of that municipality).")
    run = serializers.PrimaryKeyRelatedField(queryset=MatchRun.objects.all(), required=False, allow_null=True,
                                             help_text="Or the round (a run over the municipality's prefecture).")
    kind = serializers.ChoiceField(choices=RecruitmentCostKind.choices)
    amount = serializers.IntegerField(min_value=1, max_value=1_000_000_000, help_text="In yen.")
    spent_on = serializers.DateField(help_text="The day it was paid; its fiscal year is the cost's.")
    note = serializers.CharField(max_length=200, help_text="What it was (the advertisement, the journey).")


class RecruitmentCostOutputSerializer(serializers.ModelSerializer):
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    need_title = serializers.CharField(source="need.title", default=None, allow_null=True, read_only=True)

    class Meta:
        model = RecruitmentCost
        fields = ["id", "municipality", "municipality_name", "fiscal_year", "need", "need_title", "run", "kind",
                  "amount", "spent_on", "note", "created_at"]


class EngagementFundingInputSerializer(serializers.Serializer):
    scheme = serializers.PrimaryKeyRelatedField(queryset=FundingScheme.objects.all(),
                                                help_text="An active scheme of the engagement's prefecture.")
    public_staff = serializers.BooleanField(default=False,
                                            help_text="The expert is staff of an advanced municipality (lower cap).")


class StandingSerializer(serializers.Serializer):
    state = serializers.ChoiceField(choices=["eligible", "pending", "ineligible"])
    state_label = serializers.CharField()
    reasons = serializers.ListField(child=serializers.CharField(), help_text="Why not (empty when eligible).")
    notes = serializers.ListField(child=serializers.CharField())
    days = serializers.IntegerField(help_text="Confirmed on-site days that count toward the threshold.")
    visits = serializers.IntegerField()
    days_needed = serializers.IntegerField()
    visits_needed = serializers.IntegerField()
    tracker = serializers.CharField(help_text="「10日中7日・5回中3回。令和9年3月31日までにあと3日または2回」; "
                                              "empty for a scheme without a threshold.")


class EngagementFundingOutputSerializer(serializers.Serializer):
    engagement = serializers.IntegerField()
    fiscal_year = serializers.IntegerField()
    scheme = FundingSchemeOutputSerializer()
    scheme_is_default = serializers.BooleanField(help_text="The engagement names no scheme: its role's default.")
    public_staff = serializers.BooleanField()
    standing = StandingSerializer()
    recruitment_costs = RecruitmentCostOutputSerializer(many=True, help_text="Of the engagement's need.")
    recruitment_total = serializers.IntegerField()


def engagement_funding_data(engagement, box) -> dict:
    """The funding box as the output serializer takes it."""
    result, done = box.standing, box.standing.activity
    return {
        "engagement": engagement.pk, "fiscal_year": box.fiscal_year, "scheme": box.scheme,
        "scheme_is_default": box.default, "public_staff": engagement.funding_public_staff,
        "standing": {"state": result.state, "state_label": box.state_label,
                     "reasons": [str(r) for r in result.reasons], "notes": [str(n) for n in result.notes],
                     "days": done.days if done else 0, "visits": done.visits if done else 0,
                     "days_needed": result.days_needed, "visits_needed": result.visits_needed,
                     "tracker": box.tracker},
        "recruitment_costs": box.recruitment, "recruitment_total": box.recruitment_total,
    }
