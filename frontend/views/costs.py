"""What it costs (費用): the cost table of a fiscal year by each engagement's funding scheme on screen (万円) and as
Excel (円), the claim packs (年度末の交付税算定資料) of the year, and the prefecture's settings."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.core.fiscal import current_fiscal_year, default_fiscal_year, writable_fiscal_years
from backend.core.spreadsheet import XLSX
from backend.costs.exports import claim_file, cost_xlsx
from backend.costs.selectors import (
    claim_municipality,
    claim_pack,
    claim_packs,
    claim_scheme,
    cost_table,
    travel_uncounted_count,
)
from backend.costs.serializers import PrefectureSettingInputSerializer
from backend.costs.services import prefecture_setting_update
from backend.geo.selectors import prefecture_setting
from frontend import forms
from frontend.views.access import COORDINATOR, STAFF, role_required
from frontend.views.calendar import closed_days_context
from frontend.views.home import fiscal_year_param


def funding_register_url() -> str:
    """The register of funding schemes (its pages are the funding part's; the literal path until they exist)."""
    try:
        return reverse("frontend:funding-schemes")
    except NoReverseMatch:
        return "/funding/"


def percent(rate: Decimal) -> str:
    """0.500 -> '50', 0.125 -> '12.5'."""
    return f"{(Decimal(rate) * 100).normalize():f}"


def _years(fiscal_year: int) -> list[int]:
    now = current_fiscal_year()
    return sorted({*range(now - 2, now + 3), fiscal_year})


@role_required(*STAFF)
def cost_index(request):
    fiscal_year = fiscal_year_param(request)
    table = cost_table(user=request.user, fiscal_year=fiscal_year)
    return render(request, "frontend/costs/index.html", {
        "table": table, "fy": fiscal_year, "fiscal_years": _years(fiscal_year),
        "funding_url": funding_register_url(),
        "schemes": [(scheme, percent(scheme.rate)) for scheme in table.schemes],
        "travel_uncounted": travel_uncounted_count(user=request.user, fiscal_year=fiscal_year),
    })


@role_required(*STAFF)
def cost_claims(request):
    """The claim packs of the year: per municipality and grant-bearing scheme, its totals and the files."""
    fiscal_year = fiscal_year_param(request)
    return render(request, "frontend/costs/claims.html", {
        "packs": claim_packs(user=request.user, fiscal_year=fiscal_year), "fy": fiscal_year,
        "fiscal_years": _years(fiscal_year), "funding_url": funding_register_url()})


@role_required(*STAFF)
def cost_claim_file(request):
    """One claim pack as a file (?municipality=&scheme=&fy=&format=xlsx|csv)."""
    scheme_id, year = request.GET.get("scheme", ""), request.GET.get("fy", "")
    if not forms.whole(scheme_id) or not forms.whole(year) or not 2000 <= int(year) <= 2100:
        return HttpResponse(status=400)
    municipality = claim_municipality(user=request.user, code=request.GET.get("municipality", ""))
    scheme = claim_scheme(municipality=municipality, scheme_id=int(scheme_id))
    pack = claim_pack(user=request.user, municipality=municipality, scheme=scheme, fiscal_year=int(year))
    content, content_type, name = claim_file(pack, file="csv" if request.GET.get("format") == "csv" else "xlsx")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@role_required(*STAFF)
def cost_export(request):
    fiscal_year = fiscal_year_param(request)
    response = HttpResponse(cost_xlsx(cost_table(user=request.user, fiscal_year=fiscal_year)), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="kenmu-costs-{fiscal_year}.xlsx"'
    return response


@role_required(*COORDINATOR)
@require_http_methods(["GET", "POST"])
def setting_edit(request):
    prefecture_id = request.user.prefecture_id
    if not prefecture_id:
        raise PermissionDenied  # an administrator has no prefecture of their own to set
    setting = prefecture_setting(code=prefecture_id)
    values = {"travel_yen_per_km": setting.travel_yen_per_km, "matching_season": setting.matching_season or "",
              "confirmation_working_day": setting.confirmation_working_day,
              "offer_answer_days": setting.offer_answer_days}
    errors = None
    if request.method == "POST":
        values = {"travel_yen_per_km": forms.number_or_text(request.POST, "travel_yen_per_km"),
                  "matching_season": forms.number_or_text(request.POST, "matching_season"),
                  "confirmation_working_day": forms.number_or_text(request.POST, "confirmation_working_day"),
                  "offer_answer_days": forms.number_or_text(request.POST, "offer_answer_days")}
        # A field left empty is missing ("…を入力してください"), not a number written wrong; an empty season is
        # the default rule.
        data = {name: None if value == "" else value for name, value in values.items()
                if not (name in ("confirmation_working_day", "offer_answer_days") and value == "")}  # empty: unchanged
        _saved, errors = forms.submit(PrefectureSettingInputSerializer, data, lambda v: prefecture_setting_update(
            actor=request.user, prefecture_id=prefecture_id,
            data={"travel_yen_per_km": v["travel_yen_per_km"], "matching_season": v.get("matching_season"),
                  **({"confirmation_working_day": v["confirmation_working_day"]}
                     if v.get("confirmation_working_day") else {}),
                  **({"offer_answer_days": v["offer_answer_days"]} if v.get("offer_answer_days") else {})}))
        if errors is None:
            messages.success(request, _("設定を保存しました。"))
            return redirect("frontend:settings")
    return render(request, "frontend/costs/settings.html", {
        "values": values, "errors": errors, "seasons": list(writable_fiscal_years()),
        "funding_url": funding_register_url(),
        "rule_year": default_fiscal_year(), **closed_days_context(request)}, status=400 if errors else 200)
