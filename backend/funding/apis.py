"""API of the funding register: the schemes a user reads (a coordinator adds and edits their prefecture's),
recruitment costs (listed, recorded and removed by a municipality's staff or its coordinator) and an engagement's
funding (where it stands with its scheme; the coordinator names the scheme). An object outside the user's scope is
404; a write the user may not make is 403 (the viewset's gate, then the service's own check)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import UserRole
from backend.accounts.permissions import coordinates, is_admin, is_coordinator, is_staff_of
from backend.core.api import validate_input
from backend.core.errors import DomainError
from backend.core.viewsets import WritableScopedViewSet, documented
from backend.engagements.selectors import engagement_list
from backend.funding import selectors, services
from backend.funding.errors import ErrorCode
from backend.funding.filters import RecruitmentCostFilter
from backend.funding.models import FundingScheme, RecruitmentCost
from backend.funding.serializers import (
    EngagementFundingInputSerializer,
    EngagementFundingOutputSerializer,
    FundingSchemeInputSerializer,
    FundingSchemeOutputSerializer,
    RecruitmentCostInputSerializer,
    RecruitmentCostOutputSerializer,
    engagement_funding_data,
)


@extend_schema_view(**documented(FundingSchemeInputSerializer, FundingSchemeOutputSerializer))
class FundingSchemeViewSet(WritableScopedViewSet):
    """Funding schemes (財源) per prefecture, seeded with 特別交付税（CIO補佐官等）, 地域力創造アドバイザー, 地域活性化起業人
    and 一般財源 on first read. Everyone reads their prefecture's; its coordinator adds and edits them (audited)."""

    queryset = FundingScheme.objects.none()
    output_serializer_class = FundingSchemeOutputSerializer
    input_serializer_class = FundingSchemeInputSerializer
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def scoped_queryset(self, user):
        return selectors.scheme_list(user=user)

    def can_create(self, user):
        return is_coordinator(user)

    def can_change(self, user, obj):
        return coordinates(user, obj.prefecture_id)

    def create_object(self, *, user, data):
        prefecture = data.pop("prefecture", None) or user.prefecture_id
        if prefecture is None:
            raise DomainError.single("prefecture", ErrorCode.REQUIRED, services.PREFECTURE_REQUIRED)
        return services.scheme_create(actor=user, prefecture=prefecture, data=data)

    def update_object(self, *, user, obj, data):
        data.pop("prefecture", None)
        return services.scheme_update(actor=user, scheme=obj, data=data)


@extend_schema_view(create=extend_schema(request=RecruitmentCostInputSerializer,
                                         responses={201: RecruitmentCostOutputSerializer}))
class RecruitmentCostViewSet(WritableScopedViewSet):
    """Recruitment costs (募集を行うための経費: advertisements, interview travel) per need or per round, recorded by
    the municipality's staff or its coordinator; `?fiscal_year=` and `?municipality=` filter."""

    queryset = RecruitmentCost.objects.none()
    output_serializer_class = RecruitmentCostOutputSerializer
    input_serializer_class = RecruitmentCostInputSerializer
    filterset_class = RecruitmentCostFilter
    http_method_names = ["get", "post", "delete", "head", "options"]

    def scoped_queryset(self, user):
        return selectors.recruitment_cost_list(user=user)

    def can_create(self, user):
        return is_admin(user) or user.role in (UserRole.COORDINATOR, UserRole.MUNICIPAL)

    def can_change(self, user, obj):
        return is_staff_of(user, obj.municipality_id) or coordinates(user, obj.municipality.prefecture_id)

    def create_object(self, *, user, data):
        municipality = data.pop("municipality", None) or (user.municipality if user.municipality_id else None)
        if municipality is None:
            raise DomainError.single("municipality", ErrorCode.REQUIRED, services.MUNICIPALITY_REQUIRED)
        return services.recruitment_cost_add(actor=user, municipality=municipality, data=data)

    def delete_object(self, *, user, obj):
        services.recruitment_cost_remove(actor=user, cost=obj)


class EngagementFundingApi(APIView):
    """An engagement's funding: its scheme, whether it is eligible in the fiscal year (this one while its term
    covers it) and why not, the tracker from the confirmed activity log, and its need's recruitment costs. POST
    (the coordinator of its prefecture) names the scheme and whether the expert is staff of an advanced
    municipality."""

    def _engagement(self, request, pk):
        return get_object_or_404(engagement_list(user=request.user), pk=pk)

    @extend_schema(responses=EngagementFundingOutputSerializer)
    def get(self, request, pk: int):
        engagement = self._engagement(request, pk)
        return Response(EngagementFundingOutputSerializer(
            engagement_funding_data(engagement, selectors.funding_box(engagement))).data)

    @extend_schema(request=EngagementFundingInputSerializer, responses=EngagementFundingOutputSerializer)
    def post(self, request, pk: int):
        engagement = self._engagement(request, pk)
        if not is_coordinator(request.user):
            raise PermissionDenied()
        data = validate_input(EngagementFundingInputSerializer, data=request.data)
        engagement = services.engagement_funding_set(actor=request.user, engagement=engagement, scheme=data["scheme"],
                                                     public_staff=data["public_staff"])
        return Response(EngagementFundingOutputSerializer(
            engagement_funding_data(engagement, selectors.funding_box(engagement))).data)
