from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from backend.accounts.permissions import is_coordinator
from backend.core.api import validate_input
from backend.core.viewsets import ScopedViewSet, WritableScopedViewSet, documented
from backend.experts.filters import AffiliationChangeFilter, ExpertFilter
from backend.experts.models import AffiliationChange, Expert
from backend.experts.selectors import (
    affiliation_change_list,
    expert_can_change,
    expert_list,
    expert_list_rows,
)
from backend.experts.serializers import (
    AffiliationChangeInputSerializer,
    AffiliationChangeOutputSerializer,
    AffiliationDecisionInputSerializer,
    ExpertInputSerializer,
    ExpertListOutputSerializer,
    ExpertOutputSerializer,
)
from backend.experts.services import (
    affiliation_change_accept,
    affiliation_change_decline,
    affiliation_change_request,
    expert_create,
    expert_deactivate,
    expert_sign_pledge,
    expert_update,
)


@extend_schema_view(**documented(ExpertInputSerializer, ExpertOutputSerializer))
class ExpertViewSet(WritableScopedViewSet):
    """Experts with availability, weekdays, fees, skills and vendor affiliations."""

    queryset = Expert.objects.none()  # for the schema; requests use scoped_queryset
    output_serializer_class = ExpertOutputSerializer
    list_serializer_class = ExpertListOutputSerializer
    input_serializer_class = ExpertInputSerializer
    filterset_class = ExpertFilter

    def scoped_queryset(self, user):
        return expert_list(user=user)

    def list_rows(self, queryset):
        return expert_list_rows(queryset)

    def can_create(self, user):
        return is_coordinator(user)

    def can_change(self, user, obj):
        return expert_can_change(user=user, expert=obj)

    def create_object(self, *, user, data):
        return expert_create(actor=user, data=data)

    def update_object(self, *, user, obj, data):
        return expert_update(actor=user, expert=obj, data=data)

    def delete_object(self, *, user, obj):
        expert_deactivate(actor=user, expert=obj)  # the coordinator of the registering prefecture, else 403

    @extend_schema(request=AffiliationChangeInputSerializer, responses={201: AffiliationChangeOutputSerializer})
    @action(detail=True, methods=["post"], url_path="affiliation-changes")
    def affiliation_changes(self, request, pk=None):
        """The expert asks to add or end an affiliation; their coordinator reviews it (/affiliation-changes/)."""
        expert = self.get_object()
        data = validate_input(AffiliationChangeInputSerializer, data=request.data)
        change = affiliation_change_request(actor=request.user, expert=expert, **data)
        return Response(AffiliationChangeOutputSerializer(change).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ExpertOutputSerializer)
    @action(detail=True, methods=["post"])
    def pledge(self, request, pk=None):
        """The expert signs the confidentiality pledge themself; it is dated today."""
        return self.render(expert_sign_pledge(actor=request.user, expert=self.get_object()))


class AffiliationChangeViewSet(ScopedViewSet):
    """Experts' requests to change their affiliations; the coordinator of their prefecture accepts (applied,
    restrictions in force stay) or declines with a reason."""

    queryset = AffiliationChange.objects.none()
    output_serializer_class = AffiliationChangeOutputSerializer
    filterset_class = AffiliationChangeFilter

    def scoped_queryset(self, user):
        return affiliation_change_list(user=user)

    def _decide(self, request, decide):
        change = self.get_object()
        data = validate_input(AffiliationDecisionInputSerializer, data=request.data or {})
        return self.render(decide(actor=request.user, change=change, reason=data["reason"]))

    @extend_schema(request=AffiliationDecisionInputSerializer, responses=AffiliationChangeOutputSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        return self._decide(request, affiliation_change_accept)

    @extend_schema(request=AffiliationDecisionInputSerializer, responses=AffiliationChangeOutputSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        return self._decide(request, affiliation_change_decline)

