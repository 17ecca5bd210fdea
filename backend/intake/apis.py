"""API for the spreadsheet import of experts and needs: the templates to fill in, and the upload."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.permissions import is_coordinator
from backend.core.api import BilingualValidationError, readers_language, validate_input
from backend.core.spreadsheet import XLSX
from backend.intake.imports import NO_FILE, SPECS, import_upload, template_csv, template_xlsx


def coordinator_only(user) -> None:
    """The first gate: imports are coordinators' work (`import_upload` checks the role again)."""
    if not is_coordinator(user):
        raise PermissionDenied()


class TemplateFormatSerializer(serializers.Serializer):
    file = serializers.ChoiceField(choices=["xlsx", "csv"], default="xlsx")


SPREADSHEETS = {(200, "text/csv"): OpenApiTypes.BINARY, (200, XLSX): OpenApiTypes.BINARY}


class ImportTemplateApi(APIView):
    """Download the import template (Japanese headers and one example row)."""

    @extend_schema(parameters=[TemplateFormatSerializer], responses=SPREADSHEETS)
    def get(self, request, kind):
        coordinator_only(request.user)
        file = validate_input(TemplateFormatSerializer, data=request.query_params)["file"]
        with readers_language(request):
            return _template_response(kind, file)


def _template_response(kind: str, file: str) -> HttpResponse:
    spec = SPECS[kind]()
    if file == "csv":
        response = HttpResponse(template_csv(spec), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="kenmu-{kind}-template.csv"'
    else:
        response = HttpResponse(template_xlsx(spec), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="kenmu-{kind}-template.xlsx"'
    return response


class ImportResultSerializer(serializers.Serializer):
    created = serializers.IntegerField()
    ids = serializers.ListField(child=serializers.IntegerField())


class ImportApi(APIView):
    """Import experts or needs from .xlsx/.csv: every row validated, errors per row and column, all or nothing."""

    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}, "required": ["file"]}},
        responses={201: ImportResultSerializer})
    def post(self, request, kind):
        coordinator_only(request.user)
        upload = request.FILES.get("file")
        if upload is None:
            raise BilingualValidationError.of(NO_FILE)
        created = import_upload(spec=SPECS[kind](), actor=request.user, upload=upload)
        return Response({"created": len(created), "ids": [obj.pk for obj in created]},
                        status=status.HTTP_201_CREATED)
