"""API for the writes of backend.placement: queue, retry and re-run a match run, run a replacement request, and
approve a proposal into an offered engagement; and a need's candidates (backend.placement.candidates).

Each class is the one of backend.runs, backend.engagements or backend.needs it extends, with the actions that
call backend.placement added; the router (backend/config/api_urls.py) serves these under the same prefixes,
so every URL, method, schema and response stays as it was. The docstrings are the endpoints' descriptions in the
API schema.
"""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from backend.accounts.permissions import coordinates
from backend.core.api import validate_input
from backend.engagements import apis as engagement_apis
from backend.engagements.serializers import ApprovedEngagementOutputSerializer, ApproveInputSerializer
from backend.engagements.terms import terms_asked
from backend.needs import apis as need_apis
from backend.placement import services
from backend.placement.candidates import need_candidates
from backend.placement.serializers import CandidateOutputSerializer
from backend.runs import apis as run_apis
from backend.runs.apis import coordinator_only
from backend.runs.serializers import RunInputSerializer, RunOutputSerializer


def _queued(run) -> int:
    """201 for the run just queued; 200 for the scope's run already being taken up again after its worker was
    lost (attempts > 1), which is the answer instead of a new run."""
    return status.HTTP_200_OK if run.attempts > 1 else status.HTTP_201_CREATED


# 200: the scope's run is being retried by itself after its worker died or lost the database; that run is returned.
_QUEUED = {201: RunOutputSerializer, 200: RunOutputSerializer}


class RunViewSet(run_apis.RunViewSet):
    """Match runs: queue one, watch its progress, cancel or retry it, review its proposals."""

    @extend_schema(request=RunInputSerializer, responses=_QUEUED)
    def create(self, request):
        coordinator_only(request.user)
        data = validate_input(RunInputSerializer, data=request.data)
        run = services.run_enqueue(actor=request.user, fiscal_year=data["fiscal_year"], scope=data["scope"],
                                   params=data["params"])
        return self.render(run, _queued(run))

    @extend_schema(request=None, responses=_QUEUED)
    @action(detail=True, methods=["post"])
    def retry(self, request, pk=None):
        run = services.run_retry(actor=request.user, run=self.get_object())
        return self.render(run, _queued(run))

    @extend_schema(request=None, responses=_QUEUED)
    @action(detail=True, methods=["post"])
    def rerun(self, request, pk=None):
        """The same match again with today's data and decisions, and this run's stages."""
        run = services.run_rerun(actor=request.user, run=self.get_object())
        return self.render(run, _queued(run))


class NeedViewSet(need_apis.NeedViewSet):
    """Needs (ニーズ): work pattern, weekdays, budget, skills, role. DELETE withdraws (status withdrawn)."""

    @extend_schema(request=None, responses=CandidateOutputSerializer(many=True))
    @action(detail=True, methods=["get"], pagination_class=None, filter_backends=[])  # one need's list, whole
    def candidates(self, request, pk=None):
        """The candidates page as data: every expert of the need's prefecture the coordinator sees, eligible ones
        first, then those an exception can place, then the rest by the first rule that keeps them from the need,
        each with that rule and the standing in words (ja/en). Coordinators of the need's prefecture only (403 for
        the municipality's staff; 404 for a need outside the reader's scope)."""
        need = self.get_object()
        if not coordinates(request.user, need.municipality.prefecture_id):
            raise PermissionDenied()
        rows = need_candidates(user=request.user, need=need)
        return Response(CandidateOutputSerializer(rows, many=True).data)


class ProposalApprovalViewSet(run_apis.ProposalViewSet):
    """Proposals of the runs a coordinator may see; approving one creates an offered engagement."""

    @extend_schema(request=ApproveInputSerializer, responses={201: ApprovedEngagementOutputSerializer})
    @action(detail=True, methods=["post"])
    def approve(self, request, pk=None):
        proposal = self.get_object()
        coordinator_only(request.user)
        data = validate_input(ApproveInputSerializer, data=request.data)
        engagement = services.proposal_approve(actor=request.user, proposal=proposal,
                                               override_reason=data.get("override_reason"), terms=terms_asked(data))
        # What the coordinator should act on although the offer is made (a municipality nobody can answer for).
        engagement.warnings = [w.as_error() for w in services.approval_warnings(engagement)]
        return Response(ApprovedEngagementOutputSerializer(engagement).data, status=status.HTTP_201_CREATED)


class ReplacementViewSet(engagement_apis.ReplacementViewSet):
    """要員交代 requests; the coordinator re-runs the need without the current expert."""

    @extend_schema(request=None, responses={201: RunOutputSerializer})
    @action(detail=True, methods=["post"])
    def run(self, request, pk=None):
        replacement = self.get_object()
        coordinator_only(request.user)
        run = services.replacement_run(actor=request.user, replacement=replacement)
        return Response(RunOutputSerializer(run, context=self.get_serializer_context()).data,
                        status=status.HTTP_201_CREATED)
