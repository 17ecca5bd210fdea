"""Funding (財源): the register of a prefecture's schemes (its coordinator edits them; staff and experts read them),
a municipality's recruitment costs of a year, and the 「財源」 section of an engagement's page (the scheme, whether it
is eligible and why not, the tracker; the coordinator's form to change the scheme)."""

from decimal import Decimal, InvalidOperation

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import UserRole
from backend.accounts.permissions import coordinates
from backend.core.choices import EmploymentForm, Role
from backend.core.errors import DomainError
from backend.core.fiscal import current_fiscal_year, era_date, fiscal_year_label
from backend.engagements.selectors import engagement_list
from backend.funding.models import FundingScheme, RecruitmentCostKind
from backend.funding.selectors import (
    active_schemes,
    funding_box,
    recruitment_cost_list,
    scheme_list,
)
from backend.funding.serializers import FundingSchemeInputSerializer, RecruitmentCostInputSerializer
from backend.funding.services import (
    engagement_funding_set,
    recruitment_cost_add,
    recruitment_cost_remove,
    scheme_create,
    scheme_update,
)
from backend.geo.models import Municipality
from backend.needs.selectors import need_list
from backend.runs.models import MatchRun
from frontend import forms
from frontend.templatetags.kenmu import yen
from frontend.views.access import COORDINATOR, EXPERT, STAFF, post_acts, role_required, to
from frontend.views.home import working_year_param

SCHEME_LABELS = {
    "name": gettext_lazy("名称"), "rate": gettext_lazy("措置率"), "cap_yen": gettext_lazy("上限額"),
    "cap_public_staff_yen": gettext_lazy("上限額（先進市町村職員）"), "min_days": gettext_lazy("必要な日数"),
    "min_visits": gettext_lazy("必要な訪問回数"), "day_trip_min_hours": gettext_lazy("日帰りを1日と数える最低時間"),
    "roles": gettext_lazy("対象の役割"), "employment_forms": gettext_lazy("対象の任用形態"),
    "max_years": gettext_lazy("最長年数"), "min_months": gettext_lazy("最短期間（月）"),
    "max_population": gettext_lazy("対象市区町村の人口上限"), "conditions": gettext_lazy("対象団体の条件・備考"),
    "basis": gettext_lazy("根拠"),
}
COST_LABELS = {"need": gettext_lazy("募集"), "run": gettext_lazy("募集"), "kind": gettext_lazy("経費の種類"),
               "amount": gettext_lazy("金額"), "spent_on": gettext_lazy("支出日"), "note": gettext_lazy("内容"),
               "municipality": gettext_lazy("市区町村")}


# -- the register of schemes ---------------------------------------------------------------------------------

def _percent(scheme) -> str:
    """措置率 as the page writes it: 0.5 -> 50, 0.125 -> 12.5."""
    return f"{(scheme.rate * 100).normalize():f}"


@role_required(*STAFF, *EXPERT)
def funding_schemes(request):
    """財源: the schemes of the user's prefecture, with an edit form per scheme and one to add a scheme for its
    coordinator."""
    schemes = list(scheme_list(user=request.user))
    editable = request.user.role == UserRole.COORDINATOR
    rows = [{"s": s, "percent": _percent(s), "cap_man": forms.yen_as_man(s.cap_yen),
             "cap_public_staff_man": forms.yen_as_man(s.cap_public_staff_yen),
             "editable": editable and coordinates(request.user, s.prefecture_id)} for s in schemes]
    return render(request, "frontend/funding/schemes.html", {
        "rows": rows, "may_add": editable, "role_choices": Role.choices, "form_choices": EmploymentForm.choices,
    })


def _optional_number(post, name: str):
    value = forms.number_or_text(post, name)
    return None if value == "" else value


def _rate(post):
    """措置率 typed in percent (50, 12.5) as the 0–1 the scheme holds; other text for the serializer to refuse."""
    value = forms.text(post, "rate_percent").removesuffix("%")
    try:
        return str((Decimal(value) / 100).quantize(Decimal("0.001")))
    except (InvalidOperation, ValueError):
        return value


def _man_or_none(post, name: str):
    value = forms.man_yen(post, name)
    return None if value == "" else value


def scheme_data(post) -> dict:
    """The scheme form (措置率 in %, caps in 万円) in the API's shape."""
    return {
        "name": forms.text(post, "name"), "rate": _rate(post), "cap_yen": _man_or_none(post, "cap_man"),
        "cap_public_staff_yen": _man_or_none(post, "cap_public_staff_man"),
        "min_days": _optional_number(post, "min_days"), "min_visits": _optional_number(post, "min_visits"),
        "day_trip_min_hours": forms.text(post, "day_trip_min_hours") or None,
        "roles": post.getlist("roles"), "employment_forms": post.getlist("employment_forms"),
        "max_years": _optional_number(post, "max_years"), "min_months": _optional_number(post, "min_months"),
        "counts_recruitment": forms.checkbox(post, "counts_recruitment"),
        "max_population": _optional_number(post, "max_population"),
        "conditions": forms.text(post, "conditions"), "basis": forms.text(post, "basis"),
        "active": forms.checkbox(post, "active"),
    }


def _flash(request, errors) -> None:
    for _field, msgs in errors.items():
        for message in msgs:
            messages.error(request, message)


@role_required(*COORDINATOR)
@post_acts("frontend:funding-schemes")
def funding_scheme_add(request):
    saved, errors = forms.submit(FundingSchemeInputSerializer, scheme_data(request.POST), lambda v: scheme_create(
        actor=request.user, prefecture=request.user.prefecture_id, data=v), labels=SCHEME_LABELS)
    if errors:
        _flash(request, errors)
        return redirect(f"{reverse('frontend:funding-schemes')}#add-scheme")
    messages.success(request, _("財源「%(name)s」を追加しました。") % {"name": saved.name})
    return redirect(f"{reverse('frontend:funding-schemes')}#scheme-{saved.pk}")


@role_required(*COORDINATOR)
@post_acts("frontend:funding-schemes")
def funding_scheme_edit(request, pk: int):
    scheme = get_object_or_404(scheme_list(user=request.user), pk=pk)
    back = f"{reverse('frontend:funding-schemes')}#scheme-{scheme.pk}"
    saved, errors = forms.submit(FundingSchemeInputSerializer, scheme_data(request.POST), lambda v: scheme_update(
        actor=request.user, scheme=scheme, data=v), labels=SCHEME_LABELS)
    if errors:
        _flash(request, errors)
        return redirect(back)
    messages.success(request, _("財源「%(name)s」を保存しました。") % {"name": saved.name})
    return redirect(back)


# -- recruitment costs ---------------------------------------------------------------------------------------

def _targets(request, fiscal_year: int) -> list[tuple[str, str]]:
    """What a cost may be for, by name: the needs of this year and next, and the rounds (runs) of those years."""
    needs = need_list(user=request.user).filter(fiscal_year__in=(fiscal_year, fiscal_year + 1)).order_by(
        "fiscal_year", "municipality_id", "id")
    shown = [(f"need:{n.pk}", _("%(fy)s %(m)s「%(title)s」") % {
        "fy": fiscal_year_label(n.fiscal_year), "m": n.municipality.name, "title": n.title or n.get_role_display()})
        for n in needs]
    prefecture = (request.user.municipality.prefecture_id if request.user.municipality_id
                  else request.user.prefecture_id)
    runs = MatchRun.objects.filter(scope__contains=[prefecture], fiscal_year__in=(fiscal_year, fiscal_year + 1)) \
        .only("pk", "fiscal_year", "created_at").order_by("-created_at") if prefecture else []
    shown += [(f"run:{r.pk}", _("%(fy)sのマッチング（%(date)s実行、募集の回全体）") % {
        "fy": fiscal_year_label(r.fiscal_year), "date": era_date(r.created_at.date())}) for r in runs]
    return shown


@role_required(*STAFF)
def recruitment_costs(request):
    """募集経費: the recruitment costs paid in a fiscal year (staff: their municipality's; the coordinator: the
    prefecture's), a form to record one and a button to remove one."""
    fiscal_year = working_year_param(request)
    costs = list(recruitment_cost_list(user=request.user).filter(fiscal_year=fiscal_year))
    now = current_fiscal_year()
    by_coordinator = request.user.role != UserRole.MUNICIPAL
    return render(request, "frontend/funding/recruitment_costs.html", {
        "costs": costs, "total": sum(c.amount for c in costs), "fy": fiscal_year,
        "fiscal_years": sorted({*range(now - 2, now + 2), fiscal_year}), "by_coordinator": by_coordinator,
        "municipalities": Municipality.objects.filter(prefecture_id=request.user.prefecture_id).order_by("code")
        if by_coordinator else [],
        "targets": _targets(request, fiscal_year), "kinds": RecruitmentCostKind.choices,
    })


def _target(value: str) -> dict:
    kind, _sep, pk = value.partition(":")
    if kind in ("need", "run") and forms.whole(pk):
        return {kind: int(pk)}
    return {"need": None}


@role_required(*STAFF)
@post_acts("frontend:recruitment-costs")
def recruitment_cost_add_view(request):
    post = request.POST
    data = {**_target(forms.text(post, "target")), "kind": forms.text(post, "kind"),
            "amount": forms.number_or_text(post, "amount"), "spent_on": forms.text(post, "spent_on") or None,
            "note": forms.text(post, "note")}
    if request.user.role != UserRole.MUNICIPAL:
        data["municipality"] = forms.municipality(post, "municipality")

    def add(validated):
        municipality = validated.pop("municipality", None) or request.user.municipality
        return recruitment_cost_add(actor=request.user, municipality=municipality, data=validated)

    back = reverse("frontend:recruitment-costs")
    if request.user.role != UserRole.MUNICIPAL and not data["municipality"]:
        messages.error(request, _("市区町村を選んでください。"))
        return redirect(back)
    saved, errors = forms.submit(RecruitmentCostInputSerializer, data, add, labels=COST_LABELS)
    if errors:
        _flash(request, errors)
        return redirect(back)
    messages.success(request, _("募集経費「%(note)s」%(amount)sを記録しました。") % {
        "note": saved.note, "amount": yen(saved.amount)})
    return redirect(f"{back}?fy={saved.fiscal_year}")


@role_required(*STAFF)
@post_acts("frontend:recruitment-costs")
def recruitment_cost_remove_view(request, pk: int):
    cost = get_object_or_404(recruitment_cost_list(user=request.user), pk=pk)
    back = f"{reverse('frontend:recruitment-costs')}?fy={cost.fiscal_year}"
    try:
        recruitment_cost_remove(actor=request.user, cost=cost)
    except DomainError as exc:
        forms.flash_problems(request, exc)
        return redirect(back)
    messages.success(request, _("募集経費「%(note)s」%(amount)sを削除しました。") % {
        "note": cost.note, "amount": yen(cost.amount)})
    return redirect(back)


# -- the engagement page's 「財源」 section --------------------------------------------------------------------

def funding_context(request, engagement) -> dict:
    """What the engagement page's 「財源」 section shows: the funding box and, for the coordinator, the schemes to
    choose from."""
    box = funding_box(engagement)
    may_set = coordinates(request.user, engagement.municipality.prefecture_id) and engagement.status in (
        "offered", "active", "ended")
    choices = list(active_schemes(engagement.municipality.prefecture_id)) if may_set else []
    if may_set and box.scheme.pk not in {s.pk for s in choices}:
        choices.append(box.scheme)
    return {"funding": box, "funding_may_set": may_set, "funding_choices": choices}


@role_required(*COORDINATOR)
@post_acts(to("frontend:engagement"))
def engagement_funding(request, pk: int):
    engagement = get_object_or_404(engagement_list(user=request.user), pk=pk)
    back = f"{reverse('frontend:engagement', args=[engagement.pk])}#h-funding"
    scheme = FundingScheme.objects.filter(
        pk=forms.row_id(request.POST, "scheme"), prefecture_id=engagement.municipality.prefecture_id).first()
    try:
        engagement_funding_set(actor=request.user, engagement=engagement, scheme=scheme,
                               public_staff=forms.checkbox(request.POST, "public_staff"))
    except DomainError as exc:
        forms.flash_problems(request, exc)
        return redirect(back)
    messages.success(request, _("財源を「%(name)s」にしました。") % {"name": scheme.name})
    return redirect(back)
