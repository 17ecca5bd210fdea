"""The vendor register for coordinators: each entry with its 法人番号, its edit, retire and merge, and the pairs
that look like one vendor (issue 21: one vendor, one identity)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.core.errors import DomainError
from backend.procurement.selectors import (
    vendor_can_change,
    vendor_duplicate_list,
    vendor_list,
    vendor_pickable,
)
from backend.procurement.serializers import VendorInputSerializer
from backend.procurement.services import (
    vendor_create,
    vendor_duplicate_dismiss,
    vendor_merge,
    vendor_retire,
    vendor_update,
)
from frontend import forms
from frontend.views.access import COORDINATOR, post_acts, role_required, to


@role_required(*COORDINATOR)
@require_http_methods(["GET", "POST"])
def vendor_index(request):
    """Every entry (retired ones marked, not hidden: history names them), searchable by name or number, the open
    duplicate listings of the coordinator's prefecture, each with 統合 and 別の事業者, and the form that registers
    a vendor with its 法人番号."""
    values, errors, status = {}, None, 200
    if request.method == "POST":
        values = {"name": forms.text(request.POST, "name"),
                  "corporate_number": forms.text(request.POST, "corporate_number")}
        vendor, errors = forms.submit(VendorInputSerializer, values, labels=forms.VENDOR_LABELS,
                                      action=lambda v: vendor_create(actor=request.user, data=v))
        if errors is None:
            messages.success(request, _("事業者「%(name)s」を登録しました。") % {"name": vendor.name})
            return redirect("frontend:vendor", pk=vendor.pk)
        status = 400
    query = request.GET.get("q", "").strip()[:200]
    vendors = vendor_list(user=request.user)
    if query:
        vendors = vendors.filter(name__icontains=query) | vendors.filter(corporate_number=query)
    return render(request, "frontend/vendors/index.html", {
        "vendors": vendors[:500], "query": query, "duplicates": vendor_duplicate_list(user=request.user),
        "values": values, "errors": errors}, status=status)


def _check_keeps(request, vendor) -> None:
    """A first gate (the service decides too): another prefecture's vendor is read here, not changed (403)."""
    if not vendor_can_change(user=request.user, vendor=vendor):
        raise PermissionDenied


def _detail(request, vendor, *, values=None, errors=None, status=200):
    return render(request, "frontend/vendors/detail.html", {
        "vendor": vendor, "values": values or {"name": vendor.name, "corporate_number": vendor.corporate_number or ""},
        "errors": errors, "can_change": vendor_can_change(user=request.user, vendor=vendor),
        "survivors": vendor_pickable(user=request.user).exclude(pk=vendor.pk),
        "affiliation_count": vendor.affiliations.count(), "procurement_count": vendor.procurements.count(),
    }, status=status)


@role_required(*COORDINATOR)
@require_http_methods(["GET", "POST"])
def vendor_detail(request, pk: int):
    """The entry, and (for the coordinators who keep it) its edit: name and 法人番号."""
    vendor = get_object_or_404(vendor_list(user=request.user), pk=pk)
    if request.method == "GET":
        return _detail(request, vendor)
    _check_keeps(request, vendor)
    data = {"name": forms.text(request.POST, "name"), "corporate_number": forms.text(request.POST, "corporate_number")}
    updated, errors = forms.submit(VendorInputSerializer, data, labels=forms.VENDOR_LABELS,
                                   action=lambda v: vendor_update(actor=request.user, vendor=vendor, data=v))
    if errors is None:
        messages.success(request, _("事業者「%(name)s」を保存しました。") % {"name": updated.name})
        return redirect("frontend:vendor", pk=vendor.pk)
    return _detail(request, vendor, values=data, errors=errors, status=400)


@role_required(*COORDINATOR)
@post_acts(to("frontend:vendor"))
def vendor_merge_view(request, pk: int):
    """Merge this entry (the duplicate) into the survivor chosen on its page or on a duplicate listing."""
    absorbed = get_object_or_404(vendor_list(user=request.user), pk=pk)
    _check_keeps(request, absorbed)
    survivor = vendor_list(user=request.user).filter(pk=forms.row_id(request.POST, "survivor")).first()
    errors = forms.FormErrors()
    if survivor is None:
        errors.add("survivor", _("統合先の事業者を選んでください。"))
        return _detail(request, absorbed, errors=errors, status=400)
    try:
        vendor_merge(actor=request.user, survivor=survivor, absorbed=absorbed, reason=forms.text(request.POST, "reason"))
    except DomainError as exc:
        return _detail(request, absorbed, errors=forms.errors_from_domain(exc, forms.VENDOR_LABELS), status=400)
    messages.success(request, _("事業者「%(absorbed)s」を「%(survivor)s」に統合しました。所属・受託・入札参加制限は統合先に移りました。")
                     % {"absorbed": absorbed.name, "survivor": survivor.name})
    return redirect("frontend:vendor", pk=survivor.pk)


@role_required(*COORDINATOR)
@post_acts(to("frontend:vendor"))
def vendor_retire_view(request, pk: int):
    vendor = get_object_or_404(vendor_list(user=request.user), pk=pk)
    _check_keeps(request, vendor)
    try:
        vendor_retire(actor=request.user, vendor=vendor, reason=forms.text(request.POST, "reason"))
    except DomainError as exc:
        return _detail(request, vendor, errors=forms.errors_from_domain(exc, forms.VENDOR_LABELS), status=400)
    messages.success(request, _("事業者「%(name)s」を廃止しました。今後は選択肢に表示されません。") % {"name": vendor.name})
    return redirect("frontend:vendor", pk=vendor.pk)


@role_required(*COORDINATOR)
@post_acts("frontend:vendors")
def vendor_duplicate_dismiss_view(request, pk: int):
    duplicate = get_object_or_404(vendor_duplicate_list(user=request.user), pk=pk)
    try:
        vendor_duplicate_dismiss(actor=request.user, duplicate=duplicate, reason=forms.text(request.POST, "reason"))
    except DomainError as exc:
        forms.flash_problems(request, exc)
        return redirect("frontend:vendors")
    messages.success(request, _("「%(first)s」と「%(second)s」は別の事業者として、重複の疑いの一覧から外しました。")
                     % {"first": duplicate.first.name, "second": duplicate.second.name})
    return redirect("frontend:vendors")
