"""API for match runs, proposals, decisions and consents to joint runs.

Queuing a run (create, retry, re-run) and approving a proposal belong to the placement app, above this one: its
`RunViewSet` and `ProposalApprovalViewSet` are the classes here with those actions, and are what /runs/ and
/proposals/ route to."""

from django.shortcuts import get_object_or_404
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from backend.accounts.permissions import is_coordinator
from backend.core.api import validate_input
from backend.core.filters import filter_or_refuse
from backend.core.viewsets import ScopedViewSet
from backend.needs.selectors import need_list
from backend.runs import selectors, services
from backend.runs.filters import (
    PREFECTURE_CODE,
    ProposalFilter,
    RunFilter,
    RunProposalFilter,
    ScopeConsentFilter,
)
from backend.runs.models import MatchRun, PairDecision, Proposal, ScopeConsent
from backend.runs.serializers import (
    DecisionInputSerializer,
    DecisionOutputSerializer,
    ProposalOutputSerializer,
    RunOutputSerializer,
    RunReportOutputSerializer,
    ScopeConsentInputSerializer,
    ScopeConsentOutputSerializer,
    UnmatchedOutputSerializer,
)


def coordinator_only(user) -> None:
    if not is_coordinator(user):
        raise PermissionDenied()


class RunViewSet(ScopedViewSet):
    """Match runs: watch a run's progress, cancel it, review its proposals. Queuing, retrying and re-running a run
    are added by the placement app's `RunViewSet`, the class the router serves."""

    queryset = MatchRun.objects.none()
    output_serializer_class = RunOutputSerializer
    filterset_class = RunFilter

    def scoped_queryset(self, user):
        return selectors.run_list(user=user)

    @extend_schema(request=None, responses=RunOutputSerializer)
    @action(detail=True, methods=["post"])
    def cancel(self, request, pk=None):
        run = self.get_object()
        return self.render(services.run_cancel(actor=request.user, run=run))

    # Pages like every other list, as the schema says (a bare array was answered where it promised pages, issue 21),
    # paged in the database (a national run has a thousand proposals) and filtered by the need's place; the runs'
    # own filters do not apply to a run's rows.
    @extend_schema(responses=ProposalOutputSerializer(many=True), parameters=[
        OpenApiParameter("prefecture", str, pattern=PREFECTURE_CODE.regex.pattern,
                         description="only the proposals for needs of this prefecture (code 01–47)"),
        OpenApiParameter("municipality", str, pattern=r"^[0-9]{6}$",
                         description="only the proposals for needs of this municipality (団体コード with its check "
                                     "digit)")])
    @action(detail=True, methods=["get"], filterset_class=None)
    def proposals(self, request, pk=None):
        run = self.get_object()
        proposals = filter_or_refuse(RunProposalFilter, request, selectors.proposal_list(user=request.user, run=run))
        rows = self.paginate_queryset(proposals)
        context = {**self.get_serializer_context(), "live_states": selectors.proposal_live_states(rows)}
        return self.get_paginated_response(ProposalOutputSerializer(rows, many=True, context=context).data)

    @extend_schema(responses=UnmatchedOutputSerializer(many=True))
    @action(detail=True, methods=["get"], filterset_class=None)
    def unmatched(self, request, pk=None):
        run = self.get_object()
        rows = selectors.run_result_for(user=request.user, run=run).get("unmatched", [])
        return self.get_paginated_response(UnmatchedOutputSerializer(self.paginate_queryset(rows), many=True).data)

    @extend_schema(responses=RunReportOutputSerializer,
                   description="What the run page shows beyond the proposals, stored when the run succeeded: the "
                               "unmatched needs with the experts the conflict alone keeps out, the changes against "
                               "the previous run, the names the flags refer to. The reader's part of it.")
    @action(detail=True, methods=["get"])
    def report(self, request, pk=None):
        return Response(RunReportOutputSerializer(selectors.run_report_for(user=request.user,
                                                                             run=self.get_object())).data)

    @extend_schema(responses=OpenApiTypes.OBJECT, description="The instance the run solved: the reader's part of it.")
    @action(detail=True, methods=["get"])
    def instance(self, request, pk=None):
        return Response(selectors.run_instance_for(user=request.user, run=self.get_object()))

    @extend_schema(responses=OpenApiTypes.OBJECT, description="The run's result: the reader's part of it.")
    @action(detail=True, methods=["get"])
    def result(self, request, pk=None):
        return Response(selectors.run_result_for(user=request.user, run=self.get_object()))


class ScopeConsentViewSet(ScopedViewSet):
    """Consents to joint runs (広域連携): a prefecture lets a neighbour include it in the neighbour's runs
    for one fiscal year. Both sides read it; only the consenting prefecture grants and revokes."""

    queryset = ScopeConsent.objects.none()
    output_serializer_class = ScopeConsentOutputSerializer
    input_serializer_class = ScopeConsentInputSerializer
    filterset_class = ScopeConsentFilter

    def scoped_queryset(self, user):
        return selectors.scope_consent_list(user=user)

    @extend_schema(request=ScopeConsentInputSerializer, responses={201: ScopeConsentOutputSerializer})
    def create(self, request):
        coordinator_only(request.user)
        self.refuse_read_only_fields(request.data)
        data = validate_input(ScopeConsentInputSerializer, data=request.data)
        consent = services.scope_consent_grant(actor=request.user, grantee=data["grantee"],
                                               fiscal_year=data["fiscal_year"], note=data["note"])
        return self.render(consent, status.HTTP_201_CREATED)

    @extend_schema(request=None, responses=ScopeConsentOutputSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        return self.render(services.scope_consent_revoke(actor=request.user, consent=self.get_object()))


class ProposalViewSet(ScopedViewSet):
    """Proposals of the runs a coordinator may see. Approval (an offered engagement) is added by
    the placement app's `ProposalApprovalViewSet`, the class the router serves."""

    queryset = Proposal.objects.none()
    output_serializer_class = ProposalOutputSerializer
    filterset_class = ProposalFilter

    def scoped_queryset(self, user):
        return selectors.proposal_scope(user=user).order_by("-run_id", "need_id")

    def list_response(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        context = {**self.get_serializer_context(), "live_states": selectors.proposal_live_states(page)}
        return self.get_paginated_response(ProposalOutputSerializer(page, many=True, context=context).data)


class DecisionViewSet(ScopedViewSet):
    """Pins and forbids of (expert, need) pairs, applied to every later run."""

    queryset = PairDecision.objects.none()
    output_serializer_class = DecisionOutputSerializer

    def scoped_queryset(self, user):
        if not is_coordinator(user):
            return PairDecision.objects.none()
        return PairDecision.objects.filter(need__in=need_list(user=user).values("pk")).order_by("id")

    @extend_schema(request=DecisionInputSerializer, responses={200: DecisionOutputSerializer})
    def create(self, request):
        coordinator_only(request.user)
        data = validate_input(DecisionInputSerializer, data=request.data)
        need = get_object_or_404(need_list(user=request.user), pk=data["need"].pk)
        decision = services.decision_set(actor=request.user, need=need, expert=data["expert"], kind=data["kind"])
        if decision is None:
            return Response(status=status.HTTP_204_NO_CONTENT)
        return Response(DecisionOutputSerializer(decision).data)
