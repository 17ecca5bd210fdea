"""Procurements (調達) with their incumbent vendors, and the shared vendor register."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.accounts.models import UserRole
from backend.core.choices import ProcurementCategory, ProcurementStatus
from backend.core.reuse import reuse_page
from backend.procurement.selectors import procurement_can_change, procurement_list, vendor_pickable
from backend.procurement.serializers import ProcurementInputSerializer, VendorInputSerializer
from backend.procurement.services import procurement_create, procurement_update, vendor_create
from frontend import forms, selectors
from frontend.views.access import MUNICIPAL, STAFF, post_acts, role_required


def _context(request, values, errors, procurement=None, vendor_values=None, vendor_errors=None) -> dict:
    return {
        "procurements": procurement_list(user=request.user),
        "procurement": procurement,
        "values": values, "errors": errors,
        "vendor_values": vendor_values or {}, "vendor_errors": vendor_errors,
        "vendors": vendor_pickable(user=request.user, keep=[values.get("incumbent_vendor") or ""]),
        "categories": ProcurementCategory.choices, "statuses": ProcurementStatus.choices,
        "fiscal_years": selectors.fiscal_year_choices(user=request.user,
                                                      keep=procurement.fiscal_year if procurement else None),
        "can_create": request.user.role == UserRole.MUNICIPAL,
    }


def _initial(request, procurement=None) -> dict:
    if procurement is None:
        return {"fiscal_year": selectors.default_fiscal_year(user=request.user), "status": "ongoing"}
    return {"title": procurement.title, "category": procurement.category, "status": procurement.status,
            "incumbent_vendor": str(procurement.incumbent_vendor_id or ""), "fiscal_year": procurement.fiscal_year}


def _data(post) -> dict:
    return {"title": forms.text(post, "title"), "category": forms.text(post, "category"),
            "status": forms.text(post, "status"), "incumbent_vendor": forms.text(post, "incumbent_vendor") or None,
            "fiscal_year": forms.number_or_text(post, "fiscal_year")}


def _warn(request, procurement) -> None:
    """What the save found for the clerk: a planned procurement naming a vendor under a bid restriction there."""
    for warning in getattr(procurement, "warnings", []):
        messages.warning(request, warning["message"])


@role_required(*STAFF)
@require_http_methods(["GET", "POST"])
@reuse_page
def procurement_index(request):
    """The list, and (for municipal staff) the form that registers a new procurement."""
    if request.method == "GET":
        return render(request, "frontend/procurements/index.html", _context(request, _initial(request), None))
    if request.user.role != UserRole.MUNICIPAL:
        raise PermissionDenied
    data = _data(request.POST)
    created, errors = forms.submit(ProcurementInputSerializer, data, lambda v: procurement_create(actor=request.user, data=v))
    if errors is None:
        messages.success(request, _("調達「%(title)s」を登録しました。") % {"title": created.title})
        _warn(request, created)
        return redirect("frontend:procurements")
    return render(request, "frontend/procurements/index.html", _context(request, data, errors), status=400)


@role_required(*MUNICIPAL)
@require_http_methods(["GET", "POST"])
def procurement_edit(request, pk: int):
    procurement = get_object_or_404(procurement_list(user=request.user), pk=pk)
    if not procurement_can_change(user=request.user, procurement=procurement):
        raise PermissionDenied
    if request.method == "GET":
        return render(request, "frontend/procurements/edit.html",
                      _context(request, _initial(request, procurement), None, procurement))
    data = _data(request.POST)
    updated, errors = forms.submit(ProcurementInputSerializer, data, partial=True, instance=procurement,
                             action=lambda v: procurement_update(actor=request.user, procurement=procurement, data=v))
    if errors is None:
        messages.success(request, _("調達「%(title)s」を保存しました。") % {"title": updated.title})
        _warn(request, updated)
        return redirect("frontend:procurements")
    return render(request, "frontend/procurements/edit.html", _context(request, data, errors, procurement),
                  status=400)


@role_required(*STAFF)
@post_acts("frontend:procurements")
def vendor_new(request):
    """Register a vendor (事業者) so it can be named as an incumbent or an expert's affiliation."""
    data = {"name": forms.text(request.POST, "name"),
            "corporate_number": forms.text(request.POST, "corporate_number") or None}
    vendor, errors = forms.submit(VendorInputSerializer, data, lambda v: vendor_create(actor=request.user, data=v),
                                  labels=forms.VENDOR_LABELS)
    if errors is None:
        messages.success(request, _("事業者「%(name)s」を登録しました。") % {"name": vendor.name})
        return redirect("frontend:procurements")
    context = _context(request, _initial(request), None, vendor_values=data, vendor_errors=errors)
    return render(request, "frontend/procurements/index.html", context, status=400)
