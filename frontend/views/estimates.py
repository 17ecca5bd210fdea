"""The autumn budget estimate (予算要求見込み): each need of the coming fiscal year a municipality posts or renews,
with its fee range, travel, grant and net and the total to request; a what-if per need as a plain GET form (it
stores nothing, so a link can show it again, and it works without JavaScript)."""

from django.shortcuts import render
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import UserRole
from backend.core.errors import DomainError
from backend.core.fiscal import current_fiscal_year
from backend.costs.estimate_serializers import WhatIfInputSerializer
from backend.costs.estimates import (
    ESTIMATED_STATUSES,
    budget_estimate,
    default_target_year,
    estimate_municipalities,
    estimate_needs,
    need_what_if,
    opens_text,
)
from frontend import forms
from frontend.views.access import STAFF, role_required

WHAT_IF_LABELS = {"budget": _("年間予算"), "days_per_year": _("年間日数"),
                  "onsite_days": _("現地勤務の日数"), "offered_fee": _("提示報酬")}
MAN_YEN_INPUTS = {"budget": "budget", "offered_fee": "offered_fee"}


def _year(request) -> int:
    value = request.GET.get("fy", "")
    now = current_fiscal_year()
    return int(value) if forms.whole(value) and now <= int(value) <= now + 2 else default_target_year()


def _municipality(request) -> str | None:
    value = forms.text(request.GET, "municipality")
    return value if forms.whole(value) and len(value) == 6 else None


@role_required(*STAFF)
def cost_estimate(request):
    fiscal_year, code = _year(request), _municipality(request)
    estimate = budget_estimate(user=request.user, fiscal_year=fiscal_year, municipality=code)
    what_if, status = _what_if(request, fiscal_year) if estimate.is_open else None, 200
    if what_if and what_if["errors"]:
        status = 400
    now = current_fiscal_year()
    values = {row.need.pk: _values(row.need) for m in estimate.municipalities for row in m.needs}
    if what_if:
        values[what_if["need"].pk] = what_if["values"]
    return render(request, "frontend/costs/estimate.html", {
        "estimate": estimate, "fy": fiscal_year, "fiscal_years": range(now, now + 3), "chosen": code or "",
        "choices": () if request.user.role == UserRole.MUNICIPAL else
        estimate_municipalities(user=request.user).filter(
            needs__fiscal_year=fiscal_year, needs__status__in=ESTIMATED_STATUSES).distinct()
        .values_list("code", "name"),
        "opens_text": opens_text(fiscal_year), "what_if": what_if, "values": values}, status=status)


def _values(need) -> dict:
    """The what-if form of a need, filled with the need as it stands (amounts in 万円, as the needs form)."""
    return {"budget": forms.yen_as_man(need.budget), "days_per_year": need.days_per_year,
            "onsite_days": need.onsite_days, "offered_fee": forms.yen_as_man(need.offered_fee)}


def _what_if(request, fiscal_year: int) -> dict | None:
    """The what-if asked for one need (`need` and its changed fields in the query): the need as it stands and as
    changed, or the typed values with their errors."""
    pk = forms.row_id(request.GET, "need")
    if not pk:
        return None
    need = estimate_needs(user=request.user).filter(fiscal_year=fiscal_year, pk=pk).first()
    if need is None:
        return None  # not one of this page's needs: the page as usual
    typed = {"budget": forms.man_yen(request.GET, "budget"),
             "days_per_year": forms.number_or_text(request.GET, "days_per_year"),
             "onsite_days": forms.number_or_text(request.GET, "onsite_days"),
             "offered_fee": forms.man_yen(request.GET, "offered_fee")}
    data = {"need": need.pk, **{name: value for name, value in typed.items() if value != ""}}
    if typed["offered_fee"] == "":
        data["offered_fee"] = None  # left empty: no offered fee (the expert's daily rate × days)
    values = {name: forms.text(request.GET, name) for name in typed}
    validated, errors = forms.validate(WhatIfInputSerializer, data, labels=WHAT_IF_LABELS)
    forms.man_yen_refused(errors, request.GET, MAN_YEN_INPUTS, WHAT_IF_LABELS)
    if validated is None:
        return {"need": need, "values": values, "errors": errors}
    try:
        current, changed = need_what_if(user=request.user, need=need,
                                        changes={k: v for k, v in validated.items() if k != "need"})
    except DomainError as exc:
        return {"need": need, "values": values, "errors": forms.errors_from_domain(exc, WHAT_IF_LABELS)}
    return {"need": need, "values": values, "errors": None, "current": current, "changed": changed}
