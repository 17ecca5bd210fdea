from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from backend.core.errors import in_both
from backend.needs.models import FeeBasis
from backend.worklog.models import WorkMonthStatus

# A month's status as the payments read it: the worklog's, or not_started when nothing was logged yet.
PAYMENT_MONTH_STATUSES = [*WorkMonthStatus.values, "not_started"]


class PaymentQuerySerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(required=False, min_value=2000, max_value=2100,
                                           help_text="the fiscal year (April–March); default: the current one")
    municipality = serializers.RegexField(r"^[0-9]{6}$", required=False, help_text="6-digit 団体コード")


class OwedQuerySerializer(PaymentQuerySerializer):
    month = serializers.IntegerField(required=False, min_value=1, max_value=12,
                                     help_text="a calendar month of the fiscal year (1–12)")


class SheetQuerySerializer(serializers.Serializer):
    municipality = serializers.RegexField(r"^[0-9]{6}$", help_text="6-digit 団体コード")
    year = serializers.IntegerField(min_value=2000, max_value=2101, help_text="the calendar year of the month")
    month = serializers.IntegerField(min_value=1, max_value=12)
    file = serializers.ChoiceField(choices=["csv", "xlsx"], default="xlsx")


class MonthAmountOutputSerializer(serializers.Serializer):
    basis = serializers.ChoiceField(choices=FeeBasis.choices, help_text="the need's fee basis (annual when it has none)")
    unit_rate = serializers.IntegerField(allow_null=True, help_text="yen per day (daily) or hour (hourly)")
    rate_derived = serializers.BooleanField(help_text="the rate is the contract's fee ÷ its days (or hours), "
                                                      "not the need's entry (the coordinator set another fee)")
    days = serializers.IntegerField(source="worked.days", help_text="confirmed days that count")
    hours = serializers.DecimalField(source="worked.hours", max_digits=6, decimal_places=2)
    onsite_days = serializers.IntegerField(source="worked.onsite_days")
    fee = serializers.IntegerField(help_text="yen")
    travel_per_day = serializers.IntegerField(help_text="費用弁償 per on-site day, yen")
    travel = serializers.IntegerField(help_text="yen")
    total = serializers.IntegerField(help_text="yen")
    includes_tax = serializers.BooleanField(help_text="as the need states it (税込); never recomputed")


class OwedMonthOutputSerializer(serializers.Serializer):
    engagement = serializers.IntegerField(source="engagement.pk")
    municipality = serializers.CharField(source="engagement.municipality_id")
    municipality_name = serializers.CharField(source="engagement.municipality.name")
    expert = serializers.IntegerField(source="engagement.expert_id")
    expert_name = serializers.CharField(source="engagement.expert.name")
    need = serializers.IntegerField(source="engagement.need_id")
    need_title = serializers.CharField(source="engagement.need.__str__")
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    status = serializers.ChoiceField(choices=PAYMENT_MONTH_STATUSES, help_text="the month's confirmation; not_started: nothing logged")
    reference = serializers.CharField(source="work_month.reference", allow_null=True, default=None)
    confirmed_at = serializers.DateTimeField(source="work_month.confirmed_at", allow_null=True, default=None)
    adjusted = serializers.BooleanField(help_text="corrected after confirmation (確認後に修正あり)")
    amount = MonthAmountOutputSerializer(allow_null=True, help_text="null until the month is confirmed")


@extend_schema_field({"type": "object", "nullable": True, "properties": {"ja": {"type": "string"},
                                                                       "en": {"type": "string"}}})
class WarningField(serializers.Field):
    def to_representation(self, value):
        return in_both(value) if value else None


class EngagementYearOutputSerializer(serializers.Serializer):
    engagement = serializers.IntegerField(source="engagement.pk")
    municipality = serializers.CharField(source="engagement.municipality_id")
    expert_name = serializers.CharField(source="engagement.expert.name")
    need_title = serializers.CharField(source="engagement.need.__str__")
    so_far = serializers.IntegerField(help_text="yen owed by the confirmed months of the year")
    projected = serializers.IntegerField(help_text="so far + what the rest of the contract will cost, yen")
    budget = serializers.IntegerField(help_text="the need's budget, yen")
    over_by = serializers.IntegerField(help_text="how far the need's engagements would exceed its budget (0: within)")
    adjusted = serializers.BooleanField()
    warning = WarningField(help_text="{ja, en} or null")


class MunicipalityYearOutputSerializer(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    so_far = serializers.IntegerField()
    projected = serializers.IntegerField()
    budget = serializers.IntegerField(help_text="the budgets of the year's open and filled needs, yen")
    over_by = serializers.IntegerField()
    warning = WarningField(help_text="{ja, en} or null")


class PaymentYearOutputSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    engagements = EngagementYearOutputSerializer(many=True)
    municipalities = MunicipalityYearOutputSerializer(many=True, help_text="empty for an expert")
