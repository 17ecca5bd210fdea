"""Exceptions to the incumbent conflict (利益相反の例外): listed per prefecture (and for a municipality's staff,
theirs), with the reason, who and when, their state, and revocation that asks what becomes of the
engagements relying on the exception."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.core.reuse import reuse_page
from backend.engagements import services
from backend.engagements.models import HOLDING_STATUSES
from backend.engagements.selectors import coi_override_list
from backend.engagements.serializers import CoiOverrideRevokeInputSerializer
from backend.runs.models import DecisionKind, PairDecision
from frontend import forms
from frontend.views import PAGE_SIZE
from frontend.views.access import COORDINATOR, STAFF, role_required


@role_required(*STAFF)
@reuse_page
def exception_index(request):
    exceptions = coi_override_list(user=request.user)
    expert = request.GET.get("expert", "")
    if forms.whole(expert):
        exceptions = exceptions.filter(expert_id=int(expert))
    page = Paginator(exceptions, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "frontend/exceptions/index.html", {"exceptions": page, "page": page})


@role_required(*COORDINATOR)
@require_http_methods(["GET", "POST"])
def exception_revoke(request, pk: int):
    exception = get_object_or_404(coi_override_list(user=request.user), pk=pk)
    relying = list(exception.engagements.filter(status__in=HOLDING_STATUSES).select_related("expert", "municipality"))
    # The pins placing with the exception made: lifted by default (kept, every later run is infeasible).
    pins = list(PairDecision.objects.filter(
        expert_id=exception.expert_id, kind=DecisionKind.PIN, need__municipality_id=exception.municipality_id,
        need__fiscal_year=exception.fiscal_year).select_related("expert", "need__municipality").order_by("pk"))
    values = {"reason": forms.text(request.POST, "reason"),
              "end_engagements": forms.checkbox(request.POST, "end_engagements"),
              "lift_pins": forms.checkbox(request.POST, "lift_pins") if request.method == "POST" else True}
    context = {"exception": exception, "relying": relying, "pins": pins, "values": values, "errors": None}
    if request.method == "POST":
        _revoked, errors = forms.submit(CoiOverrideRevokeInputSerializer, values, lambda v: services.coi_override_revoke(
            actor=request.user, override=exception, reason=v["reason"], end_engagements=v["end_engagements"],
            lift_pins=v["lift_pins"]))
        if errors is None:
            messages.success(request, _("例外を取り消し、その固定を解除しました。") if pins and values["lift_pins"]
                             else _("例外を取り消しました。"))
            return redirect("frontend:exceptions")
        context["errors"] = errors
        return render(request, "frontend/exceptions/revoke.html", context, status=400)
    return render(request, "frontend/exceptions/revoke.html", context)
