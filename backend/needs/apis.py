from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin
from backend.core.api import validate_input
from backend.core.viewsets import WritableScopedViewSet, documented
from backend.needs.filters import NeedFilter
from backend.needs.models import Need
from backend.needs.selectors import need_can_change, need_list, need_list_rows
from backend.needs.serializers import (
    NeedInputSerializer,
    NeedListOutputSerializer,
    NeedOutputSerializer,
    NeedPriorityInputSerializer,
)
from backend.needs.services import need_adjust_priority, need_reopen, need_submit, need_update, need_withdraw


@extend_schema_view(**documented(NeedInputSerializer, NeedOutputSerializer))
class NeedViewSet(WritableScopedViewSet):
    """Needs (ニーズ): work pattern, weekdays, budget, skills, role. DELETE withdraws (status withdrawn)."""

    queryset = Need.objects.none()  # for the schema; requests use scoped_queryset
    output_serializer_class = NeedOutputSerializer
    list_serializer_class = NeedListOutputSerializer
    input_serializer_class = NeedInputSerializer
    filterset_class = NeedFilter

    def scoped_queryset(self, user):
        return need_list(user=user)

    def list_rows(self, queryset):
        return need_list_rows(queryset)

    def can_create(self, user):
        return is_admin(user) or user.role in (UserRole.MUNICIPAL, UserRole.COORDINATOR)

    def can_change(self, user, obj):
        return need_can_change(user=user, need=obj)

    def create_object(self, *, user, data):
        return need_submit(actor=user, data=data)

    def update_object(self, *, user, obj, data):
        return need_update(actor=user, need=obj, data=data)

    def delete_object(self, *, user, obj):
        need_withdraw(actor=user, need=obj)

    @extend_schema(request=None, responses=NeedOutputSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        """Open a withdrawn need, or a renewal the municipality dropped, again."""
        return self.render(need_reopen(actor=request.user, need=self.object_for_change()))

    @extend_schema(request=NeedPriorityInputSerializer, responses=NeedOutputSerializer)
    @action(detail=True, methods=["post"], url_path="adjust-priority")
    def adjust_priority(self, request, pk=None):
        """The coordinator adjusts the priority the engine uses (1-5), with a reason; null takes it back.
        The municipality's own `priority` is kept. Coordinators of the need's prefecture only."""
        need = self.get_object()  # 404 outside the user's scope
        data = validate_input(NeedPriorityInputSerializer, data=request.data)
        return self.render(need_adjust_priority(actor=request.user, need=need, adjusted_priority=data["adjusted_priority"],
                                                reason=data["priority_reason"]))
