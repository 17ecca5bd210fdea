"""What it costs (費用): the cost table of a fiscal year on screen (万円) and as Excel (円), and the
prefecture's settings the figures use."""

from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.core.fiscal import current_fiscal_year, default_fiscal_year, writable_fiscal_years
from backend.costs.exports import cost_xlsx
from backend.costs.selectors import cost_table, travel_uncounted_count
from backend.costs.serializers import PrefectureSettingInputSerializer
from backend.costs.services import prefecture_setting_update
from backend.geo.selectors import prefecture_setting
from frontend import forms
from frontend.views.access import COORDINATOR, STAFF, role_required
from frontend.views.calendar import closed_days_context
from frontend.views.home import fiscal_year_param

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def percent(rate: Decimal) -> str:
    """0.500 -> '50', 0.125 -> '12.5'."""
    return f"{(Decimal(rate) * 100).normalize():f}"


@role_required(*STAFF)
def cost_index(request):
    fiscal_year = fiscal_year_param(request)
    now = current_fiscal_year()
    table = cost_table(user=request.user, fiscal_year=fiscal_year)
    return render(request, "frontend/costs/index.html", {
        "table": table, "fy": fiscal_year, "fiscal_years": sorted({*range(now - 2, now + 3), fiscal_year}),
        "rates": [(code, percent(rate)) for code, rate in sorted(table.rates.items())],
        "travel_uncounted": travel_uncounted_count(user=request.user, fiscal_year=fiscal_year),
    })


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
    values = {"special_grant_percent": percent(setting.special_grant_rate),
              "travel_yen_per_km": setting.travel_yen_per_km, "matching_season": setting.matching_season or "",
              "confirmation_working_day": setting.confirmation_working_day}
    errors = None
    if request.method == "POST":
        values = {"special_grant_percent": forms.text(request.POST, "special_grant_percent"),
                  "travel_yen_per_km": forms.number_or_text(request.POST, "travel_yen_per_km"),
                  "matching_season": forms.number_or_text(request.POST, "matching_season"),
                  "confirmation_working_day": forms.number_or_text(request.POST, "confirmation_working_day")}
        # A field left empty is missing ("…を入力してください"), not a number written wrong; an empty season is
        # the default rule.
        data = {name: None if value == "" else value for name, value in values.items()
                if not (name == "confirmation_working_day" and value == "")}  # left empty: unchanged
        _saved, errors = forms.submit(PrefectureSettingInputSerializer, data, lambda v: prefecture_setting_update(
            actor=request.user, prefecture_id=prefecture_id,
            data={"special_grant_rate": v["special_grant_percent"] / Decimal(100),
                  "travel_yen_per_km": v["travel_yen_per_km"], "matching_season": v.get("matching_season"),
                  **({"confirmation_working_day": v["confirmation_working_day"]}
                     if v.get("confirmation_working_day") else {})}))
        if errors is None:
            messages.success(request, _("設定を保存しました。費用の見込みは新しい措置率で計算されます。"))
            return redirect("frontend:settings")
    return render(request, "frontend/costs/settings.html", {
        "values": values, "errors": errors, "seasons": list(writable_fiscal_years()),
        "rule_year": default_fiscal_year(), **closed_days_context(request)}, status=400 if errors else 200)
