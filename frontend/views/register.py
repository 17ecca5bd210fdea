"""The restriction register (入札参加制限) with CSV/Excel export, and the Excel/CSV import of experts and needs."""

import datetime as dt

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from backend.core.api import BilingualValidationError
from backend.core.imports import SPECS, import_upload, template_csv, template_xlsx
from backend.procurement.selectors import vendor_list
from backend.runs.exports import restrictions_csv, restrictions_xlsx
from backend.runs.selectors import restriction_list
from frontend import forms
from frontend.views.access import COORDINATOR, STAFF, role_required

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _date(text: str) -> dt.date | None:
    try:
        return dt.date.fromisoformat(text) if text else None
    except ValueError:
        return None


@role_required(*STAFF)
def restriction_index(request):
    vendor = request.GET.get("vendor", "")
    on = _date(request.GET.get("on", ""))
    rows = restriction_list(user=request.user, vendor=int(vendor) if vendor.isdigit() else None, on=on)
    export = request.GET.get("format")
    stamp = dt.date.today().strftime("%Y%m%d")
    if export == "csv":
        response = HttpResponse(restrictions_csv(rows), content_type="text/csv; charset=utf-8")
        response["Content-Disposition"] = f'attachment; filename="kenmu-restrictions-{stamp}.csv"'
        return response
    if export == "xlsx":
        response = HttpResponse(restrictions_xlsx(rows), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="kenmu-restrictions-{stamp}.xlsx"'
        return response
    return render(request, "frontend/restrictions.html", {
        "rows": rows, "vendors": vendor_list(user=request.user), "vendor": vendor,
        "on": on.isoformat() if on else "", "query": request.GET.urlencode(),
    })


@role_required(*COORDINATOR)
@require_http_methods(["GET", "POST"])
def import_view(request):
    """Upload .xlsx/.csv; every row is validated and nothing is written unless all rows are valid."""
    kind = request.POST.get("kind") or request.GET.get("kind") or "experts"
    kind = kind if kind in SPECS else "experts"
    context = {"kind": kind, "row_errors": [],
               "created": None, "errors": None}
    if request.method == "POST":
        upload = request.FILES.get("file")
        try:
            if upload is None:
                raise BilingualValidationError([{"field": "file", "code": "required", "ja": "ファイルを選んでください。",
                                                 "en": "Choose a file."}])
            created = import_upload(spec=SPECS[kind](), user=request.user, upload=upload)
            context["created"] = len(created)
        except BilingualValidationError as exc:
            context["errors"] = forms.errors_from_list([e for e in exc.errors if e.get("row") is None])
            lang = "en" if request.LANGUAGE_CODE.startswith("en") else "ja"
            context["row_errors"] = [{"row": e["row"], "column": e.get("column") or e["field"],
                                      "message": e[lang]} for e in exc.errors if e.get("row") is not None]
            return render(request, "frontend/import.html", context, status=400)
    return render(request, "frontend/import.html", context)


@role_required(*COORDINATOR)
def import_template(request, kind: str, file: str):
    if kind not in SPECS or file not in ("xlsx", "csv"):
        raise Http404
    spec = SPECS[kind]()
    if file == "csv":
        response = HttpResponse(template_csv(spec), content_type="text/csv; charset=utf-8")
    else:
        response = HttpResponse(template_xlsx(spec), content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="kenmu-{kind}-template.{file}"'
    return response


@role_required(*COORDINATOR)
def audit_index(request):
    """The audit log of the coordinator's prefecture: who changed what, when, before and after."""
    from django.core.paginator import Paginator

    from backend.runs.selectors import audit_log_list

    page = Paginator(audit_log_list(user=request.user), 50).get_page(request.GET.get("page"))
    return render(request, "frontend/audit.html", {"page": page, "nav": "audit"})
