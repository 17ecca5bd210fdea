"""API of goals and evaluations (目標と評価): an engagement's goals listed and set, evaluations listed and
submitted. The engagement named in a write is looked up in the user's scope first (404 outside it); the service
decides who may write (403 for a coordinator or the other municipality's staff in scope)."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from backend.core.api import validate_input
from backend.core.viewsets import ScopedViewSet
from backend.engagements.selectors import engagement_list
from backend.goals import selectors, services
from backend.goals.filters import EvaluationFilter, GoalFilter
from backend.goals.models import Evaluation, Goal
from backend.goals.serializers import (
    EvaluationInputSerializer,
    EvaluationOutputSerializer,
    GoalOutputSerializer,
    GoalsSetInputSerializer,
)


class GoalViewSet(ScopedViewSet):
    """The goals of engagements (up to five each), in order; `?engagement=` for one engagement's."""

    queryset = Goal.objects.none()
    output_serializer_class = GoalOutputSerializer
    filterset_class = GoalFilter

    def scoped_queryset(self, user):
        return selectors.goal_list(user=user)

    @extend_schema(request=GoalsSetInputSerializer, responses=GoalOutputSerializer(many=True))
    @action(detail=False, methods=["post"], url_path="set")
    def set_goals(self, request):
        """Set an engagement's goals (its municipality's staff or its expert), until the first evaluation."""
        data = validate_input(GoalsSetInputSerializer, data=request.data)
        engagement = get_object_or_404(engagement_list(user=request.user), pk=data["engagement"])
        goals = services.goals_set(actor=request.user, engagement=engagement, texts=data["texts"])
        return Response(GoalOutputSerializer(goals, many=True).data)


class EvaluationViewSet(ScopedViewSet):
    """Evaluations of October (中間) and March (年度末): the municipality's and the expert's self-evaluation, each
    side's own. A party sees the other side's evaluation of a period once its own is in; the coordinator all."""

    queryset = Evaluation.objects.none()
    output_serializer_class = EvaluationOutputSerializer
    filterset_class = EvaluationFilter

    def scoped_queryset(self, user):
        return selectors.evaluation_list(user=user).prefetch_related("ratings")

    @extend_schema(request=EvaluationInputSerializer, responses={201: EvaluationOutputSerializer})
    def create(self, request):
        data = validate_input(EvaluationInputSerializer, data=request.data)
        engagement = get_object_or_404(engagement_list(user=request.user), pk=data["engagement"])
        evaluation = services.evaluation_submit(
            actor=request.user, engagement=engagement, period=data["period"], overall=data["overall"],
            comment=data["comment"], fiscal_year=data.get("fiscal_year"),
            ratings={r["goal"]: (r["rating"], r["comment"]) for r in data["ratings"]})
        return self.render(evaluation, status.HTTP_201_CREATED)
