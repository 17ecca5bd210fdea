import django_filters

from backend.core.choices import Skill
from backend.core.filters import TrueOrFalseFilter, code, key
from backend.experts.models import (
    AffiliationChange,
    AffiliationChangeStatus,
    Expert,
)


class ExpertFilter(django_filters.FilterSet):
    registering_prefecture = code("registering_prefecture_id")
    serves = code("serves_prefectures", distinct=True)
    skill = django_filters.ChoiceFilter(field_name="skills__skill", choices=Skill.choices, distinct=True)
    listed = TrueOrFalseFilter()

    class Meta:
        model = Expert
        fields = []


class AffiliationChangeFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=AffiliationChangeStatus.choices)
    expert = key("expert_id")

    class Meta:
        model = AffiliationChange
        fields = []

