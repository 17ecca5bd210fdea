"""The API of how people join a prefecture's pool: the coordinators' review of applications, and the creation of
an invitation (the rest of the invitations' API, read, resend and revoke, is accounts')."""

from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action

from backend.accounts import apis as accounts_apis
from backend.accounts.apis import IsCoordinator
from backend.accounts.serializers import InvitationOutputSerializer
from backend.applications.filters import ExpertApplicationFilter
from backend.applications.selectors import expert_application_list
from backend.applications.serializers import (
    ApplicationAcceptInputSerializer,
    ApplicationDeclineInputSerializer,
    ExpertApplicationOutputSerializer,
    InvitationInputSerializer,
)
from backend.applications.services import (
    expert_application_accept,
    expert_application_decline,
    invitation_create,
)
from backend.core.api import validate_input
from backend.core.viewsets import ScopedViewSet
from backend.experts.models import ExpertApplication


class InvitationViewSet(accounts_apis.InvitationViewSet):
    """Invitations of the coordinator's prefecture: municipal staff (a municipality of the prefecture) or an
    expert (one the coordinator sees, or a new one by name) get a one-time link, valid 7 days, to set their
    password. Another prefecture's invitation is a 404. The link itself is only ever in the mail."""

    @extend_schema(request=InvitationInputSerializer, responses={201: InvitationOutputSerializer})
    def create(self, request):
        data = validate_input(InvitationInputSerializer, data=request.data)
        invitation = invitation_create(actor=request.user, **data)
        return self.render(invitation, status.HTTP_201_CREATED)


class ExpertApplicationViewSet(ScopedViewSet):
    """Applications to the coordinator's prefecture from the public form (/apply/). Accepting registers the
    expert and their login and mails the invitation to set a password; declining mails the reason. Another
    prefecture's application is a 404; municipal staff and experts get 403."""

    queryset = ExpertApplication.objects.none()
    permission_classes = (IsCoordinator,)
    output_serializer_class = ExpertApplicationOutputSerializer
    filterset_class = ExpertApplicationFilter

    def scoped_queryset(self, user):
        return expert_application_list(user=user)

    @extend_schema(request=ApplicationAcceptInputSerializer, responses=ExpertApplicationOutputSerializer)
    @action(detail=True, methods=["post"])
    def accept(self, request, pk=None):
        application = self.get_object()
        data = validate_input(ApplicationAcceptInputSerializer, data=request.data or {})
        expert_application_accept(actor=request.user, application=application, vendors=data["vendors"],
                                  vendor_numbers=data["vendor_numbers"])
        return self.render(application)

    @extend_schema(request=ApplicationDeclineInputSerializer, responses=ExpertApplicationOutputSerializer)
    @action(detail=True, methods=["post"])
    def decline(self, request, pk=None):
        application = self.get_object()
        data = validate_input(ApplicationDeclineInputSerializer, data=request.data)
        return self.render(expert_application_decline(actor=request.user, application=application,
                                                      reason=data["reason"]))
