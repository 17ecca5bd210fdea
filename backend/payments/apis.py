"""API of what is owed (支払額): per engagement and month, the fiscal year so far against the budget, and a
municipality's payment sheet for a month (Excel or CSV). Scoped by the selectors; the sheets are refused to
experts (403) and a municipality outside the user's scope is a 404."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.api import readers_language, validate_input
from backend.core.fiscal import current_fiscal_year
from backend.payments.exports import XLSX, sheet_file
from backend.payments.selectors import owed_by_month, payment_sheet_rows, payment_year, sheet_municipality
from backend.payments.serializers import (
    OwedMonthOutputSerializer,
    OwedQuerySerializer,
    PaymentQuerySerializer,
    PaymentYearOutputSerializer,
    SheetQuerySerializer,
)

SPREADSHEETS = {(200, "text/csv"): OpenApiTypes.BINARY, (200, XLSX): OpenApiTypes.BINARY}


class PaymentOwedApi(APIView):
    """Each engagement's months of a fiscal year: the month's status and, once confirmed, what it owes."""

    @extend_schema(parameters=[OwedQuerySerializer], responses=OwedMonthOutputSerializer(many=True))
    def get(self, request):
        query = validate_input(OwedQuerySerializer, data=request.query_params)
        rows = owed_by_month(user=request.user, fiscal_year=query.get("fiscal_year") or current_fiscal_year(),
                             municipality=query.get("municipality"), month=query.get("month"))
        return Response(OwedMonthOutputSerializer(rows, many=True).data)


class PaymentYearApi(APIView):
    """The fiscal year so far per engagement and per municipality, against the budget, with the warning given
    before the budget would be exceeded."""

    @extend_schema(parameters=[PaymentQuerySerializer], responses=PaymentYearOutputSerializer)
    def get(self, request):
        query = validate_input(PaymentQuerySerializer, data=request.query_params)
        year = payment_year(user=request.user, fiscal_year=query.get("fiscal_year") or current_fiscal_year(),
                            municipality=query.get("municipality"))
        return Response(PaymentYearOutputSerializer(year).data)


class PaymentSheetApi(APIView):
    """A municipality's payment sheet for one month: a row per engagement whose month is confirmed."""

    @extend_schema(parameters=[SheetQuerySerializer], responses=SPREADSHEETS)
    def get(self, request):
        query = validate_input(SheetQuerySerializer, data=request.query_params)
        return _sheet_response(request, code=query["municipality"], year=query["year"], month=query["month"],
                              file=query["file"])


def _sheet_response(request, *, code: str, year: int, month: int, file: str) -> HttpResponse:
    municipality = sheet_municipality(user=request.user, code=code)
    rows = payment_sheet_rows(user=request.user, municipality=municipality, year=year, month=month)
    with readers_language(request):
        content, content_type, name = sheet_file(rows, code=municipality.code, year=year, month=month, file=file)
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
