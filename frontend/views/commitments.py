"""Commitments elsewhere (他の業務): the expert declares, changes and removes the days and weekdays they have
committed outside this prefecture's pool on their profile; the coordinator reads them on the expert's page
(backend.experts.commitments)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from backend.core.errors import DomainError
from backend.experts import commitments as services
from backend.experts.errors import ErrorCode
from backend.experts.models import ExternalCommitment
from backend.experts.selectors import expert_list
from frontend import forms
from frontend.views.access import EXPERT, post_acts, role_required
from frontend.views.commitment_parts import commitments_context
from frontend.views.experts import _profile_context


def _data(post) -> dict:
    return {"fiscal_year": forms.number_or_text(post, "fiscal_year"), "kind": forms.text(post, "kind"),
            "days_per_year": forms.number_or_text(post, "days_per_year"),
            "weekdays": post.getlist("weekdays"), "note": forms.text(post, "note")}


def _save(request, *, commitment=None):
    expert = get_object_or_404(expert_list(user=request.user), pk=request.user.expert_id)
    data = _data(request.POST)
    try:
        if not isinstance(data["fiscal_year"], int):
            raise DomainError.single("fiscal_year", ErrorCode.INVALID, _("年度を選んでください。"))
        services.commitment_set(actor=request.user, expert=expert, commitment=commitment, **data)
    except DomainError as exc:
        context = {**_profile_context(request, expert),
                   **commitments_context(request, expert, values=data, errors=forms.errors_from_domain(exc),
                                         editing=commitment.pk if commitment else None)}
        return render(request, "frontend/experts/me.html", context, status=400)
    messages.success(request, _("他の業務の申告を保存しました。"))
    return redirect(f"{reverse('frontend:me')}#commitments")


def _own(request, pk: int) -> ExternalCommitment:
    return get_object_or_404(ExternalCommitment.objects.filter(expert_id=request.user.expert_id), pk=pk)


@role_required(*EXPERT)
@post_acts("frontend:me")
def commitment_add(request):
    return _save(request)


@role_required(*EXPERT)
@post_acts("frontend:me")
def commitment_change(request, pk: int):
    return _save(request, commitment=_own(request, pk))


@role_required(*EXPERT)
@post_acts("frontend:me")
def commitment_remove(request, pk: int):
    commitment = _own(request, pk)
    try:
        services.commitment_remove(actor=request.user, commitment=commitment)
        messages.success(request, _("他の業務の申告を削除しました。"))
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return redirect("frontend:me")
