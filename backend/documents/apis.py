"""API of the documents: an engagement's council pack (議会答弁資料) as JSON, the ten answers with their sources.
The municipality's staff and its prefecture's coordinator read it; an expert is refused (403), another place's
engagement is a 404."""

from drf_spectacular.utils import extend_schema
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.documents.council import council_engagement, council_pack
from backend.documents.serializers import CouncilPackOutputSerializer


class EngagementCouncilApi(APIView):
    """The ten questions a council asks about the engagement's adviser, answered from kenmu's records."""

    @extend_schema(responses=CouncilPackOutputSerializer)
    def get(self, request, pk: int):
        pack = council_pack(council_engagement(user=request.user, pk=pk))
        return Response(CouncilPackOutputSerializer(pack).data)
