"""API of the bid restriction register (入札参加制限): the list, its exports and the may-bid question."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.api import StrictPageNumberPagination, readers_language, validate_input
from backend.core.errors import in_both
from backend.core.reuse import reuse_data
from backend.core.spreadsheet import XLSX
from backend.procurement.selectors import procurement_list
from backend.restrictions.exports import restrictions_csv, restrictions_xlsx
from backend.restrictions.selectors import restriction_list, restrictions_described, vendor_may_bid
from backend.restrictions.serializers import (
    MayBidOutputSerializer,
    MayBidQuerySerializer,
    RestrictionExportFilterSerializer,
    RestrictionFilterSerializer,
    RestrictionOutputSerializer,
)

SPREADSHEETS = {(200, "text/csv"): OpenApiTypes.BINARY, (200, XLSX): OpenApiTypes.BINARY}


def _filters(query: dict) -> dict:
    return {name: query.get(name) for name in ("vendor", "municipality", "on", "state")}


class RestrictionListApi(APIView):
    """The restriction register (入札参加制限) as recorded, newest first, ended restrictions included."""

    pagination_class = StrictPageNumberPagination

    @extend_schema(parameters=[RestrictionFilterSerializer], responses=RestrictionOutputSerializer(many=True))
    def get(self, request):
        # A bad or empty value is a 400 naming the parameter.
        query = validate_input(RestrictionFilterSerializer, data=request.query_params)

        def build():
            rows = restriction_list(user=request.user, **_filters(query))
            paginator = self.pagination_class()
            page = restrictions_described(paginator.paginate_queryset(rows, request, view=self))
            return paginator.get_paginated_response(RestrictionOutputSerializer(page, many=True).data)

        # Each row's state depends on today; the reuse key holds the minute, so it never outlives the day.
        return reuse_data(request, build)


class RestrictionExportApi(APIView):
    """The register as CSV (UTF-8 with BOM) or Excel, with Japanese headers."""

    @extend_schema(parameters=[RestrictionExportFilterSerializer], responses=SPREADSHEETS)
    def get(self, request):
        query = validate_input(RestrictionExportFilterSerializer, data=request.query_params)
        rows = restrictions_described(restriction_list(user=request.user, **_filters(query)))
        file = query["file"]
        stamp = timezone.localdate().isoformat()
        with readers_language(request):
            if file == "xlsx":
                response = HttpResponse(restrictions_xlsx(rows), content_type=XLSX)
            else:
                response = HttpResponse(restrictions_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="restrictions-{stamp}.{file}"'
        return response


class MayBidApi(APIView):
    """May vendor X bid on procurement P? Yes or no, with the reason and the restrictions behind it."""

    @extend_schema(parameters=[MayBidQuerySerializer], responses=MayBidOutputSerializer)
    def get(self, request):
        query = validate_input(MayBidQuerySerializer, data=request.query_params)
        procurement = get_object_or_404(procurement_list(user=request.user), pk=query["procurement"])
        answer = vendor_may_bid(vendor_id=query["vendor"], procurement=procurement, on=query.get("on"))
        return Response({
            "allowed": answer.allowed,
            "reason": in_both(answer.reason),
            "restrictions": RestrictionOutputSerializer(answer.restrictions, many=True).data,
        })
