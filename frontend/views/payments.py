"""What is owed (支払額): the month's amounts of each engagement, the fiscal year so far against the budget with
the warning given before it is exceeded, and the payment sheets a municipality downloads for its processing."""

import datetime as dt

from django.http import HttpResponse
from django.shortcuts import render
from django.utils import timezone

from backend.accounts.models import UserRole
from backend.core.fiscal import fiscal_year_of
from backend.payments.exports import sheet_file
from backend.payments.selectors import payment_sheet_rows, payment_year, sheet_municipality
from frontend import forms
from frontend.views.access import STAFF, role_required
from frontend.views.home import working_year_param

FISCAL_MONTHS = (4, 5, 6, 7, 8, 9, 10, 11, 12, 1, 2, 3)


def default_month(fiscal_year: int) -> int:
    """The month a clerk pays now: last month when it is in the year shown, else this month, else the year's
    first (a coming year) or last (a past one) month."""
    today = timezone.localdate()
    last_month = today.replace(day=1) - dt.timedelta(days=1)
    if fiscal_year_of(last_month) == fiscal_year:
        return last_month.month
    if fiscal_year_of(today) == fiscal_year:
        return today.month
    return 4 if fiscal_year > fiscal_year_of(today) else 3


def _month_param(request, fiscal_year: int) -> int:
    value = request.GET.get("month", "")
    return int(value) if forms.whole(value) and 1 <= int(value) <= 12 else default_month(fiscal_year)


@role_required(*STAFF)
def payment_index(request):
    fiscal_year = working_year_param(request)
    month = _month_param(request, fiscal_year)
    year = payment_year(user=request.user, fiscal_year=fiscal_year)
    coordinator = request.user.role != UserRole.MUNICIPAL
    chosen = request.GET.get("municipality", "") if coordinator else ""
    if chosen not in {m.code for m in year.municipalities}:
        chosen = ""
    engagements = [y for y in year.engagements if not chosen or y.engagement.municipality_id == chosen]
    return render(request, "frontend/payments/index.html", {
        "fy": fiscal_year, "month": month, "calendar_year": fiscal_year if month >= 4 else fiscal_year + 1,
        "months": FISCAL_MONTHS, "fiscal_years": sorted({fiscal_year - 1, fiscal_year, fiscal_year + 1}),
        "coordinator": coordinator, "chosen": chosen, "options": year.municipalities,
        "municipalities": [m for m in year.municipalities if not chosen or m.code == chosen],
        "engagements": engagements,
        "rows": [m for y in engagements for m in y.months if m.month == month],
    })


@role_required(*STAFF)
def payment_sheet(request):
    """A municipality's sheet for one month (?municipality=&year=&month=&file=xlsx|csv)."""
    values = {name: request.GET.get(name, "") for name in ("year", "month")}
    if not all(forms.whole(v) for v in values.values()) or not 1 <= int(values["month"]) <= 12 \
            or not 2000 <= int(values["year"]) <= 2101:
        return HttpResponse(status=400)
    year, month = int(values["year"]), int(values["month"])
    municipality = sheet_municipality(user=request.user, code=request.GET.get("municipality", ""))
    rows = payment_sheet_rows(user=request.user, municipality=municipality, year=year, month=month)
    content, content_type, name = sheet_file(rows, code=municipality.code, year=year, month=month,
                                             file="csv" if request.GET.get("file") == "csv" else "xlsx")
    response = HttpResponse(content, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response
