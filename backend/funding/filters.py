import django_filters

from backend.core.filters import WholeNumberFilter, code
from backend.funding.models import RecruitmentCost


class RecruitmentCostFilter(django_filters.FilterSet):
    fiscal_year = WholeNumberFilter(field_name="fiscal_year", min_value=2000, max_value=2099,
                                    label="the fiscal year (April–March) it was paid in")
    municipality = code("municipality_id")
    need = WholeNumberFilter(field_name="need_id", label="the need it was paid for")

    class Meta:
        model = RecruitmentCost
        fields = []
