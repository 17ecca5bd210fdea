"""Renewals (継続): the coordinator prepares next year's needs from this year's active engagements; the
municipality's staff confirm, edit (the need form) or drop each one."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from backend.accounts.models import UserRole
from backend.core.errors import DomainError
from backend.core.fiscal import current_fiscal_year, fiscal_year_label
from backend.needs.models import NeedStatus
from backend.needs.services import need_renewal_confirm, need_renewal_drop
from backend.renewals.selectors import CONTINUE, DROP, renewal_default, renewal_evaluations, renewal_list
from backend.renewals.serializers import RenewalPrepareInputSerializer
from backend.renewals.services import renewal_prepare
from frontend import forms, selectors
from frontend.views.access import COORDINATOR, MUNICIPAL, STAFF, post_acts, role_required


def _target_year(request, value: str) -> int:
    """The year the renewals page shows: the one asked, else the user's default year (the prefecture's season,
    or the coming fiscal year from October), the one every other page starts on."""
    return int(value) if forms.whole(value) and 2001 <= int(value) <= 2100 else selectors.default_fiscal_year(
        user=request.user)


def _back(fiscal_year: int):
    return redirect(f"{reverse('frontend:renewals')}?fy={fiscal_year}")


@role_required(*STAFF)
def renewal_index(request):
    fiscal_year = _target_year(request, request.GET.get("fy", ""))
    now = current_fiscal_year()
    renewals = list(renewal_list(user=request.user, fiscal_year=fiscal_year))
    evaluations = renewal_evaluations(renewals)
    return render(request, "frontend/renewals/index.html", {
        "renewals": renewals, "fy": fiscal_year,
        # The last evaluation at that municipality, and the answer it proposes (the first, highlighted button).
        "evaluations": evaluations, "defaults": {pk: renewal_default(e) for pk, e in evaluations.items()},
        "continue": CONTINUE, "drop": DROP,
        "previous_fy": fiscal_year - 1, "fiscal_years": sorted({*range(now - 1, now + 4), fiscal_year}),
        "status_labels": dict(NeedStatus.choices), "pending": NeedStatus.RENEWAL,
        # The coordinator prepares, the municipality's staff decide: each sees only their own buttons.
        "by_coordinator": request.user.role == UserRole.COORDINATOR,
        "by_municipal_staff": request.user.role == UserRole.MUNICIPAL,
    })


@role_required(*COORDINATOR)
@post_acts("frontend:renewals")
def renewal_prepare_view(request):
    validated, errors = forms.validate(RenewalPrepareInputSerializer,
                                       {"fiscal_year": forms.number_or_text(request.POST, "fiscal_year")})
    if validated is None:  # a year outside the current one −1 … +3, named in the message
        for message in (m for msgs in errors.by_field.values() for m in msgs):
            messages.error(request, message)
        return _back(selectors.default_fiscal_year(user=request.user))
    fiscal_year = validated["fiscal_year"]
    try:
        prepared = renewal_prepare(actor=request.user, prefecture_id=request.user.prefecture_id,
                                   fiscal_year=fiscal_year)
    except DomainError as exc:
        forms.flash_problems(request, exc)
        return _back(fiscal_year)
    messages.success(request, _prepared_message(prepared, fiscal_year))
    return _back(fiscal_year)


def _prepared_message(prepared, fiscal_year: int) -> str:
    """What the preparation did, without "0件" where nothing was done."""
    names = {"fy": fiscal_year_label(fiscal_year), "previous": fiscal_year_label(fiscal_year - 1),
             "n": len(prepared.created), "m": prepared.already}
    if prepared.created and prepared.already:
        return _("%(fy)sの継続ニーズを%(n)s件作成しました（作成済みのもの%(m)s件はそのままです）。"
                 "市区町村の確認を待ちます。") % names
    if prepared.created:
        return _("%(fy)sの継続ニーズを%(n)s件作成しました。市区町村の確認を待ちます。") % names
    if prepared.already:
        return _("%(fy)sの継続ニーズは作成済みです（%(m)s件）。新しく作成したものはありません。") % names
    return _("%(previous)sに稼働中の任用・委託がないため、%(fy)sの継続ニーズは作成しませんでした。") % names


@role_required(*MUNICIPAL)
@post_acts("frontend:renewals")
def renewal_confirm_view(request, pk: int):
    need = get_object_or_404(renewal_list(user=request.user), pk=pk)
    try:
        need_renewal_confirm(actor=request.user, need=need)
        messages.success(request, _("「%(need)s」の継続を確認しました。募集中になり、次のマッチングの対象になります。")
                         % {"need": need.title or need.get_role_display()})
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return _back(need.fiscal_year)


@role_required(*MUNICIPAL)
@post_acts("frontend:renewals")
def renewal_drop_view(request, pk: int):
    need = get_object_or_404(renewal_list(user=request.user), pk=pk)
    if request.POST.get("confirmed") != "1":
        return render(request, "frontend/confirm.html", {
            "title": _("継続の取りやめの確認"),
            "question": _("「%(need)s」を継続しませんか") % {"need": need.title or need.get_role_display()},
            "consequence": _("取りやめたニーズは「継続取りやめ」になり、マッチングの対象になりません。あとで「再開」すると募集中に戻ります。"),
            "action": reverse("frontend:renewal-drop", args=[need.pk]), "confirm_label": _("継続しない"),
            "back": f"{reverse('frontend:renewals')}?fy={need.fiscal_year}"})
    try:
        need_renewal_drop(actor=request.user, need=need)
        messages.success(request, _("「%(need)s」の継続を取りやめました。") % {"need": need.title or need.get_role_display()})
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return _back(need.fiscal_year)
