from django.utils import translation
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework.decorators import action
from rest_framework.response import Response

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin
from backend.core.api import validate_input
from backend.core.viewsets import ScopedViewSet, WritableScopedViewSet, documented
from backend.procurement.filters import ProcurementFilter, VendorFilter
from backend.procurement.models import Procurement, Vendor, VendorDuplicate
from backend.procurement.selectors import (
    procurement_can_change,
    procurement_list,
    procurement_list_rows,
    vendor_can_change,
    vendor_duplicate_list,
    vendor_list,
)
from backend.procurement.serializers import (
    ProcurementInputSerializer,
    ProcurementListOutputSerializer,
    ProcurementOutputSerializer,
    ProcurementWriteOutputSerializer,
    VendorDuplicateDismissInputSerializer,
    VendorDuplicateOutputSerializer,
    VendorInputSerializer,
    VendorMergeInputSerializer,
    VendorOutputSerializer,
    VendorRetireInputSerializer,
)
from backend.procurement.services import (
    procurement_create,
    procurement_delete,
    procurement_update,
    vendor_create,
    vendor_duplicate_dismiss,
    vendor_merge,
    vendor_retire,
    vendor_update,
)


@extend_schema_view(**documented(VendorInputSerializer, VendorOutputSerializer))
class VendorViewSet(WritableScopedViewSet):
    """IT vendors (事業者): a shared register. Every signed-in user reads it; staff and coordinators add."""

    queryset = Vendor.objects.none()  # for the schema
    output_serializer_class = VendorOutputSerializer
    input_serializer_class = VendorInputSerializer
    filterset_class = VendorFilter
    http_method_names = ["get", "post", "put", "patch", "head", "options"]

    def scoped_queryset(self, user):
        return vendor_list(user=user)

    def can_create(self, user):
        return is_admin(user) or user.role in (UserRole.COORDINATOR, UserRole.MUNICIPAL)

    def can_change(self, user, obj):
        return vendor_can_change(user=user, vendor=obj)

    def create_object(self, *, user, data):
        return vendor_create(actor=user, data=data)

    def update_object(self, *, user, obj, data):
        return vendor_update(actor=user, vendor=obj, data=data)

    @extend_schema(request=VendorMergeInputSerializer, responses=VendorOutputSerializer)
    @action(detail=True, methods=["post"])
    def merge(self, request, pk=None):
        """Merge `absorbed` into this vendor: every affiliation, incumbent and bid restriction of it moves here,
        and it is retired. The coordinators of the absorbed vendor's prefecture (administrators for one registered
        by no prefecture) may; both prefectures' coordinators are told."""
        survivor = self.get_object()
        data = validate_input(VendorMergeInputSerializer, data=request.data)
        return self.render(vendor_merge(actor=request.user, survivor=survivor, absorbed=data["absorbed"],
                                        reason=data["reason"]))

    @extend_schema(request=VendorRetireInputSerializer, responses=VendorOutputSerializer)
    @action(detail=True, methods=["post"])
    def retire(self, request, pk=None):
        """Retire this vendor: no longer offered for new rows; the rows that name it keep it as history."""
        vendor = self.get_object()
        data = validate_input(VendorRetireInputSerializer, data=request.data)
        return self.render(vendor_retire(actor=request.user, vendor=vendor, reason=data["reason"]))


class VendorDuplicateViewSet(ScopedViewSet):
    """Pairs of vendors that look like one (the same 法人番号 or folded name), open for a coordinator of either
    vendor's prefecture to merge (POST /vendors/{id}/merge/) or dismiss."""

    queryset = VendorDuplicate.objects.none()  # for the schema
    output_serializer_class = VendorDuplicateOutputSerializer

    def scoped_queryset(self, user):
        return vendor_duplicate_list(user=user)

    @extend_schema(request=VendorDuplicateDismissInputSerializer, responses=VendorDuplicateOutputSerializer)
    @action(detail=True, methods=["post"])
    def dismiss(self, request, pk=None):
        """The two are different vendors: the pair leaves the list."""
        duplicate = self.get_object()
        data = validate_input(VendorDuplicateDismissInputSerializer, data=request.data or {})
        duplicate = vendor_duplicate_dismiss(actor=request.user, duplicate=duplicate, reason=data.get("reason", ""))
        return Response(VendorDuplicateOutputSerializer(duplicate).data)


def _warnings_in_both_languages(warnings: list[dict]) -> list[dict]:
    def rendered(message, language):
        with translation.override(language):
            return str(message)

    return [{**{k: v for k, v in w.items() if k != "message"}, "ja": rendered(w["message"], "ja"),
             "en": rendered(w["message"], "en")} for w in warnings]


@extend_schema_view(**documented(ProcurementInputSerializer, ProcurementWriteOutputSerializer))
class ProcurementViewSet(WritableScopedViewSet):
    """Procurements (調達) of a municipality with the incumbent vendor."""

    queryset = Procurement.objects.none()  # for the schema
    output_serializer_class = ProcurementOutputSerializer
    list_serializer_class = ProcurementListOutputSerializer
    input_serializer_class = ProcurementInputSerializer
    filterset_class = ProcurementFilter

    def scoped_queryset(self, user):
        return procurement_list(user=user)

    def list_rows(self, queryset):
        return procurement_list_rows(queryset)

    def can_create(self, user):
        return is_admin(user) or user.role == UserRole.MUNICIPAL

    def can_change(self, user, obj):
        return procurement_can_change(user=user, procurement=obj)

    def create_object(self, *, user, data):
        return procurement_create(actor=user, data=data)

    def update_object(self, *, user, obj, data):
        return procurement_update(actor=user, procurement=obj, data=data)

    def delete_object(self, *, user, obj):
        procurement_delete(actor=user, procurement=obj)

    def render(self, obj, status_code=200):
        """A write answers its warnings too (backend.procurement.services.PROCUREMENT_WRITTEN)."""
        response = super().render(obj, status_code)
        if hasattr(obj, "warnings"):
            response.data = {**response.data, "warnings": _warnings_in_both_languages(obj.warnings)}
        return response
