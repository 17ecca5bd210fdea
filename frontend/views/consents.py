"""Consents to joint runs (広域連携): a coordinator grants or revokes their prefecture's consent that a
neighbour includes it in the neighbour's match runs, and sees the consents their prefecture received."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.core.errors import DomainError
from backend.geo.models import Prefecture
from backend.runs import services
from backend.runs.selectors import scope_consent_list
from backend.runs.serializers import ScopeConsentInputSerializer
from frontend import forms, selectors
from frontend.templatetags.kenmu import fy
from frontend.views.access import COORDINATOR, post_acts, role_required


def _context(request, values: dict, errors) -> dict:
    consents = scope_consent_list(user=request.user).order_by("-fiscal_year", "grantor_id", "grantee_id")
    mine = request.user.prefecture_id
    return {
        "given": [c for c in consents if c.grantor_id == mine],
        "received": [c for c in consents if c.grantee_id == mine],
        "prefectures": Prefecture.objects.exclude(code=mine).order_by("code"),
        "fiscal_years": selectors.fiscal_year_choices(user=request.user),
        "values": values, "errors": errors,
    }


@role_required(*COORDINATOR)
@require_http_methods(["GET", "POST"])
def consent_index(request):
    if request.method == "GET":
        values = {"fiscal_year": selectors.default_fiscal_year(user=request.user)}
        return render(request, "frontend/consents.html", _context(request, values, None))
    data = {"grantee": forms.text(request.POST, "grantee"), "fiscal_year": forms.number_or_text(request.POST, "fiscal_year"),
            "note": forms.text(request.POST, "note")}
    consent, errors = forms.submit(ScopeConsentInputSerializer, data, lambda v: services.scope_consent_grant(
        actor=request.user, grantee=v["grantee"], fiscal_year=v["fiscal_year"], note=v["note"]))
    if errors is None:
        messages.success(request, _("%(name)sが合同でマッチングを実行することに同意しました。") % {"name": consent.grantee.name})
        return redirect("frontend:consents")
    return render(request, "frontend/consents.html", _context(request, data, errors), status=400)


@role_required(*COORDINATOR)
@post_acts("frontend:consents")
def consent_revoke(request, pk: int):
    consent = get_object_or_404(scope_consent_list(user=request.user), pk=pk)
    if request.POST.get("confirmed") != "1":
        return render(request, "frontend/confirm.html", {
            "title": _("同意の撤回の確認"),
            "question": _("%(name)sへの%(fy)sの同意を撤回しますか") % {"name": consent.grantee.name,
                                                              "fy": fy(consent.fiscal_year)},
            "consequence": _("撤回すると、%(name)sはこの年度の合同マッチングに貴県を含められなくなります。"
                             "すでに実行した結果と承認済みの任用はそのまま残ります。") % {"name": consent.grantee.name},
            "action": reverse("frontend:consent-revoke", args=[consent.pk]), "confirm_label": _("撤回する"),
            "back": reverse("frontend:consents")})
    try:
        services.scope_consent_revoke(actor=request.user, consent=consent)
    except DomainError as exc:
        forms.flash_problems(request, exc)
        return redirect("frontend:consents")
    messages.success(request, _("%(name)sへの同意を撤回しました。以後の合同実行には新たな同意が必要です。")
                     % {"name": consent.grantee.name})
    return redirect("frontend:consents")
