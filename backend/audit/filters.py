import django_filters

from backend.core.models import AuditLog


class AuditLogFilter(django_filters.FilterSet):
    action = django_filters.CharFilter()
    object_type = django_filters.CharFilter()
    object_id = django_filters.CharFilter()

    class Meta:
        model = AuditLog
        fields = []
