import re

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field

from backend.core.errors import ErrorCode
from backend.core.filters import WholeNumberFilter
from backend.core.fiscal import fiscal_year_end, fiscal_year_start
from backend.visits.models import PlannedVisit, VisitStatus


class _MonthField(forms.CharField):
    """A month as YYYY-MM, read as (year, month); anything else is refused by name (a 400), not answered empty."""

    def to_python(self, value):
        value = super().to_python(value)
        if not value:
            return None
        found = re.fullmatch(r"(20\d\d)-(0[1-9]|1[0-2])", value)
        if found is None:
            raise forms.ValidationError(_("月は「2027-05」のように年-月で指定してください。"), code=ErrorCode.INVALID)
        return int(found[1]), int(found[2])


class MonthFilter(django_filters.Filter):
    field_class = _MonthField


class PlannedVisitFilter(django_filters.FilterSet):
    engagement = WholeNumberFilter(field_name="engagement_id", min_value=1, label="the engagement's id")
    fiscal_year = WholeNumberFilter(method="in_fiscal_year", min_value=2000, max_value=2099,
                                    label="the fiscal year (April–March) the date falls in")
    month = MonthFilter(method="in_month", label="a month, YYYY-MM")
    status = django_filters.ChoiceFilter(choices=VisitStatus.choices)

    class Meta:
        model = PlannedVisit
        fields = []

    def in_fiscal_year(self, queryset, name, value):
        return queryset.filter(date__gte=fiscal_year_start(value), date__lte=fiscal_year_end(value))

    @extend_schema_field(OpenApiTypes.STR)
    def in_month(self, queryset, name, value):
        year, month = value
        return queryset.filter(date__year=year, date__month=month)
