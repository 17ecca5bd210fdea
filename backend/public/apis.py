"""API of the publishing choice: which of a prefecture's fiscal years are on the anonymous yearly page
(`/public/<code>/<year>/` and its CSV, served by the pages), and whether each names the experts."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import is_coordinator
from backend.core.api import validate_input
from backend.core.errors import DomainError
from backend.public.errors import ErrorCode
from backend.public.selectors import published_year_list
from backend.public.serializers import (
    PublishedYearInputSerializer,
    PublishedYearOutputSerializer,
    PublishedYearUnpublishSerializer,
)
from backend.public.services import year_publish, year_unpublish


def _prefecture(request, data: dict) -> str:
    if not is_coordinator(request.user):
        raise PermissionDenied()
    prefecture = data.get("prefecture")
    code = prefecture.pk if prefecture is not None else request.user.prefecture_id
    if not code:
        raise DomainError.single("prefecture", ErrorCode.PREFECTURE_REQUIRED, _("公開する都道府県を指定してください。"))
    return code


class PublishedYearListApi(APIView):
    """The prefecture's years and their publishing choice (a coordinator's own prefecture; an administrator every
    one). POST publishes a year, again if it was taken down, or changes whether it names the experts."""

    @extend_schema(responses=PublishedYearOutputSerializer(many=True))
    def get(self, request):
        if not is_coordinator(request.user):
            raise PermissionDenied()
        rows = published_year_list(user=request.user).order_by("prefecture_id", "-fiscal_year")
        return Response(PublishedYearOutputSerializer(rows, many=True).data)

    @extend_schema(request=PublishedYearInputSerializer, responses={201: PublishedYearOutputSerializer})
    def post(self, request):
        data = validate_input(PublishedYearInputSerializer, data=request.data)
        year = year_publish(actor=request.user, prefecture=_prefecture(request, data), fiscal_year=data["fiscal_year"],
                            show_expert_names=data["show_expert_names"])
        return Response(PublishedYearOutputSerializer(year).data, status=status.HTTP_201_CREATED)


class PublishedYearUnpublishApi(APIView):
    """Take a published year's page down: it answers 404 from then on (409 when it is not published)."""

    @extend_schema(request=PublishedYearUnpublishSerializer, responses=PublishedYearOutputSerializer)
    def post(self, request):
        data = validate_input(PublishedYearUnpublishSerializer, data=request.data)
        year = year_unpublish(actor=request.user, prefecture=_prefecture(request, data),
                              fiscal_year=data["fiscal_year"])
        return Response(PublishedYearOutputSerializer(year).data)
