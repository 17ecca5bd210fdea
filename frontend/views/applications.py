"""Expert applications: the public page where an expert applies to a prefecture's pool (no account,
limited per address), and the coordinator's review (counts, accept, decline with a reason)."""

from datetime import date

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.accounts.lockout import client_ip_address
from backend.applications.selectors import expert_application_counts, expert_application_list
from backend.applications.serializers import ExpertApplicationInputSerializer
from backend.applications.services import (
    expert_application_accept,
    expert_application_decline,
    expert_application_submit,
)
from backend.core.choices import AffiliationRelation, EmploymentForm, Skill, Weekday
from backend.core.errors import DomainError
from backend.core.ratelimit import rate_limit_hit
from backend.experts.models import ApplicationStatus
from backend.geo.models import Prefecture
from backend.procurement.models import Vendor
from backend.procurement.selectors import vendor_pickable
from frontend import forms
from frontend.views import PAGE_SIZE
from frontend.views.access import COORDINATOR, post_acts, role_required, to

AFFILIATION_ROWS = 3


def apply_index(request):
    return render(request, "frontend/applications/choose.html", {"prefectures": Prefecture.objects.order_by("code")})


def _application_data(post) -> dict:
    affiliations = []
    for index in range(AFFILIATION_ROWS):
        name = forms.text(post, f"aff-{index}-vendor_name")
        if name:
            affiliations.append({"vendor_name": name, "relation": forms.text(post, f"aff-{index}-relation"),
                                 "ended_on": forms.text(post, f"aff-{index}-ended_on") or None})
    return {"name": forms.text(post, "name"), "name_kana": forms.text(post, "name_kana"),
            "email": forms.text(post, "email"), "phone": forms.text(post, "phone"),
            "skills": forms.skill_levels(post, "skill_"), "capacity_days": forms.number_or_text(post, "capacity_days"),
            "weekdays": post.getlist("weekdays"), "daily_rate": forms.number_or_text(post, "daily_rate"),
            "home_municipality": forms.municipality(post, "home_municipality"),
            "employment_forms": post.getlist("employment_forms"), "affiliations": affiliations,
            "pledge": forms.checkbox(post, "pledge")}


def _apply_context(prefecture, values, errors) -> dict:
    rows = list(values.get("affiliations", []))
    rows += [{}] * (AFFILIATION_ROWS - len(rows))
    return {"prefecture": prefecture, "values": values, "errors": errors, "affiliation_rows": rows,
            "skill_rows": [(v, label, values.get("skills", {}).get(v, "")) for v, label in Skill.choices],
            "weekday_choices": Weekday.choices, "form_choices": EmploymentForm.choices,
            "relations": AffiliationRelation.choices}


@require_http_methods(["GET", "POST"])
def apply_form(request, code: str):
    prefecture = get_object_or_404(Prefecture, code=code)
    if request.method == "GET":
        return render(request, "frontend/applications/apply.html",
                      _apply_context(prefecture, {"weekdays": [], "employment_forms": []}, None))
    if rate_limit_hit(scope="expert-application", client=client_ip_address(request),
                      limit=settings.KENMU_APPLICATIONS_PER_HOUR, window_s=3600):
        return render(request, "frontend/applications/too_many.html", {"prefecture": prefecture}, status=429)
    data = _application_data(request.POST)
    language = "en" if (get_language() or "ja").startswith("en") else "ja"
    _saved, errors = forms.submit(ExpertApplicationInputSerializer, data, lambda valid: expert_application_submit(
        prefecture=prefecture, data=valid, language=language))
    if errors is None:
        messages.success(request, _("応募を受け付けました。"))
        return render(request, "frontend/applications/thanks.html", {"prefecture": prefecture})
    return render(request, "frontend/applications/apply.html", _apply_context(prefecture, data, errors), status=400)


@role_required(*COORDINATOR)
def application_index(request):
    status = request.GET.get("status", ApplicationStatus.PENDING)
    applications = expert_application_list(user=request.user)
    if status in ApplicationStatus.values:
        applications = applications.filter(status=status)
    page = Paginator(applications, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "frontend/applications/index.html", {
        "applications": page, "page": page, "status": status, "statuses": ApplicationStatus.choices,
        "counts": expert_application_counts(user=request.user), "status_labels": dict(ApplicationStatus.choices)})


def _detail(request, application, errors=None, status=200):
    # The application keeps its affiliations as the applicant wrote them (dates as ISO text); the page shows dates.
    affiliations = [{**row, "ended_on": date.fromisoformat(row["ended_on"]) if row.get("ended_on") else None}
                    for row in application.affiliations]
    return render(request, "frontend/applications/detail.html", {
        "application": application, "errors": errors, "vendors": vendor_pickable(user=request.user),
        "affiliations": affiliations, "status_labels": dict(ApplicationStatus.choices),
        "skills": sorted(application.skills.items())}, status=status)


@role_required(*COORDINATOR)
def application_detail(request, pk: int):
    return _detail(request, get_object_or_404(expert_application_list(user=request.user), pk=pk))


@role_required(*COORDINATOR)
@post_acts(to("frontend:application"))
def application_decide(request, pk: int):
    application = get_object_or_404(expert_application_list(user=request.user), pk=pk)
    try:
        if request.POST.get("decision") == "accept":
            chosen = [forms.text(request.POST, f"vendor-{i}") for i in range(len(application.affiliations))]
            vendors = [get_object_or_404(Vendor, pk=v) if forms.whole(v) else None for v in chosen]
            numbers = [forms.text(request.POST, f"vendor-number-{i}") for i in range(len(application.affiliations))]
            expert = expert_application_accept(actor=request.user, application=application, vendors=vendors,
                                               vendor_numbers=numbers)
            messages.success(request, _("%(name)s さんを専門人材として登録し、パスワード設定の招待メールを送りました。") % {
                "name": expert.name})
            return redirect("frontend:expert", pk=expert.pk)
        expert_application_decline(actor=request.user, application=application,
                                   reason=forms.text(request.POST, "reason"))
        messages.success(request, _("応募を見送りました。応募者に理由をメールで伝えます。"))
        return redirect("frontend:applications")
    except DomainError as exc:
        return _detail(request, application, forms.errors_from_domain(exc), status=400)
