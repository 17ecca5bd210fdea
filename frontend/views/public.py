"""The public yearly page of a prefecture (anonymous: no login, no menu) with its CSV, and the coordinator's page
that publishes a year or takes it down."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_safe

from backend.core.fiscal import current_fiscal_year, fiscal_year_label
from backend.public.exports import year_csv
from backend.public.selectors import (
    MUNICIPALITY_COUNTS,
    published_year,
    published_years_of,
    withheld,
    year_report,
    years_with_records,
)
from backend.public.serializers import PublishedYearInputSerializer, PublishedYearUnpublishSerializer
from backend.public.services import publishable_years, year_publish, year_unpublish
from frontend import forms
from frontend.views.access import COORDINATOR, post_acts, role_required

TOTALS = (("needs_posted", gettext_lazy("掲載したニーズ")), ("needs_filled", gettext_lazy("充足したニーズ")),
          ("municipalities_served", gettext_lazy("支援を受けた市区町村")),
          ("experts_engaged", gettext_lazy("任用・委託された専門人材")),
          ("days_confirmed", gettext_lazy("確認済みの活動日数")))
LABELS = {"fiscal_year": gettext_lazy("年度"), "show_expert_names": gettext_lazy("専門人材の氏名")}


def _published_or_404(code: str, year: int):
    published = published_year(code=code, fiscal_year=year)
    if published is None:
        raise Http404
    return published


def _count(value: int) -> str:
    return _("5未満") if withheld(value) else f"{value:,}"


@require_safe
def public_year(request, code: str, year: int):
    """Anyone may read it (no login); a year the prefecture has not published, or took down, is a 404."""
    report = year_report(_published_or_404(code, year))
    rows = [{"name": m.name, "counts": [_count(getattr(m, name)) for name in MUNICIPALITY_COUNTS]}
            for m in report.municipalities]
    # The year's totals follow the same rule: a total under 5 would give away the municipalities' withheld counts.
    totals = [(_count(getattr(report, name)), label) for name, label in TOTALS]
    return render(request, "frontend/public/year.html", {"report": report, "rows": rows, "totals": totals})


@require_safe
def public_year_csv(request, code: str, year: int):
    published = _published_or_404(code, year)
    response = HttpResponse(year_csv(year_report(published)), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="kenmu-public-{code}-{year}.csv"'
    return response


def _prefecture_of(request) -> str:
    if not request.user.prefecture_id:
        raise PermissionDenied  # an administrator has no prefecture of their own to publish
    return request.user.prefecture_id


@role_required(*COORDINATOR)
@require_safe
def public_settings(request):
    """Every fiscal year of the prefecture (those with needs or engagements, this one and the published ones),
    with whether it is published, its public URL and the choice of naming the experts."""
    code = _prefecture_of(request)
    published = published_years_of(code)
    now = current_fiscal_year()
    years = sorted({*years_with_records(code), now, *published} & set(publishable_years()), reverse=True)
    rows = []
    for year in years:
        row = published.get(year)
        rows.append({"fiscal_year": year, "label": fiscal_year_label(year),
                     "published": bool(row and row.is_published), "show_expert_names": bool(row and row.show_expert_names),
                     "url": request.build_absolute_uri(reverse("frontend:public-year", args=[code, year]))})
    return render(request, "frontend/public/settings.html", {"rows": rows})


@role_required(*COORDINATOR)
@post_acts("frontend:public-settings")
def public_settings_save(request):
    code = _prefecture_of(request)
    unpublish = request.POST.get("act") == "unpublish"
    data = {"fiscal_year": forms.number_or_text(request.POST, "fiscal_year"), "prefecture": code}
    if unpublish:
        done, errors = forms.submit(PublishedYearUnpublishSerializer, data, lambda v: year_unpublish(
            actor=request.user, prefecture=code, fiscal_year=v["fiscal_year"]), labels=LABELS)
    else:
        data["show_expert_names"] = request.POST.get("show_expert_names") == "on"
        done, errors = forms.submit(PublishedYearInputSerializer, data, lambda v: year_publish(
            actor=request.user, prefecture=code, fiscal_year=v["fiscal_year"],
            show_expert_names=v["show_expert_names"]), labels=LABELS)
    if errors:
        for _field, msgs in errors.items():
            for message in msgs:
                messages.error(request, message)
        return redirect("frontend:public-settings")
    label = fiscal_year_label(done.fiscal_year)
    if unpublish:
        messages.success(request, _("%(year)sの公開をやめました。公開ページは表示されなくなりました。") % {"year": label})
    elif done.show_expert_names:
        messages.success(request, _("%(year)sを公開しました（専門人材の氏名を含む）。") % {"year": label})
    else:
        messages.success(request, _("%(year)sを公開しました（専門人材の氏名は載せません）。") % {"year": label})
    return redirect(reverse("frontend:public-settings") + f"#fy-{done.fiscal_year}")
