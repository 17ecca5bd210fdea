from decimal import Decimal

from rest_framework import serializers

from backend.worklog.models import DayDispute, WorkAdjustment, WorkDay, WorkMonth, WorkMonthStatus


class WorkDayInputSerializer(serializers.Serializer):
    engagement = serializers.IntegerField(help_text="The engagement (任用・委託) the day was worked for.")
    date = serializers.DateField(help_text="Within the engagement's term and not in the future; one day per date.")
    onsite = serializers.BooleanField(default=False, help_text="On site (現地) rather than remote.")
    hours = serializers.DecimalField(max_digits=4, decimal_places=2, min_value=Decimal("0.01"), max_value=24,
                                     help_text="Hours worked, more than 0 and at most 24.")
    topics = serializers.CharField(max_length=200, help_text="The topics (テーマ), one line.")
    done = serializers.CharField(max_length=5000, help_text="What was done (実施内容), plain text.")


class WorkDayUpdateSerializer(serializers.Serializer):
    onsite = serializers.BooleanField(required=False)
    hours = serializers.DecimalField(max_digits=4, decimal_places=2, min_value=Decimal("0.01"), max_value=24, required=False)
    topics = serializers.CharField(max_length=200, required=False)
    done = serializers.CharField(max_length=5000, required=False)


class DayDisputeOutputSerializer(serializers.ModelSerializer):
    class Meta:
        model = DayDispute
        fields = ["id", "reason", "raised_at", "answer", "answered_at"]


class WorkDayOutputSerializer(serializers.ModelSerializer):
    month = serializers.IntegerField(source="month_id", read_only=True)
    engagement = serializers.IntegerField(source="month.engagement_id", read_only=True)
    disputes = DayDisputeOutputSerializer(many=True, read_only=True)

    class Meta:
        model = WorkDay
        fields = ["id", "month", "engagement", "date", "onsite", "hours", "topics", "done", "beyond_contract",
                  "agreed_at", "counted", "logged_at", "updated_at", "disputes"]


class WorkAdjustmentOutputSerializer(serializers.ModelSerializer):
    made_by_name = serializers.CharField(source="made_by.get_full_name", read_only=True)

    class Meta:
        model = WorkAdjustment
        fields = ["id", "day_date", "before", "after", "reason", "made_by", "made_by_name", "made_at"]


class WorkMonthOutputSerializer(serializers.ModelSerializer):
    engagement_expert_name = serializers.CharField(source="engagement.expert.name", read_only=True)
    engagement_municipality_name = serializers.CharField(source="engagement.municipality.name", read_only=True)
    engagement_need_title = serializers.CharField(source="engagement.need.title", read_only=True)
    day_count = serializers.IntegerField(read_only=True, help_text="Days logged.")
    hour_total = serializers.DecimalField(max_digits=7, decimal_places=2, read_only=True, allow_null=True,
                                          help_text="Hours logged.")
    onsite_count = serializers.IntegerField(read_only=True, help_text="On-site days logged.")
    counted_count = serializers.IntegerField(read_only=True,
                                             help_text="Days counted against the contract (what is owed reads).")
    open_dispute_count = serializers.IntegerField(read_only=True, help_text="Disputes not yet answered.")
    locked = serializers.BooleanField(read_only=True, help_text="Confirmed: changed only by adjustments.")

    class Meta:
        model = WorkMonth
        fields = ["id", "engagement", "engagement_expert_name", "engagement_municipality_name",
                  "engagement_need_title", "year", "month", "status", "deadline", "reference", "submitted_at",
                  "confirmed_at", "confirmed_by", "paper_reference", "reminded_at", "locked", "day_count",
                  "hour_total", "onsite_count", "counted_count", "open_dispute_count"]


class WorkMonthDetailOutputSerializer(WorkMonthOutputSerializer):
    days = WorkDayOutputSerializer(many=True, read_only=True)
    adjustments = WorkAdjustmentOutputSerializer(many=True, read_only=True)

    class Meta(WorkMonthOutputSerializer.Meta):
        fields = [*WorkMonthOutputSerializer.Meta.fields, "days", "adjustments"]


class DisputeInputSerializer(serializers.Serializer):
    reasons = serializers.DictField(child=serializers.CharField(max_length=2000), allow_empty=False,
                                    help_text="{day id: reason} for each disputed day of the month.")


class AnswerInputSerializer(serializers.Serializer):
    answers = serializers.DictField(child=serializers.CharField(max_length=2000, allow_blank=True),
                                    help_text="{day id: answer} for every open dispute of the month.")


class ConfirmInputSerializer(serializers.Serializer):
    agree = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                  help_text="Days beyond the contract's days the municipality agrees to (they count).")
    left_out = serializers.ListField(child=serializers.IntegerField(), required=False, default=list,
                                     help_text="Days the municipality does not count.")


class PaperConfirmInputSerializer(serializers.Serializer):
    paper_reference = serializers.CharField(max_length=100, help_text="The document's reference (文書番号).")


class AdjustInputSerializer(serializers.Serializer):
    day = serializers.IntegerField(required=False, allow_null=True,
                                   help_text="The day to change or remove; leave out to add a day.")
    remove = serializers.BooleanField(default=False, help_text="Remove `day`.")
    date = serializers.DateField(required=False, help_text="The date of a day added.")
    onsite = serializers.BooleanField(required=False)
    hours = serializers.DecimalField(max_digits=4, decimal_places=2, min_value=Decimal("0.01"), max_value=24, required=False)
    topics = serializers.CharField(max_length=200, required=False)
    done = serializers.CharField(max_length=5000, required=False)
    reason = serializers.CharField(max_length=2000, help_text="Why the confirmed month is corrected.")


class WorkAdjustmentResultSerializer(WorkAdjustmentOutputSerializer):
    class Meta(WorkAdjustmentOutputSerializer.Meta):
        fields = [*WorkAdjustmentOutputSerializer.Meta.fields, "month"]


class ReferenceQuerySerializer(serializers.Serializer):
    reference = serializers.CharField(max_length=20, help_text="The month's reference code (照会番号), e.g. KM-7Q3F.")


class OverviewQuerySerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2099)
    municipality = serializers.CharField(max_length=6, required=False, help_text="A municipality's 団体コード.")


class OverviewCellSerializer(serializers.Serializer):
    year = serializers.IntegerField()
    month = serializers.IntegerField()
    in_term = serializers.BooleanField()
    work_month = serializers.IntegerField(source="work_month.pk", allow_null=True, default=None)
    status = serializers.ChoiceField(choices=WorkMonthStatus.choices, source="work_month.status", allow_null=True,
                                     default=None)
    reference = serializers.CharField(source="work_month.reference", allow_null=True, default=None)


class OverviewRowSerializer(serializers.Serializer):
    engagement = serializers.IntegerField(source="engagement.pk")
    expert_name = serializers.CharField(source="engagement.expert.name")
    municipality_name = serializers.CharField(source="engagement.municipality.name")
    need_title = serializers.CharField(source="engagement.need.title")
    cells = OverviewCellSerializer(many=True)
