import django_filters

from backend.core.choices import ProcurementCategory, ProcurementStatus
from backend.core.filters import TrueOrFalseFilter, code, fiscal_year, key
from backend.procurement.models import Procurement, Vendor


class VendorFilter(django_filters.FilterSet):
    name = django_filters.CharFilter(lookup_expr="icontains")
    corporate_number = django_filters.CharFilter()
    retired = TrueOrFalseFilter(field_name="retired_at", lookup_expr="isnull", exclude=True,
                                           label="true: retired or merged vendors only; false: current ones only")

    class Meta:
        model = Vendor
        fields = []


class ProcurementFilter(django_filters.FilterSet):
    municipality = code("municipality_id")
    status = django_filters.ChoiceFilter(choices=ProcurementStatus.choices)
    category = django_filters.ChoiceFilter(choices=ProcurementCategory.choices)
    fiscal_year = fiscal_year()
    incumbent_vendor = key("incumbent_vendor_id")

    class Meta:
        model = Procurement
        fields = []
