"""API for match runs, proposals, decisions, engagements, replacements and the audit log."""

from django.http import HttpResponse
from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.accounts.models import UserRole
from backend.accounts.scoping import is_admin
from backend.core.api import BilingualValidationError, readers_language, validate_input
from backend.core.imports import SPECS, import_upload, template_csv, template_xlsx
from backend.core.models import AuditLog
from backend.core.viewsets import ScopedViewSet
from backend.needs.selectors import need_list
from backend.runs import selectors, services
from backend.runs.models import (
    CoiOverride,
    Engagement,
    MatchRun,
    PairDecision,
    Proposal,
    ReplacementRequest,
    ScopeConsent,
)
from backend.runs.serializers import (
    AcceptInputSerializer,
    ApproveInputSerializer,
    AuditLogListOutputSerializer,
    AuditLogOutputSerializer,
    CoiOverrideOutputSerializer,
    CoiOverrideRevokeInputSerializer,
    DecisionInputSerializer,
    DecisionOutputSerializer,
    DeclineInputSerializer,
    EngagementListOutputSerializer,
    EngagementOutputSerializer,
    PledgeInputSerializer,
    ProposalOutputSerializer,
    ReplacementInputSerializer,
    ReplacementOutputSerializer,
    RunInputSerializer,
    RunOutputSerializer,
    ScopeConsentInputSerializer,
    ScopeConsentOutputSerializer,
    UnmatchedOutputSerializer,
)


def _coordinator_only(user) -> None:
    if not (is_admin(user) or user.role == UserRole.COORDINATOR):
        raise PermissionDenied()


class RunViewSet(ScopedViewSet):
    """Match runs: queue one, watch its progress, cancel or retry it, review its proposals."""

    queryset = MatchRun.objects.none()
    output_serializer_class = RunOutputSerializer
    filter_params = {"status": "status", "fiscal_year": "fiscal_year"}

    def scoped_queryset(self, user):
        return selectors.run_list(user=user)

    @extend_schema(request=RunInputSerializer, responses={201: RunOutputSerializer})
    def create(self, request):
        _coordinator_only(request.user)
        data = validate_input(RunInputSerializer, data=request.data)
        run = services.run_enqueue(user=request.user, fiscal_year=data["fiscal_year"], scope=data.get("scope"),
                                   params={"time_limit_s": data["time_limit_s"], "seed": data["seed"],
                                           "objectives": data.get("objectives")})
        return self.render(run, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=RunOutputSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        run = self.get_object()
        return self.render(services.run_cancel(user=request.user, run=run))

    @extend_schema(request=None, responses={201: RunOutputSerializer})
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        run = self.get_object()
        return self.render(services.run_retry(user=request.user, run=run), status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={201: RunOutputSerializer})
    @action(detail=True, methods=["post"])
    def rerun(self, request, pk=None):
        """The same match again with today's data and decisions, and this run's criteria."""
        return self.render(services.run_rerun(user=request.user, run=self.get_object()), status.HTTP_201_CREATED)

    @extend_schema(responses=ProposalOutputSerializer(many=True))
    @action(detail=True, methods=["get"])
    def proposals(self, request, pk=None):
        run = self.get_object()
        rows = list(selectors.proposal_list(user=request.user, run=run))
        context = {**self.get_serializer_context(), "live_states": selectors.proposal_live_states(rows)}
        return Response(ProposalOutputSerializer(rows, many=True, context=context).data)

    @extend_schema(responses=UnmatchedOutputSerializer(many=True))
    @action(detail=True, methods=["get"])
    def unmatched(self, request, pk=None):
        run = self.get_object()
        return Response(selectors.run_result_for(user=request.user, run=run).get("unmatched", []))

    @extend_schema(responses=OpenApiTypes.OBJECT, description="The instance the run solved: the reader's part of it.")
    @action(detail=True, methods=["get"])
    def instance(self, request, pk=None):
        return Response(selectors.run_instance_for(user=request.user, run=self.get_object()))

    @extend_schema(responses=OpenApiTypes.OBJECT, description="The run's result: the reader's part of it.")
    @action(detail=True, methods=["get"])
    def result(self, request, pk=None):
        return Response(selectors.run_result_for(user=request.user, run=self.get_object()))


class CoiOverrideViewSet(ScopedViewSet):
    """Exceptions to the incumbent conflict (利益相反の例外): one expert, one municipality, one fiscal year, with
    the reason, who and when; in force, lapsed (its engagements ended) or revoked."""

    queryset = CoiOverride.objects.none()
    output_serializer_class = CoiOverrideOutputSerializer
    input_serializer_class = CoiOverrideRevokeInputSerializer
    filter_params = {"expert": "expert_id", "municipality": "municipality_id", "fiscal_year": "fiscal_year"}

    def scoped_queryset(self, user):
        return selectors.coi_override_list(user=user)

    @extend_schema(request=CoiOverrideRevokeInputSerializer, responses=CoiOverrideOutputSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        override = self.get_object()
        _coordinator_only(request.user)
        data = validate_input(CoiOverrideRevokeInputSerializer, data=request.data)
        return self.render(services.coi_override_revoke(user=request.user, override=override, reason=data["reason"],
                                                        end_engagements=data["end_engagements"]))


class ScopeConsentViewSet(ScopedViewSet):
    """Consents to joint runs (広域連携): a prefecture lets a neighbour include it in the neighbour's runs
    for one fiscal year. Both sides read it; only the consenting prefecture grants and revokes."""

    queryset = ScopeConsent.objects.none()
    output_serializer_class = ScopeConsentOutputSerializer
    input_serializer_class = ScopeConsentInputSerializer
    filter_params = {"fiscal_year": "fiscal_year", "grantor": "grantor_id", "grantee": "grantee_id"}

    def scoped_queryset(self, user):
        return selectors.scope_consent_list(user=user)

    @extend_schema(request=ScopeConsentInputSerializer, responses={201: ScopeConsentOutputSerializer})
    def create(self, request):
        _coordinator_only(request.user)
        self.refuse_read_only_fields(request.data)
        data = validate_input(ScopeConsentInputSerializer, data=request.data)
        consent = services.scope_consent_grant(user=request.user, grantee=data["grantee"],
                                               fiscal_year=data["fiscal_year"], note=data["note"])
        return self.render(consent, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ScopeConsentOutputSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self.render(services.scope_consent_revoke(user=request.user, consent=self.get_object()))


class ProposalViewSet(ScopedViewSet):
    """Proposals of the runs a coordinator may see; approving one creates an offered engagement."""

    queryset = Proposal.objects.none()
    output_serializer_class = ProposalOutputSerializer
    filter_params = {"run": "run_id", "status": "status", "need": "need_id"}

    def scoped_queryset(self, user):
        return selectors.proposal_scope(user=user).order_by("-run_id", "need_id")

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.get_queryset())
        context = {**self.get_serializer_context(), "live_states": selectors.proposal_live_states(page)}
        return self.get_paginated_response(ProposalOutputSerializer(page, many=True, context=context).data)

    @extend_schema(request=ApproveInputSerializer, responses={201: EngagementOutputSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        proposal = self.get_object()
        _coordinator_only(request.user)
        data = validate_input(ApproveInputSerializer, data=request.data)
        engagement = services.proposal_approve(user=request.user, proposal=proposal,
                                               override_reason=data.get("override_reason"))
        return Response(EngagementOutputSerializer(engagement).data, status=status.HTTP_201_CREATED)


class DecisionViewSet(ScopedViewSet):
    """Pins and forbids of (expert, need) pairs, applied to every later run."""

    queryset = PairDecision.objects.none()
    output_serializer_class = DecisionOutputSerializer

    def scoped_queryset(self, user):
        if not (is_admin(user) or user.role == UserRole.COORDINATOR):
            return PairDecision.objects.none()
        return PairDecision.objects.filter(need__in=need_list(user=user).values("pk")).order_by("id")

    @extend_schema(request=DecisionInputSerializer, responses={200: DecisionOutputSerializer})
    def create(self, request):
        _coordinator_only(request.user)
        data = validate_input(DecisionInputSerializer, data=request.data)
        need = get_object_or_404(need_list(user=request.user), pk=data["need"].pk)
        decision = services.decision_set(user=request.user, need=need, expert=data["expert"], kind=data["kind"])
        if decision is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(DecisionOutputSerializer(decision).data)


class EngagementViewSet(ScopedViewSet):
    """Engagements (任用・委託): offers to accept or decline, and replacement requests."""

    queryset = Engagement.objects.none()
    output_serializer_class = EngagementOutputSerializer
    list_serializer_class = EngagementListOutputSerializer
    filter_params = {"status": "status", "fiscal_year": "fiscal_year", "municipality": "municipality_id",
                     "expert": "expert_id"}

    def scoped_queryset(self, user):
        return selectors.engagement_list(user=user)

    def list_rows(self, queryset):
        return selectors.engagement_list_rows(queryset)

    def _respond(self, request, accept: bool, reason: str = ""):
        engagement = self.get_object()
        return self.render(services.engagement_respond(user=request.user, engagement=engagement, accept=accept,
                                                       reason=reason))

    @extend_schema(request=AcceptInputSerializer, responses=EngagementOutputSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the offer. The expert signs the pledge for the municipality with it (pledge_version), or
        later through /pledge/; the engagement is active once both sides accepted and the pledge is signed."""
        engagement = self.get_object()
        data = validate_input(AcceptInputSerializer, data=request.data or {})
        return self.render(services.engagement_respond(user=request.user, engagement=engagement, accept=True,
                                                       pledge_version=data.get("pledge_version", "")))

    @extend_schema(request=PledgeInputSerializer, responses=EngagementOutputSerializer)
    @action(detail=True, methods=["post"])
    def pledge(self, request, pk=None):
        """The expert signs the confidentiality pledge (情報漏洩防止の誓約) for this engagement's municipality."""
        engagement = self.get_object()
        data = validate_input(PledgeInputSerializer, data=request.data or {})
        return self.render(services.engagement_sign_pledge(user=request.user, engagement=engagement,
                                                          version=data["pledge_version"]))

    @extend_schema(request=DeclineInputSerializer, responses=EngagementOutputSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline the offer; the pair is then not proposed again for this need (a forbid the coordinator sees)."""
        data = validate_input(DeclineInputSerializer, data=request.data or {})
        return self._respond(request, False, data.get("reason", ""))

    @extend_schema(request=ReplacementInputSerializer, responses={201: ReplacementOutputSerializer})
    @action(detail=True, methods=["post"])
    def replacement(self, request, pk=None):
        engagement = self.get_object()
        data = validate_input(ReplacementInputSerializer, data=request.data)
        replacement = services.replacement_request(user=request.user, engagement=engagement, reason=data["reason"])
        return Response(ReplacementOutputSerializer(replacement).data, status=status.HTTP_201_CREATED)


class ReplacementViewSet(ScopedViewSet):
    """要員交代 requests; the coordinator re-runs the need without the current expert."""

    queryset = ReplacementRequest.objects.none()
    output_serializer_class = ReplacementOutputSerializer
    filter_params = {"status": "status"}

    def scoped_queryset(self, user):
        return selectors.replacement_list(user=user)

    @extend_schema(request=None, responses={201: RunOutputSerializer})
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        replacement = self.get_object()
        _coordinator_only(request.user)
        run = services.replacement_run(user=request.user, replacement=replacement)
        return Response(RunOutputSerializer(run, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)


class TemplateFormatSerializer(serializers.Serializer):
    file = serializers.ChoiceField(choices=["xlsx", "csv"], default="xlsx")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SPREADSHEETS = {(200, "text/csv"): OpenApiTypes.BINARY, (200, XLSX): OpenApiTypes.BINARY}


class AuditLogViewSet(ScopedViewSet):
    """Every state change: who, when, what, before and after. Coordinators read their prefecture's."""

    queryset = AuditLog.objects.none()
    output_serializer_class = AuditLogOutputSerializer
    list_serializer_class = AuditLogListOutputSerializer
    filter_params = {"action": "action", "object_type": "object_type", "object_id": "object_id"}

    def scoped_queryset(self, user):
        return selectors.audit_log_list(user=user)

    def list_rows(self, queryset):
        return selectors.audit_log_list_rows(queryset)


class ImportTemplateApi(APIView):
    """Download the import template (Japanese headers and one example row)."""

    @extend_schema(parameters=[TemplateFormatSerializer], responses=SPREADSHEETS)
    def get(self, request, kind):
        _coordinator_only(request.user)
        file = validate_input(TemplateFormatSerializer, data=request.query_params)["file"]
        with readers_language(request):
            return _template_response(kind, file)


def _template_response(kind: str, file: str) -> HttpResponse:
    spec = SPECS[kind]()
    if file == "csv":
        response = HttpResponse(template_csv(spec), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="kenmu-{kind}-template.csv"'
    else:
        response = HttpResponse(template_xlsx(spec), content_type=(
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"))
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
        _coordinator_only(request.user)
        upload = request.FILES.get("file")
        if upload is None:
            raise BilingualValidationError([{"field": "file", "code": "required", "ja": "ファイルを選んでください。",
                                             "en": "file is required."}])
        created = import_upload(spec=SPECS[kind](), user=request.user, upload=upload)
        return Response({"created": len(created), "ids": [obj.pk for obj in created]},
                        status=status.HTTP_201_CREATED)
