"""API for renewals (継続): list them, prepare a year's (coordinators), confirm or drop one (municipal staff)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin, is_coordinator
from backend.core.api import validate_input
from backend.core.errors import DomainError
from backend.core.viewsets import ScopedViewSet
from backend.needs.models import Need
from backend.needs.services import need_renewal_confirm, need_renewal_drop
from backend.renewals import selectors, services
from backend.renewals.errors import ErrorCode
from backend.renewals.filters import RenewalFilter
from backend.renewals.serializers import (
    RenewalOutputSerializer,
    RenewalPrepareInputSerializer,
    RenewalsPreparedOutputSerializer,
)


class RenewalViewSet(ScopedViewSet):
    """Needs renewed from last year's active engagements, awaiting the municipality's confirmation (status
    `renewal`) until confirmed (`open`) or dropped (`dropped`). Experts have no renewals to see (403)."""

    queryset = Need.objects.none()
    output_serializer_class = RenewalOutputSerializer
    filterset_class = RenewalFilter

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        if not (is_admin(request.user) or request.user.role in (UserRole.COORDINATOR, UserRole.MUNICIPAL)):
            raise PermissionDenied()

    def scoped_queryset(self, user):
        return selectors.renewal_list(user=user)

    @extend_schema(request=RenewalPrepareInputSerializer, responses={201: RenewalsPreparedOutputSerializer})
    @action(detail=False, methods=["post"])
    def prepare(self, request):
        """Make the renewals of a fiscal year from the engagements active the year before (idempotent)."""
        if not is_coordinator(request.user):
            raise PermissionDenied()
        data = validate_input(RenewalPrepareInputSerializer, data=request.data)
        prefecture = request.user.prefecture_id if request.user.role == UserRole.COORDINATOR else data.get(
            "prefecture")
        if not prefecture:
            raise DomainError.single("prefecture", ErrorCode.REQUIRED, _("都道府県を指定してください。"))
        prepared = services.renewal_prepare(actor=request.user, prefecture_id=prefecture,
                                            fiscal_year=data["fiscal_year"])
        created = self.scoped_queryset(request.user).filter(pk__in=[n.pk for n in prepared.created])
        return Response(RenewalsPreparedOutputSerializer({"created": created, "already": prepared.already}).data,
                        status=status.HTTP_201_CREATED)

    def _municipal_only(self):
        need = self.get_object()  # 404 outside the user's scope
        if not (is_admin(self.request.user) or self.request.user.role == UserRole.MUNICIPAL):
            raise PermissionDenied()
        return need

    @extend_schema(request=None, responses=RenewalOutputSerializer)
    @action(detail=True, methods=["post"])
    def confirm(self, request, pk=None):
        """The municipality continues the post: the need is open and matched by the next run."""
        return self.render(need_renewal_confirm(actor=request.user, need=self._municipal_only()))

    @extend_schema(request=None, responses=RenewalOutputSerializer)
    @action(detail=True, methods=["post"])
    def drop(self, request, pk=None):
        """The municipality does not continue the post: the need is dropped (it can be reopened later)."""
        return self.render(need_renewal_drop(actor=request.user, need=self._municipal_only()))
