"""Affiliation changes: the expert asks (add one, or end one with its date); the coordinator of the expert's
prefecture reviews pending requests and applies or declines them. Restrictions already in force stay."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.core.choices import ACTIVE_RELATIONS, AffiliationRelation
from backend.core.errors import DomainError
from backend.experts.models import AffiliationChangeKind, AffiliationChangeStatus
from backend.experts.selectors import affiliation_change_list, expert_list
from backend.experts.serializers import AffiliationChangeInputSerializer
from backend.experts.services import (
    affiliation_change_accept,
    affiliation_change_decline,
    affiliation_change_request,
)
from backend.procurement.selectors import vendor_pickable
from frontend import forms
from frontend.views.access import COORDINATOR, EXPERT, post_acts, role_required


@role_required(*EXPERT)
@require_http_methods(["GET", "POST"])
def my_affiliations(request):
    expert = get_object_or_404(expert_list(user=request.user), pk=request.user.expert_id)
    values, errors = {"kind": AffiliationChangeKind.ADD}, None
    if request.method == "POST":
        values = {"kind": forms.text(request.POST, "kind"), "vendor": forms.number_or_text(request.POST, "vendor"),
                  "relation": forms.text(request.POST, "relation"),
                  "ended_on": forms.text(request.POST, "ended_on") or None, "note": forms.text(request.POST, "note")}
        _change, errors = forms.submit(AffiliationChangeInputSerializer, values, lambda v: affiliation_change_request(
            actor=request.user, expert=expert, **v))
        if errors is None:
            messages.success(request, _("所属の変更を申請しました。コーディネーターが確認して反映します。"))
            return redirect("frontend:my-affiliations")
    return render(request, "frontend/affiliations/mine.html", {
        "expert": expert, "values": values, "errors": errors, "kinds": AffiliationChangeKind.choices,
        "relations": [(r, label) for r, label in AffiliationRelation.choices if r in ACTIVE_RELATIONS],
        "vendors": vendor_pickable(user=request.user), "changes": affiliation_change_list(user=request.user)[:20],
    }, status=400 if errors else 200)


@role_required(*COORDINATOR)
def affiliation_changes(request):
    changes = affiliation_change_list(user=request.user)
    return render(request, "frontend/affiliations/review.html", {
        "pending": changes.filter(status=AffiliationChangeStatus.PENDING),
        "decided": changes.exclude(status=AffiliationChangeStatus.PENDING)[:30]})


@role_required(*COORDINATOR)
@post_acts("frontend:affiliation-changes")
def affiliation_change_decide_view(request, pk: int):
    change = get_object_or_404(affiliation_change_list(user=request.user), pk=pk)
    accept = request.POST.get("decision") == "accept"
    try:
        decide = affiliation_change_accept if accept else affiliation_change_decline
        decide(actor=request.user, change=change, reason=forms.text(request.POST, "reason"))
        messages.success(request, _("申請を反映しました。記録済みの入札参加制限はそのまま残ります。") if accept
                         else _("申請を却下しました。"))
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return redirect("frontend:affiliation-changes")
