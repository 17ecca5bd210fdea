from rest_framework import serializers

from backend.calendar.models import ClosedDay
from backend.geo.fields import MunicipalityField
from backend.geo.models import Prefecture


class ClosedDayInputSerializer(serializers.Serializer):
    date = serializers.DateField()
    label = serializers.CharField(max_length=40, help_text="The day's name as the office calls it (県民の日).")
    prefecture = serializers.PrimaryKeyRelatedField(
        queryset=Prefecture.objects.all(), required=False, allow_null=True,
        help_text="A prefecture's code: the day closes the prefecture and every municipality in it (its coordinator "
                  "adds it). Give this or `municipality`, not both.")
    municipality = MunicipalityField(required=False, allow_null=True,
                                     help_text="A municipality's 団体コード: the day closes that municipality only "
                                               "(its staff add it).")


class ClosedDayOutputSerializer(serializers.ModelSerializer):
    prefecture_name = serializers.CharField(source="prefecture.name", default=None, allow_null=True, read_only=True)
    municipality_name = serializers.CharField(source="municipality.name", default=None, allow_null=True,
                                              read_only=True)

    class Meta:
        model = ClosedDay
        fields = ["id", "date", "label", "prefecture", "prefecture_name", "municipality", "municipality_name",
                  "created_at"]


class WorkingCalendarQuerySerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField(min_value=2000, max_value=2099, help_text="The fiscal year (April–March).")
    prefecture = serializers.PrimaryKeyRelatedField(queryset=Prefecture.objects.all(), required=False,
                                                    help_text="Add this prefecture's closed days.")
    municipality = MunicipalityField(required=False,
                                     help_text="Add this municipality's and its prefecture's closed days.")


class NamedDaySerializer(serializers.Serializer):
    date = serializers.DateField()
    name = serializers.CharField(help_text="祝日の名称, 年末年始, or the name the prefecture or municipality gave.")


class WorkableDaysSerializer(serializers.Serializer):
    mon = serializers.IntegerField()
    tue = serializers.IntegerField()
    wed = serializers.IntegerField()
    thu = serializers.IntegerField()
    fri = serializers.IntegerField()
    sat = serializers.IntegerField()
    sun = serializers.IntegerField()


class WorkingCalendarOutputSerializer(serializers.Serializer):
    fiscal_year = serializers.IntegerField()
    closed_days = NamedDaySerializer(many=True, help_text="Every closed weekday and holiday of the year, in order.")
    workable_days_by_weekday = WorkableDaysSerializer(
        help_text="How many of each weekday are not closed (FY2026 nationally: mon 45, tue 46, wed 49, thu 50, fri 51).")
