"""API for the spreadsheet import of experts and needs: the templates to fill in, and the upload."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
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
from backend.intake.imports import NO_FILE, SPECS, template_csv, template_xlsx
from backend.intake.models import ImportJob
from backend.intake.selectors import import_job_list
from backend.intake.services import import_start


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


class ImportJobSerializer(serializers.ModelSerializer):
    created = serializers.SerializerMethodField()
    ids = serializers.ListField(child=serializers.IntegerField(), source="created_ids", read_only=True)
    errors = serializers.ListField(child=serializers.DictField(), read_only=True, help_text=(
        "As a 400 of the upload names them: field, code, ja, en, row (the header is row 1) and column."))

    class Meta:
        model = ImportJob
        fields = ["id", "kind", "file_name", "status", "rows_total", "rows_done", "created", "ids", "errors",
                  "created_at", "started_at", "finished_at"]
        read_only_fields = fields

    def get_created(self, job) -> int:
        return len(job.created_ids)


class ImportJobApi(APIView):
    """An import too big for one request, as the worker runs it: status, rows validated so far, and when it ends
    the ids it created or the errors by row and column (nothing stored)."""

    @extend_schema(responses={200: ImportJobSerializer})
    def get(self, request, pk: int):
        job = get_object_or_404(import_job_list(user=request.user), pk=pk)
        return Response(ImportJobSerializer(job).data)


class ImportApi(APIView):
    """Import experts or needs from .xlsx/.csv: every row validated, errors per row and column, all or nothing.
    A file of more than KENMU_IMPORT_BACKGROUND_ROWS rows (500) is imported by the worker: the answer is then a
    202 with the import job to follow (GET /api/v1/import/jobs/{id}/)."""

    parser_classes = [MultiPartParser]

    @extend_schema(request={"multipart/form-data": {"type": "object", "properties": {
        "file": {"type": "string", "format": "binary"}}, "required": ["file"]}},
        responses={201: ImportResultSerializer, 202: ImportJobSerializer})
    def post(self, request, kind):
        coordinator_only(request.user)
        upload = request.FILES.get("file")
        if upload is None:
            raise BilingualValidationError.of(NO_FILE)
        started = import_start(kind=kind, actor=request.user, upload=upload)
        if started.job is not None:
            return Response(ImportJobSerializer(started.job).data, status=status.HTTP_202_ACCEPTED)
        return Response({"created": len(started.created), "ids": [obj.pk for obj in started.created]},
                        status=status.HTTP_201_CREATED)
