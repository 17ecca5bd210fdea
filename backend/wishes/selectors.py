"""Reads of wishes, vetoes and rounds (issue 25), scoped to the user: a coordinator sees every wish and veto of
their prefecture (the overview), municipal staff their own municipality's side only — never an expert's interest
nor another municipality's wishes —, an expert their own side only. Each read is a fixed number of queries."""

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Exists, OuterRef, Q, QuerySet

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_admin
from backend.core import fiscal
from backend.core.choices import WishSide
from backend.experts.models import Expert
from backend.geo.models import PrefectureSetting
from backend.needs.models import Need, NeedStatus
from backend.wishes.models import Round, Veto, Wish


def round_of_need(need_id: int) -> Round | None:
    """The open second round that published this need, if any."""
    return Round.objects.filter(needs=need_id, closed_at__isnull=True).order_by("-published_at").first()


def round_deadline_passed(need_id: int, *, today: dt.date) -> bool:
    """True when the need is published in an open second round whose deadline for interest has passed:
    experts' interest in it is then refused. A need in no open round takes interest until its run."""
    current = round_of_need(need_id)
    return current is not None and today > current.deadline


def season_of(prefecture_id: str) -> int:
    """The fiscal year the prefecture is matching (its settings' season, else the default rule): wishes are
    stated about its open needs only."""
    season = PrefectureSetting.objects.filter(pk=prefecture_id).values_list("matching_season", flat=True).first()
    return fiscal.default_fiscal_year(season=season)


def expert_in_pool(*, expert_id: int, prefecture_id: str) -> bool:
    """Registered in the prefecture or serving it: the experts the prefecture's instance carries."""
    serves = Expert.serves_prefectures.through.objects.filter(expert_id=OuterRef("pk"), prefecture_id=prefecture_id)
    return Expert.objects.filter(Q(registering_prefecture_id=prefecture_id) | Exists(serves), pk=expert_id).exists()


def wish_list(*, user) -> QuerySet[Wish]:
    """Wishes the user may see: the prefecture's for a coordinator, the municipality's own side for its staff,
    the expert's own side for an expert."""
    queryset = Wish.objects.select_related("need__municipality", "expert", "set_by").order_by("need_id", "expert_id",
                                                                                              "side")
    if is_admin(user):
        return queryset
    if user.role == UserRole.COORDINATOR:
        return queryset.filter(need__municipality__prefecture_id=user.prefecture_id)
    if user.role == UserRole.MUNICIPAL and user.municipality_id:
        return queryset.filter(side=WishSide.MUNICIPALITY, need__municipality_id=user.municipality_id)
    if user.role == UserRole.EXPERT and user.expert_id:
        return queryset.filter(side=WishSide.EXPERT, expert_id=user.expert_id)
    return queryset.none()


def veto_list(*, user) -> QuerySet[Veto]:
    """Vetoes (in force and withdrawn) the user may see, scoped like `wish_list`."""
    queryset = Veto.objects.select_related("need__municipality", "municipality", "expert", "created_by",
                                           "withdrawn_by")
    if is_admin(user):
        return queryset
    if user.role == UserRole.COORDINATOR:
        pref = user.prefecture_id
        return queryset.filter(Q(need__municipality__prefecture_id=pref) | Q(municipality__prefecture_id=pref))
    if user.role == UserRole.MUNICIPAL and user.municipality_id:
        return queryset.filter(side=WishSide.MUNICIPALITY, need__municipality_id=user.municipality_id)
    if user.role == UserRole.EXPERT and user.expert_id:
        return queryset.filter(side=WishSide.EXPERT, expert_id=user.expert_id)
    return queryset.none()


@dataclass
class NeedWishes:
    """One need of the coordinator's overview: the municipality's wishes and the experts' interest."""

    need: Need
    municipality_side: list[Wish] = field(default_factory=list)
    expert_side: list[Wish] = field(default_factory=list)
    vetoes: list[Veto] = field(default_factory=list)


def wishes_overview(*, user, fiscal_year: int) -> tuple[list[NeedWishes], list[Veto]]:
    """The coordinator's view of a season (three queries): per open need of the prefecture, both sides' wishes,
    and every veto (in force first, then withdrawn) with who, when and why."""
    needs = Need.objects.filter(fiscal_year=fiscal_year, status=NeedStatus.OPEN).select_related("municipality")
    if not is_admin(user):
        needs = needs.filter(municipality__prefecture_id=user.prefecture_id) \
            if user.role == UserRole.COORDINATOR else needs.none()
    rows = {n.pk: NeedWishes(need=n) for n in needs.order_by("municipality_id", "id")}
    for wish in wish_list(user=user).filter(need_id__in=list(rows)).order_by("-level", "expert__name"):
        side = rows[wish.need_id].municipality_side if wish.side == WishSide.MUNICIPALITY else \
            rows[wish.need_id].expert_side
        side.append(wish)
    vetoes = list(veto_list(user=user).filter(Q(need__fiscal_year=fiscal_year) | Q(need__isnull=True)).order_by(
        "withdrawn_at", "-created_at", "id"))
    for veto in vetoes:
        if veto.need_id in rows and veto.withdrawn_at is None:
            rows[veto.need_id].vetoes.append(veto)
    return list(rows.values()), vetoes
