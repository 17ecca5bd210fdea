"""API of the visit plan: the visits a user may read and their moves, an engagement's plan (re-planned by the
coordinator) and the user's secret iCal feed URL."""

from django.shortcuts import get_object_or_404
from django.urls import reverse
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.api import validate_input
from backend.core.viewsets import ScopedViewSet
from backend.engagements.selectors import engagement_list
from backend.runs.apis import coordinator_only
from backend.visits import selectors, services
from backend.visits.filters import PlannedVisitFilter
from backend.visits.models import PlannedVisit
from backend.visits.serializers import (
    CalendarFeedOutputSerializer,
    PlannedVisitOutputSerializer,
    VisitMoveInputSerializer,
    VisitPlanOutputSerializer,
)


class PlannedVisitViewSet(ScopedViewSet):
    """Planned visits (訪問予定): a coordinator reads their prefecture's, municipal staff their municipality's, an
    expert their own, across engagements. Either side of the engagement moves a date (`move`)."""

    queryset = PlannedVisit.objects.none()
    output_serializer_class = PlannedVisitOutputSerializer
    filterset_class = PlannedVisitFilter

    def scoped_queryset(self, user):
        return selectors.visit_list(user=user)

    @extend_schema(request=VisitMoveInputSerializer, responses=PlannedVisitOutputSerializer)
    @action(detail=True, methods=["post"])
    def move(self, request, pk=None):
        """Move a planned date: to a date in the term, from today on, not closed for the municipality and free
        for the expert; the other side is notified."""
        visit = self.get_object()
        data = validate_input(VisitMoveInputSerializer, data=request.data)
        return self.render(services.visit_move(actor=request.user, visit=visit, to_date=data["to_date"],
                                               reason=data.get("reason", "")))


class EngagementVisitPlanApi(APIView):
    """An engagement's visit plan: its planned dates against the contract's days and the months that fall short
    with why. POST (the coordinator of its prefecture) plans it again from today on, keeping the past dates and
    those moved by hand."""

    def _engagement(self, request, pk):
        return get_object_or_404(engagement_list(user=request.user).select_related("need"), pk=pk)

    @extend_schema(responses=VisitPlanOutputSerializer)
    def get(self, request, pk: int):
        return Response(VisitPlanOutputSerializer(selectors.visit_plan_report(self._engagement(request, pk))).data)

    @extend_schema(request=None, responses=VisitPlanOutputSerializer)
    def post(self, request, pk: int):
        engagement = self._engagement(request, pk)
        coordinator_only(request.user)
        services.visits_plan(actor=request.user, engagement=engagement)
        return Response(VisitPlanOutputSerializer(selectors.visit_plan_report(engagement)).data)


def _feed_response(request, feed) -> Response:
    url = request.build_absolute_uri(reverse("frontend:calendar-feed", args=[feed.token])) if feed else None
    return Response(CalendarFeedOutputSerializer({"url": url, "created_at": feed.created_at if feed else None}).data)


class CalendarFeedApi(APIView):
    """The signed-in user's secret iCal feed URL (RFC 5545) of the dates that concern them: an expert's visits,
    the visits to staff's municipality, the visits in a coordinator's prefecture. Anyone with the URL reads it."""

    @extend_schema(responses=CalendarFeedOutputSerializer)
    def get(self, request):
        return _feed_response(request, selectors.calendar_feed_of(user=request.user))


class CalendarFeedRenewApi(APIView):
    """Issue the feed URL, or a new one instead of the old, which stops working at once."""

    @extend_schema(request=None, responses=CalendarFeedOutputSerializer)
    def post(self, request):
        return _feed_response(request, services.calendar_feed_renew(actor=request.user))
