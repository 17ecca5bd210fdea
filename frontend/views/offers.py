"""Offers' answer deadlines and the reasons they were declined (issue 25): the coordinator changes an offer's
deadline from the engagement's page, and reads the year's declines and lapses by reason."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import UserRole
from backend.core.fiscal import current_fiscal_year, era_date
from backend.engagements import declines, services
from backend.engagements.models import EngagementStatus
from backend.engagements.selectors import engagement_list
from backend.engagements.serializers import DeadlineInputSerializer
from frontend import forms
from frontend.views.access import COORDINATOR, post_acts, role_required, to
from frontend.views.home import fiscal_year_param

DEADLINE_LABELS = {"answer_by": gettext_lazy("回答期限")}


def deadline_context(request, engagement) -> dict:
    """The 「回答期限」 section of an engagement's page: the deadline while it is offered, and the coordinator's
    form to change it."""
    offered = engagement.status == EngagementStatus.OFFERED
    return {"deadline_shown": offered and engagement.answer_by is not None,
            "may_set_deadline": offered and request.user.role == UserRole.COORDINATOR,
            "deadline_today": timezone.localdate()}


@role_required(*COORDINATOR)
@post_acts(to("frontend:engagement"))
def engagement_deadline(request, pk: int):
    """The coordinator changes an offer's answer deadline (backend.engagements.services.engagement_deadline_set)."""
    engagement = get_object_or_404(engagement_list(user=request.user), pk=pk)
    back = redirect(f"{reverse('frontend:engagement', args=[engagement.pk])}#h-deadline")
    _done, errors = forms.submit(DeadlineInputSerializer, {"answer_by": forms.text(request.POST, "answer_by")},
                                 lambda v: services.engagement_deadline_set(actor=request.user, engagement=engagement,
                                                                            answer_by=v["answer_by"]),
                                 labels=DEADLINE_LABELS)
    if errors is None:
        engagement.refresh_from_db(fields=["answer_by"])
        messages.success(request, _("回答期限を%(day)sに変更しました。市区町村と専門人材に通知しました。")
                         % {"day": era_date(engagement.answer_by)})
    else:
        for message in [m for msgs in errors.by_field.values() for m in msgs]:
            messages.error(request, message)
    return back


@role_required(*COORDINATOR)
def offer_declines(request):
    """The year's declined and lapsed offers: a count per reason and side, then the list (Excel or CSV too)."""
    year = fiscal_year_param(request)
    rows = declines.declines_of_year(user=request.user, fiscal_year=year)
    file = request.GET.get("file", "")
    if file in ("xlsx", "csv"):
        content, content_type, name = declines.declines_file(rows, fiscal_year=year, file=file)
        response = HttpResponse(content, content_type=content_type)
        response["Content-Disposition"] = f'attachment; filename="{name}"'
        return response
    now = current_fiscal_year()
    return render(request, "frontend/offers/declines.html", {
        "fiscal_year": year, "years": sorted({*range(now - 2, now + 2), year}), "rows": rows,
        "by_reason": declines.declines_by_reason(rows), "sides": declines.SIDES, "codes": declines.CODE_LABELS,
        "total": len(rows)})
