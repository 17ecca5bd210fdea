"""API of the autumn budget estimate (予算要求見込み): the figures of a fiscal year's needs per municipality, and
the what-if for one need, answered by the engine without storing anything. Municipal staff read their own
municipality, a coordinator their prefecture's; an expert is refused (403); a need or municipality outside the
user's scope is a 404."""

from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.api import validate_input
from backend.costs.estimate_serializers import (
    EstimateOutputSerializer,
    EstimateQuerySerializer,
    WhatIfInputSerializer,
    WhatIfOutputSerializer,
)
from backend.costs.estimates import WHAT_IF_FIELDS, budget_estimate, estimate_needs, need_what_if


class EstimateApi(APIView):
    """Each need a municipality posts or renews for the fiscal year: fee range, travel, grant and net."""

    @extend_schema(parameters=[EstimateQuerySerializer], responses=EstimateOutputSerializer)
    def get(self, request):
        query = validate_input(EstimateQuerySerializer, data=request.query_params)
        estimate = budget_estimate(user=request.user, fiscal_year=query.get("fiscal_year"),
                                   municipality=query.get("municipality"))
        return Response(EstimateOutputSerializer(estimate).data)


class EstimateWhatIfApi(APIView):
    """One need with another budget, days, on-site days or offered fee: the same figures, nothing stored."""

    @extend_schema(request=WhatIfInputSerializer, responses=WhatIfOutputSerializer)
    def post(self, request):
        data = validate_input(WhatIfInputSerializer, data=request.data)
        needs = estimate_needs(user=request.user)
        need = get_object_or_404(needs, pk=data["need"])
        current, changed = need_what_if(user=request.user, need=need,
                                        changes={k: data[k] for k in WHAT_IF_FIELDS if k in data})
        return Response(WhatIfOutputSerializer({"current": current, "changed": changed}).data)
