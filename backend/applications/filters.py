import django_filters

from backend.experts.models import ApplicationStatus, ExpertApplication


class ExpertApplicationFilter(django_filters.FilterSet):
    status = django_filters.ChoiceFilter(choices=ApplicationStatus.choices)

    class Meta:
        model = ExpertApplication
        fields = []
