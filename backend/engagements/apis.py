"""API for engagements (任用・委託), the exceptions (利益相反の例外) and replacement requests (要員交代).

Approving a proposal into an engagement and the run of a replacement request belong to the placement app, above
this one: its `ProposalApprovalViewSet` and `ReplacementViewSet` (this one with the `run` action) are what
/proposals/ and /replacements/ route to."""

from django.http import HttpResponse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response
from rest_framework.views import APIView

from backend.core.api import readers_language, validate_input
from backend.core.errors import ConflictError
from backend.core.spreadsheet import XLSX
from backend.core.viewsets import ScopedViewSet
from backend.engagements import declines, selectors, services
from backend.engagements.contacts import engagement_contacts
from backend.engagements.errors import ErrorCode
from backend.engagements.filters import (
    CoiOverrideFilter,
    EngagementConflictFilter,
    EngagementFilter,
    ReplacementFilter,
)
from backend.engagements.models import CoiOverride, Engagement, EngagementConflict, ReplacementRequest
from backend.engagements.serializers import (
    AcceptInputSerializer,
    CoiOverrideOutputSerializer,
    CoiOverrideRevokeInputSerializer,
    ConflictEndInputSerializer,
    ConflictExceptInputSerializer,
    ContactsOutputSerializer,
    DeadlineInputSerializer,
    DeclineInputSerializer,
    DeclinesOutputSerializer,
    DeclinesQuerySerializer,
    EndInputSerializer,
    EngagementConflictOutputSerializer,
    EngagementListOutputSerializer,
    EngagementOutputSerializer,
    PledgeInputSerializer,
    ReplacementInputSerializer,
    ReplacementOutputSerializer,
)
from backend.runs.apis import coordinator_only


class CoiOverrideViewSet(ScopedViewSet):
    """Exceptions to the incumbent conflict (利益相反の例外): one expert, one municipality, one fiscal year, with
    the reason, who and when; in force, lapsed (its engagements ended) or revoked."""

    queryset = CoiOverride.objects.none()
    output_serializer_class = CoiOverrideOutputSerializer
    input_serializer_class = CoiOverrideRevokeInputSerializer
    filterset_class = CoiOverrideFilter

    def scoped_queryset(self, user):
        return selectors.coi_override_list(user=user)

    @extend_schema(request=CoiOverrideRevokeInputSerializer, responses=CoiOverrideOutputSerializer)
    @action(detail=True, methods=["post"])
    def revoke(self, request, pk=None):
        override = self.get_object()
        coordinator_only(request.user)
        data = validate_input(CoiOverrideRevokeInputSerializer, data=request.data)
        return self.render(services.coi_override_revoke(actor=request.user, override=override, reason=data["reason"],
                                                        end_engagements=data["end_engagements"],
                                                        lift_pins=data["lift_pins"]))


class EngagementViewSet(ScopedViewSet):
    """Engagements (任用・委託): offers to accept or decline, and replacement requests."""

    queryset = Engagement.objects.none()
    output_serializer_class = EngagementOutputSerializer
    list_serializer_class = EngagementListOutputSerializer
    filterset_class = EngagementFilter

    def scoped_queryset(self, user):
        return selectors.engagement_list(user=user)

    def list_rows(self, queryset):
        return selectors.engagement_list_rows(queryset)

    @extend_schema(request=None, responses=ContactsOutputSerializer)
    @action(detail=True, methods=["get"])
    def contacts(self, request, pk=None):
        """Once the engagement is active, the other side's contact details: the expert reads the municipality's
        staff (name, e-mail, phone), the municipality the expert's e-mail and phone, the coordinator both. 409
        before it is active or after it ended (no relationship to call about)."""
        engagement = self.get_object()
        contacts = engagement_contacts(user=request.user, engagement=engagement)
        if contacts is None:
            raise ConflictError.single("engagement", ErrorCode.NOT_ACTIVE,
                                       _("連絡先は任用・委託が稼働中のときに表示されます。"))
        return Response(ContactsOutputSerializer(contacts).data)

    def _respond(self, request, accept: bool, reason: str = "", decline_code: str = ""):
        engagement = self.get_object()
        return self.render(services.engagement_respond(actor=request.user, engagement=engagement, accept=accept,
                                                       reason=reason, decline_code=decline_code))

    @extend_schema(request=AcceptInputSerializer, responses=EngagementOutputSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        """Accept the offer. The expert signs the pledge for the municipality with it (pledge_version), or
        later through /pledge/; the engagement is active once both sides accepted and the pledge is signed."""
        engagement = self.get_object()
        data = validate_input(AcceptInputSerializer, data=request.data or {})
        return self.render(services.engagement_respond(actor=request.user, engagement=engagement, accept=True,
                                                       pledge_version=data.get("pledge_version", "")))

    @extend_schema(request=PledgeInputSerializer, responses=EngagementOutputSerializer)
    @action(detail=True, methods=["post"])
    def pledge(self, request, pk=None):
        """The expert signs the confidentiality pledge (情報漏洩防止の誓約) for this engagement's municipality."""
        engagement = self.get_object()
        data = validate_input(PledgeInputSerializer, data=request.data or {})
        return self.render(services.engagement_sign_pledge(actor=request.user, engagement=engagement,
                                                          version=data["pledge_version"]))

    @extend_schema(request=DeclineInputSerializer, responses=EngagementOutputSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        """Decline the offer with its reason (decline_code, and the words; required with `other`); the pair is then
        not proposed again for this need (a forbid the coordinator sees). 409 after the answer deadline: the
        offer lapsed."""
        self.get_object()  # out of scope: 404 before the input is read
        data = validate_input(DeclineInputSerializer, data=request.data or {})
        return self._respond(request, False, data.get("reason", ""), data["decline_code"])

    @extend_schema(request=DeadlineInputSerializer, responses=EngagementOutputSerializer)
    @action(detail=True, methods=["post"])
    def deadline(self, request, pk=None):
        """The coordinator of the prefecture changes an offered engagement's answer deadline (today or later);
        both sides are told."""
        engagement = self.get_object()
        data = validate_input(DeadlineInputSerializer, data=request.data)
        return self.render(services.engagement_deadline_set(actor=request.user, engagement=engagement,
                                                            answer_by=data["answer_by"]))

    @extend_schema(request=EndInputSerializer, responses=EngagementOutputSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End an active engagement mid-year (任期途中の終了) on `ends_on`, with the reason: the coordinator, or
        the municipality's staff. Prorated; its bid restrictions end that day; the need is on offer again."""
        engagement = self.get_object()
        data = validate_input(EndInputSerializer, data=request.data)
        return self.render(services.engagement_end(actor=request.user, engagement=engagement, on=data["ends_on"],
                                                   reason=data["reason"]))

    @extend_schema(request=ReplacementInputSerializer, responses={201: ReplacementOutputSerializer})
    @action(detail=True, methods=["post"])
    def replacement(self, request, pk=None):
        engagement = self.get_object()
        data = validate_input(ReplacementInputSerializer, data=request.data)
        replacement = services.replacement_request(actor=request.user, engagement=engagement, reason=data["reason"])
        return Response(ReplacementOutputSerializer(replacement).data, status=status.HTTP_201_CREATED)


class ReplacementViewSet(ScopedViewSet):
    """要員交代 requests. The run without the current expert is added by the placement app's `ReplacementViewSet`,
    the class the router serves."""

    queryset = ReplacementRequest.objects.none()
    output_serializer_class = ReplacementOutputSerializer
    filterset_class = ReplacementFilter

    def scoped_queryset(self, user):
        return selectors.replacement_list(user=user)


class EngagementConflictViewSet(ScopedViewSet):
    """Conflicts found after the offer (任用後に生じた利益相反): recorded when a procurement, an affiliation, a vendor
    merge or moved dates put an offered or active engagement in an incumbent conflict; open until the coordinator
    records an exception (`except`) or ends the engagement (`end`)."""

    queryset = EngagementConflict.objects.none()
    output_serializer_class = EngagementConflictOutputSerializer
    filterset_class = EngagementConflictFilter

    def scoped_queryset(self, user):
        return selectors.engagement_conflict_list(user=user)

    @extend_schema(request=ConflictExceptInputSerializer, responses=EngagementConflictOutputSerializer)
    @action(detail=True, methods=["post"], url_path="except")
    def except_(self, request, pk=None):
        """Keep the engagement with a recorded exception (利益相反の例外) and its reason."""
        conflict = self.get_object()
        data = validate_input(ConflictExceptInputSerializer, data=request.data)
        return self.render(services.engagement_conflict_except(actor=request.user, conflict=conflict,
                                                               reason=data["reason"]))

    @extend_schema(request=ConflictEndInputSerializer, responses=EngagementConflictOutputSerializer)
    @action(detail=True, methods=["post"])
    def end(self, request, pk=None):
        """End the engagement for the conflict: an offer is withdrawn, an active engagement ends today."""
        conflict = self.get_object()
        data = validate_input(ConflictEndInputSerializer, data=request.data or {})
        return self.render(services.engagement_conflict_end(actor=request.user, conflict=conflict,
                                                            reason=data.get("reason", "")))


class OfferDeclinesApi(APIView):
    """The coordinator's count of the fiscal year's declined and lapsed offers by reason and side, and the list
    (issue 25); `file=xlsx` or `csv` gives the list as a file."""

    @extend_schema(parameters=[DeclinesQuerySerializer],
                   responses={200: DeclinesOutputSerializer, (200, "text/csv"): OpenApiTypes.BINARY,
                              (200, XLSX): OpenApiTypes.BINARY})
    def get(self, request):
        coordinator_only(request.user)
        query = validate_input(DeclinesQuerySerializer, data=request.query_params)
        fiscal_year = query.get("fiscal_year") or declines.season_of(request.user)
        rows = declines.declines_of_year(user=request.user, fiscal_year=fiscal_year)
        if query.get("file"):
            with readers_language(request):
                content, content_type, name = declines.declines_file(rows, fiscal_year=fiscal_year,
                                                                     file=query["file"])
            response = HttpResponse(content, content_type=content_type)
            response["Content-Disposition"] = f'attachment; filename="{name}"'
            return response
        return Response(DeclinesOutputSerializer({"fiscal_year": fiscal_year, "by_reason": declines.declines_by_reason(rows),
                                                  "declines": rows}).data)
