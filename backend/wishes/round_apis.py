"""API of second rounds (二次調整): list and read the coordinator's rounds, publish one, close it. Starting the
second-round run is added above (backend.placement.round_apis), the class the router serves."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied

from backend.accounts.permissions import is_coordinator
from backend.core.api import validate_input
from backend.core.viewsets import ScopedViewSet
from backend.runs.models import MatchRun
from backend.wishes.models import Round
from backend.wishes.round_selectors import round_list
from backend.wishes.round_serializers import RoundOutputSerializer, RoundPublishInputSerializer
from backend.wishes.rounds import round_close, round_publish


class RoundViewSet(ScopedViewSet):
    """Second rounds (二次調整): the unfilled needs a coordinator published after the main run, with the deadline
    for experts' interest and how many experts stated interest in each need."""

    queryset = Round.objects.none()
    output_serializer_class = RoundOutputSerializer

    def scoped_queryset(self, user):
        return round_list(user=user)

    @extend_schema(request=RoundPublishInputSerializer, responses={201: RoundOutputSerializer})
    def create(self, request):
        """Publish the prefecture's unfilled needs of the year (open, held by no offered or active engagement)."""
        if not is_coordinator(request.user) or not request.user.prefecture_id:
            raise PermissionDenied()
        data = validate_input(RoundPublishInputSerializer, data=request.data)
        main_run = None
        if data.get("main_run"):
            main_run = get_object_or_404(MatchRun.objects.filter(prefecture_id=request.user.prefecture_id),
                                         pk=data["main_run"])
        r = round_publish(actor=request.user, prefecture=request.user.prefecture_id, fiscal_year=data["fiscal_year"],
                          deadline=data["deadline"], main_run=main_run)
        return self.render(r, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RoundOutputSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the round: no more interest is taken."""
        return self.render(round_close(actor=request.user, round=self.get_object()))
