"""API of second rounds with the run added: backend.wishes' RoundViewSet and its `run` action, which queues the
second-round run (backend.placement.round_runs), and publishing, which may name the main round's run (a row of
backend.runs, above backend.wishes); the router serves this class under /rounds/."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from backend.accounts.permissions import is_coordinator
from backend.core.api import validate_input
from backend.placement.apis import _QUEUED, _queued
from backend.placement.round_runs import round_run
from backend.runs.models import MatchRun
from backend.runs.serializers import RunOutputSerializer
from backend.wishes import round_apis
from backend.wishes.round_serializers import RoundOutputSerializer, RoundPublishInputSerializer
from backend.wishes.rounds import round_publish


class RoundViewSet(round_apis.RoundViewSet):
    """Second rounds (二次調整): publish, close, and run the round's open needs."""

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

    @extend_schema(request=None, responses=_QUEUED)
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        """Queue the second-round run (kind second_round): the round's needs that are still open, against what
        each expert has left (every approved engagement stays fixed), with the default parameters."""
        run = round_run(actor=request.user, round=self.get_object())
        return Response(RunOutputSerializer(run, context=self.get_serializer_context()).data, status=_queued(run))
