"""API of the documents (issue 24 items 5 and 6): the same A4 PDFs as the pages, by the same rules
(backend/documents/files.py): 404 outside the user's scope, 403 for a role that may not open the document, 409
when it cannot be made yet (an unsigned pledge, a month not confirmed); and an engagement's council pack
(議会答弁資料) as JSON, the ten answers with their sources, for the municipality's staff and its prefecture's
coordinator (an expert 403, another place's engagement 404)."""

from django.core.exceptions import ObjectDoesNotExist
from django.http import Http404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.documents import files
from backend.documents.council import council_engagement, council_pack
from backend.documents.pdf import pdf_response
from backend.documents.selectors import KINDS
from backend.documents.serializers import CouncilPackOutputSerializer

PDF = {
    (200, "application/pdf"): OpenApiTypes.BINARY,
    409: OpenApiResponse(response={"$ref": "#/components/schemas/Error"},
                         description="The document cannot be made yet (an unsigned pledge, a month not confirmed)."),
}


def _pdf(make):
    try:
        document = make()
    except ObjectDoesNotExist:
        raise Http404 from None
    return pdf_response(document.content, filename=document.filename)


class EngagementDocumentApi(APIView):
    """An engagement's letter as A4 PDF: `appointment` (委嘱状 or 任用通知書 draft, by employment form; not for
    業務委託), `contract` (the 業務委託契約書 essentials; 業務委託 only), `pledge` (as signed; the expert may open
    their own) or `restrictions` (the bid-restriction notice of the engagement)."""

    @extend_schema(parameters=[OpenApiParameter("kind", str, OpenApiParameter.PATH, enum=list(KINDS))],
                   responses=PDF)
    def get(self, request, pk: int, kind: str):
        return _pdf(lambda: files.engagement_document(user=request.user, pk=pk, kind=kind))


class EngagementMonthReportApi(APIView):
    """The activity report of a confirmed month of an engagement (a month not confirmed: 409)."""

    @extend_schema(operation_id="v1_engagements_reports_month_retrieve", responses=PDF)
    def get(self, request, pk: int, year: int, month: int):
        return _pdf(lambda: files.engagement_report_month(user=request.user, pk=pk, year=year, month=month))


class EngagementYearReportApi(APIView):
    """The activity report of a fiscal year of an engagement: its confirmed months summed, the others 未確認."""

    @extend_schema(operation_id="v1_engagements_reports_year_retrieve", responses=PDF)
    def get(self, request, pk: int, fiscal_year: int):
        return _pdf(lambda: files.engagement_report_year(user=request.user, pk=pk, fiscal_year=fiscal_year))


class RestrictionNoticeApi(APIView):
    """The bid-restriction notice of a municipality and fiscal year, for its staff and its prefecture's
    coordinator: every restriction in force at some time of the year, with the vendors' 法人番号 and any exception."""

    @extend_schema(responses=PDF)
    def get(self, request, code: str, fiscal_year: int):
        return _pdf(lambda: files.restriction_notice(user=request.user, code=code, fiscal_year=fiscal_year))


class EngagementCouncilApi(APIView):
    """The ten questions a council asks about the engagement's adviser, answered from kenmu's records."""

    @extend_schema(responses=CouncilPackOutputSerializer)
    def get(self, request, pk: int):
        pack = council_pack(council_engagement(user=request.user, pk=pk))
        return Response(CouncilPackOutputSerializer(pack).data)
