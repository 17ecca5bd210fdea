"""API of second rounds with the run added: backend.wishes' RoundViewSet and its `run` action, which queues the
second-round run (backend.placement.round_runs); the router serves this class under /rounds/."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.response import Response

from backend.placement.apis import _QUEUED, _queued
from backend.placement.round_runs import round_run
from backend.runs.serializers import RunOutputSerializer
from backend.wishes import round_apis


class RoundViewSet(round_apis.RoundViewSet):
    """Second rounds (二次調整): publish, close, and run the round's open needs."""

    @extend_schema(request=None, responses=_QUEUED)
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        """Queue the second-round run (kind second_round): the round's needs that are still open, against what
        each expert has left (every approved engagement stays fixed), with the default parameters."""
        run = round_run(actor=request.user, round=self.get_object())
        return Response(RunOutputSerializer(run, context=self.get_serializer_context()).data, status=_queued(run))
