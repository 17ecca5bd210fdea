from decimal import Decimal

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.core.choices import Role, WorkPattern
from backend.core.fields import FiscalYearField, SkillLevelsField, employment_form_list, weekday_list
from backend.core.viewsets import iso_datetime
from backend.geo.fields import MunicipalityField
from backend.needs.models import FeeBasis, Need
from backend.needs.terms import work_pattern_problems

BUDGET_IN_YEN = _("予算は円単位の整数で指定してください（小数や桁区切りのカンマは使えません）。")

DESCRIPTION_MAX_CHARS = 4000


class NeedInputSerializer(serializers.Serializer):
    # Rules a schema type cannot say are said here, so that a request refused for them is no surprise (issue 21).
    municipality = MunicipalityField(required=False, help_text=(
        "A 団体コード: six digits, the last its check digit. Municipal staff may name only their own "
        "municipality (or leave it out); a coordinator, only municipalities of their prefecture (403 otherwise)."))
    fiscal_year = FiscalYearField()
    role = serializers.ChoiceField(choices=Role.choices)
    title = serializers.CharField(max_length=200, required=False, allow_blank=True)
    # A page of text is plenty for what the work is; 2.4 MB was accepted and made the needs page 2.7 MB (issue 21).
    description = serializers.CharField(max_length=DESCRIPTION_MAX_CHARS, required=False, allow_blank=True)
    pattern = serializers.ChoiceField(choices=WorkPattern.choices)
    pattern_days = serializers.IntegerField(min_value=1, max_value=240)
    weekdays = weekday_list(required=False, help_text=(
        "The weekdays the work may fall on: a weekly need accepts at least pattern_days of them."))
    onsite_required = serializers.BooleanField(default=False)
    onsite_days = serializers.IntegerField(min_value=0, max_value=366, required=False,
                                           help_text="On-site days per year; 0 or absent with onsite_required: every day.")
    # Yen, a whole number: 「240.5」 or 「1,200」 (万円 as typed on the page) is refused saying so (issue 21).
    budget = serializers.IntegerField(min_value=0, max_value=1_000_000_000, help_text="In yen, a whole number.",
                                      error_messages=dict.fromkeys(("invalid", "invalid_type"), BUDGET_IN_YEN))
    fee_basis = serializers.ChoiceField(choices=FeeBasis.choices, allow_blank=True, required=False,
                                        help_text="How the offered fee is stated; blank: no offer (daily rate × days).")
    fee_amount = serializers.IntegerField(min_value=1, max_value=1_000_000_000, allow_null=True, required=False,
                                          help_text="The fee as entered, in yen per year, month, day or hour.")
    fee_hours_per_day = serializers.DecimalField(max_digits=4, decimal_places=2, min_value=Decimal("0.25"), max_value=Decimal("24"),
                                                 allow_null=True, required=False,
                                                 help_text="Working hours per day, for an hourly fee only.")
    fee_includes_tax = serializers.BooleanField(required=False, help_text="The amount includes tax (業務委託).")
    required_skills = SkillLevelsField(required=False)
    desired_skills = SkillLevelsField(required=False, help_text="No skill of required_skills may be repeated here.")
    employment_forms = employment_form_list(allow_empty=False)
    priority = serializers.IntegerField(min_value=1, max_value=5, default=3)
    # The scheme the post is planned to be financed by (the engagement made from it takes it): an active scheme of
    # the need's prefecture, or null for the role's default. The model is reached through the need's own relation,
    # so needs imports nothing of funding, which sits above it.
    funding_scheme = serializers.PrimaryKeyRelatedField(
        queryset=Need._meta.get_field("funding_scheme").related_model.objects.all(), allow_null=True, required=False,
        help_text="An active funding scheme of the need's prefecture (GET /api/v1/funding/schemes/); null: the "
                  "prefecture's default for the role (特別交付税（CIO補佐官等） for a CIO or CISO adviser, else 一般財源).")

    def validate(self, attrs):
        instance = self.instance
        pattern = attrs.get("pattern", getattr(instance, "pattern", None))
        days = attrs.get("pattern_days", getattr(instance, "pattern_days", None))
        weekdays = attrs.get("weekdays", getattr(instance, "weekdays", None)) or []
        errors = {p.field: p.message
                  for p in work_pattern_problems(pattern=pattern, days=days, weekdays=weekdays)}
        required = attrs.get("required_skills") or {}
        desired = attrs.get("desired_skills") or {}
        if set(required) & set(desired):
            errors["desired_skills"] = _("必須スキルと同じスキルは歓迎スキルに指定できません。")
        if errors:
            raise serializers.ValidationError(errors)
        return attrs


class NeedOutputSerializer(serializers.ModelSerializer):
    municipality_name = serializers.CharField(source="municipality.name", read_only=True)
    prefecture = serializers.CharField(source="municipality.prefecture_id", read_only=True)
    required_skills = serializers.SerializerMethodField()
    desired_skills = serializers.SerializerMethodField()

    class Meta:
        model = Need
        fields = [
            "id", "municipality", "municipality_name", "prefecture", "fiscal_year", "role", "title",
            "description", "pattern", "pattern_days", "days_per_year", "weekly_days", "weekdays",
            "onsite_required", "onsite_days", "budget", "fee_basis", "fee_amount", "fee_hours_per_day",
            "fee_includes_tax", "offered_fee", "required_skills", "desired_skills", "employment_forms", "priority",
            "adjusted_priority", "priority_reason", "funding_scheme", "status", "created_at", "updated_at",
        ]
        read_only_fields = ["offered_fee", "adjusted_priority", "priority_reason"]

    def get_required_skills(self, obj) -> dict[str, int]:
        return {s.skill: s.level for s in obj.skills.all() if s.required}

    def get_desired_skills(self, obj) -> dict[str, int]:
        return {s.skill: s.level for s in obj.skills.all() if not s.required}


class NeedListOutputSerializer(NeedOutputSerializer):
    """A row of the needs list (`need_list_rows`) with NeedOutputSerializer's fields, which the schema shows
    for the list, built in plain Python: DRF's field-by-field path cost a third of the list's time.
    tests/backend/api/test_query_counts.py holds every row equal to NeedOutputSerializer's."""

    def to_representation(self, row: dict) -> dict:
        skills = row["skill_rows"]
        return {
            "id": row["id"], "municipality": row["municipality_id"], "municipality_name": row["municipality__name"],
            "prefecture": row["municipality__prefecture_id"], "fiscal_year": row["fiscal_year"], "role": row["role"],
            "title": row["title"], "description": row["description"], "pattern": row["pattern"],
            "pattern_days": row["pattern_days"], "days_per_year": row["days_per_year"],
            "weekly_days": row["weekly_days"], "weekdays": row["weekdays"], "onsite_required": row["onsite_required"],
            "onsite_days": row["onsite_days"], "budget": row["budget"], "fee_basis": row["fee_basis"],
            "fee_amount": row["fee_amount"],
            "fee_hours_per_day": None if row["fee_hours_per_day"] is None else str(row["fee_hours_per_day"]),
            "fee_includes_tax": row["fee_includes_tax"], "offered_fee": row["offered_fee"],
            "required_skills": {s["skill"]: s["level"] for s in skills if s["required"]},
            "desired_skills": {s["skill"]: s["level"] for s in skills if not s["required"]},
            "employment_forms": row["employment_forms"], "priority": row["priority"],
            "adjusted_priority": row["adjusted_priority"], "priority_reason": row["priority_reason"],
            "funding_scheme": row["funding_scheme_id"], "status": row["status"],
            "created_at": iso_datetime(row["created_at"]), "updated_at": iso_datetime(row["updated_at"]),
        }


class NeedPriorityInputSerializer(serializers.Serializer):
    """The coordinator's adjustment of a need's priority; null takes it back."""

    adjusted_priority = serializers.IntegerField(min_value=1, max_value=5, allow_null=True)
    priority_reason = serializers.CharField(required=False, allow_blank=True, default="")
