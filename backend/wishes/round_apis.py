"""API of second rounds (二次調整): list and read the coordinator's rounds, close one. Publishing (which may name
the main round's run) and starting the second-round run are added above (backend.placement.round_apis), the
class the router serves."""

from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action

from backend.core.viewsets import ScopedViewSet
from backend.wishes.models import Round
from backend.wishes.round_selectors import round_list
from backend.wishes.round_serializers import RoundOutputSerializer
from backend.wishes.rounds import round_close


class RoundViewSet(ScopedViewSet):
    """Second rounds (二次調整): the unfilled needs a coordinator published after the main run, with the deadline
    for experts' interest and how many experts stated interest in each need."""

    queryset = Round.objects.none()
    output_serializer_class = RoundOutputSerializer

    def scoped_queryset(self, user):
        return round_list(user=user)

    @extend_schema(request=None, responses=RoundOutputSerializer)
    @action(detail=True, methods=["post"])
    def close(self, request, pk=None):
        """Close the round: no more interest is taken."""
        return self.render(round_close(actor=request.user, round=self.get_object()))
