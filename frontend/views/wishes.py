"""Both sides have a say before the match (issue 25): the municipality's shortlist of its need's eligible
candidates (第一希望 / 希望 / 可, or 不可 with a reason), the expert's interest in the open needs they are eligible
for (and 「この市区町村には行けない」), and the coordinator's overview of both sides' wishes and every veto.

Eligibility is the engine's: the instance a run would build today (backend.placement.candidates) judged by
matching.need_standing; the fee and the travel are the engine's own figures on that instance. The shortlist shows
a clerk nothing of other municipalities (no engagements elsewhere, no other wishes)."""

from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

import matching
from backend.accounts.models import UserRole
from backend.core.choices import WishLevel, WishSide
from backend.core.errors import DomainError
from backend.experts.models import Expert
from backend.geo.models import Municipality
from backend.needs.models import Need, NeedStatus
from backend.needs.selectors import need_list
from backend.placement.candidates import candidates_instance
from backend.runs.refs import expert_ref, need_ref, parse_ref
from backend.wishes import services
from backend.wishes.models import Round
from backend.wishes.selectors import expert_in_pool, season_of, veto_list, wish_list, wishes_overview
from frontend import forms
from frontend.selectors import default_fiscal_year
from frontend.views.access import COORDINATOR, EXPERT, MUNICIPAL, post_acts, role_required, to

LEVELS = [(level.value, level.label) for level in WishLevel]  # 第一希望, 希望, 可


def _level(post):
    """The level chosen, or None for 「（なし）」 (the wish is taken back)."""
    value = forms.number_or_text(post, "level")
    return None if value == "" else value


# -- the municipality's shortlist ---------------------------------------------------------------------------

@dataclass(frozen=True)
class ShortlistRow:
    expert: Expert
    accepted_fee: int  # what the expert accepts for this need (rule 6's daily rate x days)
    fee: int  # what the need pays them: its offered fee, else the accepted one
    travel_cost: int
    travel_known: bool
    level: int | None
    veto: object | None


def _shortlist(need: Need, *, user) -> list[ShortlistRow]:
    """The need's eligible candidates (the engine's standing None) and the experts this municipality vetoed for it
    (a veto is a forbid, so they are no longer eligible, but the clerk withdraws it here)."""
    instance = candidates_instance(needs=[need])
    standing = matching.need_standing(instance, need_ref(need.pk))
    vetoes = {v.expert_id: v for v in veto_list(user=user).in_force().filter(need=need, side=WishSide.MUNICIPALITY)}
    ids = [parse_ref(ref) for ref, reason in standing.items() if reason is None] + list(vetoes)
    experts = Expert.objects.filter(pk__in=ids).prefetch_related("skills", "onsite_prefectures").order_by("name", "id")
    levels = dict(wish_list(user=user).filter(need=need, side=WishSide.MUNICIPALITY).values_list("expert_id", "level"))
    inst = matching.load_instance(instance)
    r = inst.need_index[need_ref(need.pk)]
    rows = []
    for expert in experts:
        e = inst.expert_index[expert_ref(expert.pk)]
        rows.append(ShortlistRow(expert=expert, accepted_fee=inst.accepted_fee(e, r), fee=inst.fee(e, r),
                                 travel_cost=inst.travel_cost(e, r), travel_known=inst.experts[e].home is not None,
                                 level=levels.get(expert.pk), veto=vetoes.get(expert.pk)))
    return rows


def _own_need(request, pk):
    return get_object_or_404(need_list(user=request.user).select_related("municipality__prefecture"), pk=pk)


@role_required(*MUNICIPAL)
def need_shortlist(request, pk: int):
    need = _own_need(request, pk)
    open_now = need.status == NeedStatus.OPEN and need.fiscal_year == season_of(need.municipality.prefecture_id)
    return render(request, "frontend/wishes/shortlist.html", {
        "need": need, "rows": _shortlist(need, user=request.user) if open_now else [], "open_now": open_now,
        "levels": LEVELS})


def _expert_of(request, need: Need) -> Expert:
    """An expert of the need's prefecture's pool (registered in it or serving it), else 404."""
    expert = get_object_or_404(Expert, pk=forms.row_id(request.POST, "expert"))
    if not expert_in_pool(expert_id=expert.pk, prefecture_id=need.municipality.prefecture_id):
        raise Http404
    return expert


@role_required(*MUNICIPAL)
@post_acts(to("frontend:need-shortlist"))
def need_shortlist_wish(request, pk: int):
    need = _own_need(request, pk)
    expert = _expert_of(request, need)
    level = _level(request.POST)
    try:
        if level is None:
            services.wish_clear(actor=request.user, need=need, expert=expert, side=WishSide.MUNICIPALITY)
            messages.success(request, _("%(name)sさんへの希望を取り消しました。") % {"name": expert.name})
        else:
            wish = services.wish_set(actor=request.user, need=need, expert=expert, side=WishSide.MUNICIPALITY,
                                     level=level)
            messages.success(request, _("%(name)sさんを「%(level)s」として保存しました。")
                             % {"name": expert.name, "level": wish.get_level_display()})
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return redirect(f"{reverse('frontend:need-shortlist', kwargs={'pk': need.pk})}#candidate-{expert.pk}")


@role_required(*MUNICIPAL)
@post_acts(to("frontend:need-shortlist"))
def need_shortlist_veto(request, pk: int):
    need = _own_need(request, pk)
    expert = _expert_of(request, need)
    try:
        services.veto_add(actor=request.user, side=WishSide.MUNICIPALITY, expert=expert, need=need,
                          reason=forms.text(request.POST, "reason"))
        messages.success(request, _("%(name)sさんを不可として登録しました。コーディネーターに通知されます。")
                         % {"name": expert.name})
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return redirect(f"{reverse('frontend:need-shortlist', kwargs={'pk': need.pk})}#candidate-{expert.pk}")


def _veto_back(request, pk, **_kwargs) -> str:
    return reverse("frontend:wishes-interest" if request.user.role == UserRole.EXPERT else "frontend:needs")


@role_required(*MUNICIPAL, *EXPERT)
@post_acts(_veto_back)
def veto_withdraw(request, pk: int):
    """Only the side that recorded a veto sees it here (the selectors' scope) and withdraws it."""
    veto = get_object_or_404(veto_list(user=request.user).in_force(), pk=pk)
    try:
        services.veto_withdraw(actor=request.user, veto=veto)
        messages.success(request, _("不可を取り下げました。"))
    except DomainError as exc:
        forms.flash_problems(request, exc)
    if veto.need_id:
        return redirect("frontend:need-shortlist", pk=veto.need_id)
    return redirect("frontend:wishes-interest")


# -- the expert's interest ----------------------------------------------------------------------------------

@dataclass(frozen=True)
class InterestRow:
    need: Need
    level: int | None
    deadline: object | None  # the open second round's deadline when the need is published in one


def _eligible_needs(expert: Expert) -> list[InterestRow]:
    """The open needs of each served prefecture's season that the engine finds no rule 1-8 against for this
    expert (what they have left may still be short of the days: the run weighs that)."""
    codes = sorted(expert.serves_prefectures.values_list("code", flat=True))
    needs = list(Need.objects.filter(status=NeedStatus.OPEN, municipality__prefecture_id__in=codes).select_related(
        "municipality__prefecture").prefetch_related("skills").order_by("municipality_id", "id"))
    ref = expert_ref(expert.pk)
    eligible = []
    for code in codes:
        season = season_of(code)
        mine = [n for n in needs if n.municipality.prefecture_id == code and n.fiscal_year == season]
        if not mine:
            continue
        instance = candidates_instance(needs=mine)
        if ref not in {doc["id"] for doc in instance["experts"]}:
            continue
        eligible += [n for n in mine if matching.need_standing(instance, need_ref(n.pk))[ref]
                     not in matching.RULE_REASONS]
    levels = dict(expert.wishes.filter(side=WishSide.EXPERT, need__in=eligible).values_list("need_id", "level"))
    deadlines = dict(Round.objects.filter(closed_at__isnull=True, needs__in=eligible).values_list("needs",
                                                                                                  "deadline"))
    return [InterestRow(need=n, level=levels.get(n.pk), deadline=deadlines.get(n.pk)) for n in eligible]


@role_required(*EXPERT)
def interest(request):
    expert = get_object_or_404(Expert, pk=request.user.expert_id)
    rows = _eligible_needs(expert)
    vetoes = list(veto_list(user=request.user).order_by("withdrawn_at", "-created_at"))
    vetoed = {v.municipality_id for v in vetoes if v.withdrawn_at is None}
    municipalities = sorted({r.need.municipality for r in rows if r.need.municipality_id not in vetoed},
                            key=lambda m: m.code)
    return render(request, "frontend/wishes/interest.html", {
        "rows": [r for r in rows if r.need.municipality_id not in vetoed], "levels": LEVELS, "vetoes": vetoes,
        "municipalities": municipalities})


@role_required(*EXPERT)
@post_acts("frontend:wishes-interest")
def interest_wish(request):
    expert = get_object_or_404(Expert, pk=request.user.expert_id)
    need = get_object_or_404(Need.objects.select_related("municipality__prefecture").filter(
        municipality__prefecture__in=expert.serves_prefectures.all()), pk=forms.row_id(request.POST, "need"))
    level = _level(request.POST)
    name = need.title or need.get_role_display()
    try:
        if level is None:
            services.wish_clear(actor=request.user, need=need, expert=expert, side=WishSide.EXPERT)
            messages.success(request, _("%(municipality)s「%(need)s」への希望を取り消しました。")
                             % {"municipality": need.municipality.name, "need": name})
        else:
            wish = services.wish_set(actor=request.user, need=need, expert=expert, side=WishSide.EXPERT, level=level)
            messages.success(request, _("%(municipality)s「%(need)s」を「%(level)s」として保存しました。")
                             % {"municipality": need.municipality.name, "need": name,
                                "level": wish.get_level_display()})
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return redirect(f"{reverse('frontend:wishes-interest')}#need-{need.pk}")


@role_required(*EXPERT)
@post_acts("frontend:wishes-interest")
def interest_veto(request):
    expert = get_object_or_404(Expert, pk=request.user.expert_id)
    municipality = get_object_or_404(Municipality.objects.filter(
        prefecture__in=expert.serves_prefectures.all()), pk=forms.text(request.POST, "municipality"))
    try:
        services.veto_add(actor=request.user, side=WishSide.EXPERT, expert=expert, municipality=municipality,
                          reason=forms.text(request.POST, "reason"))
        messages.success(request, _("%(municipality)sには行けないと登録しました。コーディネーターに通知されます。")
                         % {"municipality": municipality.name})
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return redirect("frontend:wishes-interest")


# -- the coordinator's overview -----------------------------------------------------------------------------

@role_required(*COORDINATOR)
def overview(request):
    fiscal_year = default_fiscal_year(user=request.user)
    rows, vetoes = wishes_overview(user=request.user, fiscal_year=fiscal_year)
    return render(request, "frontend/wishes/overview.html", {
        "rows": rows, "vetoes": vetoes, "fiscal_year": fiscal_year,
        "in_force": sum(1 for v in vetoes if v.withdrawn_at is None)})
