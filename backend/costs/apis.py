"""API of costs: the claim pack (年度末の交付税算定資料) of a municipality, a funding scheme and a fiscal year, as
Excel or CSV. The municipality's staff and its prefecture's coordinator may make it; an expert gets 403, a
municipality or scheme outside the user's scope 404."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework.negotiation import BaseContentNegotiation
from rest_framework.views import APIView

from backend.core.api import readers_language, validate_input
from backend.core.fiscal import current_fiscal_year
from backend.costs.exports import XLSX, claim_file
from backend.costs.selectors import claim_municipality, claim_pack, claim_scheme
from backend.costs.serializers import ClaimQuerySerializer


class FormatIsAFileNotARenderer(BaseContentNegotiation):
    """`?format=` names the file here (xlsx or csv), not a DRF renderer: errors are still JSON."""

    def select_parser(self, request, parsers):
        return parsers[0] if parsers else None

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class ClaimPackApi(APIView):
    """A line per engagement paid in the year under the scheme (confirmed months only) and its recruitment costs,
    a totals row and a header block (municipality, scheme and basis, fiscal year, made at)."""

    content_negotiation_class = FormatIsAFileNotARenderer

    @extend_schema(parameters=[ClaimQuerySerializer],
                   responses={(200, "text/csv"): OpenApiTypes.BINARY, (200, XLSX): OpenApiTypes.BINARY})
    def get(self, request):
        query = validate_input(ClaimQuerySerializer, data=request.query_params)
        municipality = claim_municipality(user=request.user, code=query["municipality"])
        scheme = claim_scheme(municipality=municipality, scheme_id=query["scheme"])
        pack = claim_pack(user=request.user, municipality=municipality, scheme=scheme,
                          fiscal_year=query.get("fiscal_year") or current_fiscal_year())
        with readers_language(request):
            content, content_type, name = claim_file(pack, file=query["format"])
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
