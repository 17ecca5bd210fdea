"""API for wishes and vetoes (issue 25): each side lists, sets and clears its own wishes and adds and withdraws its
own vetoes; a coordinator lists the prefecture's. Rows out of the user's scope are 404s; a need the user may
not speak for (a coordinator's, another side's) is a 403 from the service."""

from django.db.models import Q
from django.shortcuts import get_object_or_404
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.decorators import action
from rest_framework.response import Response

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin
from backend.core.api import validate_input
from backend.core.viewsets import ScopedViewSet
from backend.geo.models import Municipality
from backend.needs.models import Need
from backend.wishes import selectors, services
from backend.wishes.models import Veto, Wish
from backend.wishes.serializers import (
    VetoInputSerializer,
    VetoOutputSerializer,
    WishClearInputSerializer,
    WishInputSerializer,
    WishOutputSerializer,
)


def _reach(user) -> Q:
    """The municipalities whose needs the user may name in a wish or veto (others are 404): a coordinator's
    prefecture (the service then refuses them with a 403), municipal staff's own, the prefectures an expert serves."""
    if is_admin(user):
        return Q()
    if user.role == UserRole.COORDINATOR:
        return Q(prefecture_id=user.prefecture_id)
    if user.role == UserRole.MUNICIPAL:
        return Q(pk=user.municipality_id)
    if user.role == UserRole.EXPERT and user.expert_id:
        return Q(prefecture__served_by_experts=user.expert_id)
    return Q(pk__in=[])


def _need(user, need: Need | None) -> Need | None:
    if need is None:
        return None
    municipalities = Municipality.objects.filter(_reach(user)).values("pk")
    return get_object_or_404(Need.objects.select_related("municipality__prefecture").filter(
        municipality__in=municipalities), pk=need.pk)


class WishViewSet(ScopedViewSet):
    """第一希望 (3) / 希望 (2) / 可 (1) of one side about an (expert, need) pair: POST sets or changes it,
    POST clear/ takes it back."""

    queryset = Wish.objects.none()
    output_serializer_class = WishOutputSerializer

    def scoped_queryset(self, user):
        return selectors.wish_list(user=user)

    @extend_schema(request=WishInputSerializer, responses={200: WishOutputSerializer})
    def create(self, request):
        data = validate_input(WishInputSerializer, data=request.data)
        wish = services.wish_set(actor=request.user, need=_need(request.user, data["need"]), expert=data["expert"],
                                 side=data["side"], level=int(data["level"]))
        return Response(WishOutputSerializer(wish).data)

    @extend_schema(request=WishClearInputSerializer, responses={204: None})
    @action(detail=False, methods=["post"])
    def clear(self, request):
        data = validate_input(WishClearInputSerializer, data=request.data)
        services.wish_clear(actor=request.user, need=_need(request.user, data["need"]), expert=data["expert"],
                            side=data["side"])
        return Response(status=status.HTTP_204_NO_CONTENT)


class VetoViewSet(ScopedViewSet):
    """不可 with a reason: a municipality's about an expert for its need (`need`), an expert's about a municipality
    (`municipality`). In force and withdrawn; never deleted. Only the side that recorded one withdraws it."""

    queryset = Veto.objects.none()
    output_serializer_class = VetoOutputSerializer

    def scoped_queryset(self, user):
        return selectors.veto_list(user=user).order_by("-created_at", "id")

    @extend_schema(request=VetoInputSerializer, responses={201: VetoOutputSerializer})
    def create(self, request):
        data = validate_input(VetoInputSerializer, data=request.data)
        municipality = data.get("municipality")
        if municipality is not None:
            municipality = get_object_or_404(Municipality.objects.filter(_reach(request.user)), pk=municipality.pk)
        veto = services.veto_add(actor=request.user, side=data["side"], expert=data["expert"],
                                 need=_need(request.user, data.get("need")), municipality=municipality,
                                 reason=data["reason"])
        return Response(VetoOutputSerializer(veto).data, status=status.HTTP_201_CREATED)

    @extend_schema(request=None, responses={200: VetoOutputSerializer})
    @action(detail=True, methods=["post"])
    def withdraw(self, request, pk=None):
        veto = services.veto_withdraw(actor=request.user, veto=self.get_object())
        return Response(VetoOutputSerializer(veto).data)
