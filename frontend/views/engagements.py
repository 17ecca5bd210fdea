"""Engagements (任用・委託): offers to accept or decline, 要員交代 requests, and the coordinator's follow-up."""

from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import OuterRef, Subquery
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from backend.accounts.models import UserRole
from backend.accounts.selectors import municipalities_without_staff
from backend.core.choices import DECLINE_REASONS_CHOSEN, ProcurementCategory, WorkPattern
from backend.core.errors import DomainError
from backend.core.fiscal import current_fiscal_year, era_date, fiscal_year_label, fiscal_years_covered
from backend.core.reuse import reuse_page
from backend.engagements import services
from backend.engagements.contacts import engagement_contacts, municipality_contacts
from backend.engagements.models import EngagementStatus, ReplacementStatus
from backend.engagements.pledge import PLEDGE_VERSION, pledge_text
from backend.engagements.selectors import (
    engagement_conflict_list,
    engagement_conflicts_to_resolve,
    engagement_list,
    replacement_list,
)
from backend.engagements.serializers import (
    ConflictExceptInputSerializer,
    EndInputSerializer,
    ReplacementInputSerializer,
)
from backend.engagements.terms import share_served
from backend.needs.models import NeedStatus
from backend.payments.selectors import PAID_STATUSES, engagement_payment_year
from backend.placement import services as placement_services
from backend.runs.models import MatchRun, RunStatus
from backend.worklog.selectors import work_months_of_engagement
from frontend import forms, selectors
from frontend.views import PAGE_SIZE
from frontend.views.access import COORDINATOR, EXPERT, MUNICIPAL, STAFF, post_acts, role_required, to
from frontend.views.calendar import workable_days
from frontend.views.documents import documents_context
from frontend.views.funding import funding_context
from frontend.views.goals import goals_context
from frontend.views.offers import deadline_context
from frontend.views.visits import engagement_visits_context

ALL_ROLES = (*COORDINATOR, *MUNICIPAL, *EXPERT)
PARTIES = (*MUNICIPAL, *EXPERT)


def _contacts(user, engagements) -> dict:
    """The other side's contact details of each active engagement on the page (issue 21), staff in one query."""
    active = [e for e in engagements if e.status == EngagementStatus.ACTIVE]
    staff = municipality_contacts(e.municipality_id for e in active) if active else {}
    found = {e.pk: engagement_contacts(user=user, engagement=e, staff=staff) for e in active}
    return {pk: c for pk, c in found.items() if c is not None}


@role_required(*ALL_ROLES)
@reuse_page
def engagement_index(request):
    engagements = selectors.engagement_index_rows(engagement_list(user=request.user))
    # Offers waiting for an answer (the to-do) come first, by pages of their own (`offers`); the rest by `page`.
    offered = Paginator(engagements.filter(status=EngagementStatus.OFFERED), PAGE_SIZE).get_page(
        request.GET.get("offers"))
    page = Paginator(engagements.exclude(status=EngagementStatus.OFFERED), PAGE_SIZE).get_page(
        request.GET.get("page"))
    conflicts = list(engagement_conflicts_to_resolve(user=request.user).select_related("procurement"))
    return render(request, "frontend/engagements/index.html", {
        "conflicts": conflicts, "conflicted": {c.engagement_id for c in conflicts},
        "may_resolve": request.user.role in COORDINATOR,
        "offered": offered, "offered_links": _page_links(request, offered, "offers"),
        "pledges": {e.pk: pledge_text(municipality=e.municipality.name) for e in offered},
        "pledge_version": PLEDGE_VERSION,
        "others": page, "page": page, "contacts": _contacts(request.user, page),
        "status_labels": dict(EngagementStatus.choices),  # get_status_display hashes every choice on each call
        "open_replacements": set(replacement_list(user=request.user).filter(
            status=ReplacementStatus.OPEN).values_list("engagement_id", flat=True)),
        "side": {UserRole.MUNICIPAL: "municipality", UserRole.EXPERT: "expert"}.get(request.user.role),
        # Offers nobody can answer: the municipality has no active staff account (the coordinator invites one).
        "no_staff": municipalities_without_staff({e.municipality_id for e in offered})
        if request.user.role in (UserRole.COORDINATOR, UserRole.ADMIN) else set(),
        "can_invite": request.user.role == UserRole.COORDINATOR,
    })


def _page_links(request, page, param: str) -> dict:
    """The previous and next page of `page` under the query parameter `param`, the other parameters kept."""
    def link(number):
        query = request.GET.copy()
        query[param] = number
        return f"?{query.urlencode()}"

    return {"prev_url": link(page.previous_page_number()) if page.has_previous() else "",
            "next_url": link(page.next_page_number()) if page.has_next() else ""}


@role_required(*ALL_ROLES)
@reuse_page
def engagement_detail(request, pk: int):
    """One engagement as its parties and the coordinator read it, with the answers still to give: the dates, the
    fee, the weekdays, the exception it relies on, the bid restriction its acceptance brings (which vendors, which
    contracts, for which period) and the expert's profile, before the municipality's confirm button; the pledge
    and its signature for the expert (also after an acceptance given without it)."""
    engagement = get_object_or_404(engagement_list(user=request.user).select_related(
        "expert__home_municipality", "replaces__expert", "need"), pk=pk)
    side = {UserRole.MUNICIPAL: "municipality", UserRole.EXPERT: "expert"}.get(request.user.role)
    offered = engagement.status == EngagementStatus.OFFERED
    expert = engagement.expert
    return render(request, "frontend/engagements/detail.html", {
        "e": engagement, "side": side, "expert": expert,
        "answering": offered and side is not None and not getattr(engagement, f"{side}_accepted_at"),
        "signing": offered and side == "expert" and engagement.expert_accepted_at and not engagement.pledge_signed_at,
        "pledge": pledge_text(municipality=engagement.municipality.name), "pledge_version": PLEDGE_VERSION,
        "vendors": [a for a in expert.affiliations.select_related("vendor").order_by("vendor__name") if a.is_current],
        "restrictions": engagement.bid_restrictions.select_related("vendor").order_by("vendor__name"),
        "categories": [label for _value, label in ProcurementCategory.choices],
        "skills": expert.skills.order_by("-level", "skill"),
        "status_label": EngagementStatus(engagement.status).label,
        "work_months": work_months_of_engagement(user=request.user, engagement=engagement),
        "this_month": timezone.localdate(),
        "workable": workable_days(engagement.fiscal_year, municipality=engagement.municipality_id, weekly=(
            engagement.weekdays, engagement.need.weekly_days, engagement.days_per_year)
            if engagement.need.pattern == WorkPattern.WEEKLY else None),
        "paid": _paid(engagement),
        **_ending_context(request, engagement), **goals_context(request, engagement),
        **engagement_visits_context(request.user, engagement),
        # the 「書類」 section (issue 24 item 5: letters, pledge, notice and activity reports as PDF)
        **documents_context(request.user, engagement),
        **funding_context(request, engagement),
        # the offer's answer deadline and the coordinator's change of it (issue 25)
        **deadline_context(request, engagement),
    })


def _paid(engagement):
    """The 「支払額（年度累計）」 box: the year so far of an engagement that serves or served (this fiscal year
    when its term covers it, else its own first year)."""
    if engagement.status not in PAID_STATUSES:
        return None
    covered = fiscal_years_covered(engagement.starts_on, engagement.ends_on)
    year = current_fiscal_year() if current_fiscal_year() in covered else engagement.fiscal_year
    return {"fy": year, "year": engagement_payment_year(engagement=engagement, fiscal_year=year)}


def _ending_context(request, engagement) -> dict:
    """The 「任期途中で終了」 form (the coordinator and the municipality's staff, an active engagement) and, once it
    ended so, the coordinator's way to a successor while its need is on offer again."""
    staff = request.user.role in (UserRole.COORDINATOR, UserRole.MUNICIPAL)
    return {"may_end": staff and engagement.status == EngagementStatus.ACTIVE, "today": timezone.localdate(),
            "ended_by_labels": {"prefecture": _("都道府県"), "municipality": _("市区町村")},
            "successor_search": request.user.role == UserRole.COORDINATOR and engagement.status == EngagementStatus.ENDED
            and bool(engagement.end_reason) and engagement.need.status == NeedStatus.OPEN}


END_LABELS = {"ends_on": gettext_lazy("終了日"), "reason": gettext_lazy("終了の理由")}


@role_required(*STAFF)
@post_acts(to("frontend:engagement"))
def engagement_end(request, pk: int):
    """任期途中で終了: the date and the reason from the engagement's page, then a confirmation saying what follows,
    then the end (backend.engagements.services.engagement_end)."""
    engagement = get_object_or_404(engagement_list(user=request.user), pk=pk)
    back = redirect(f"{reverse('frontend:engagement', args=[engagement.pk])}#h-end")
    values = {"ends_on": forms.text(request.POST, "ends_on"), "reason": forms.text(request.POST, "reason")}
    validated, errors = forms.validate(EndInputSerializer, values, labels=END_LABELS)
    problem = validated and services.end_date_problem(engagement, validated["ends_on"], today=timezone.localdate())
    if validated is None or problem:
        for message in [problem] if problem else [m for msgs in errors.by_field.values() for m in msgs]:
            messages.error(request, message)
        return back
    on = validated["ends_on"]
    if request.POST.get("confirmed") != "1":
        share = share_served(starts_on=engagement.starts_on, ends_on=engagement.ends_on,
                             fiscal_year=engagement.fiscal_year, until=on)
        return render(request, "frontend/engagements/end_confirm.html", {
            "e": engagement, "values": values, "on": on, "fee_after": round(engagement.fee * share),
            "days_after": round(engagement.days_per_year * share)})
    try:
        services.engagement_end(actor=request.user, engagement=engagement, on=on, reason=validated["reason"])
    except DomainError as exc:
        forms.flash_problems(request, exc)
        return back
    messages.success(request, _("%(expert)sさんの%(municipality)sでの任用を%(date)sで終了しました。ニーズは募集中に戻りました。")
                     % {"expert": engagement.expert.name, "municipality": engagement.municipality.name,
                        "date": era_date(on)})
    return redirect("frontend:engagement", pk=engagement.pk)


@role_required(*COORDINATOR)
@post_acts(to("frontend:engagement"))
def engagement_successor_run(request, pk: int):
    """後任を探す after an engagement ended mid-year: its need is on offer again, so the prefecture's run of that
    fiscal year proposes for it (approval prorates the successor's terms to the rest of the year). The replacement
    run (要員交代) is for an engagement still active: its successor takes over on activation."""
    engagement = get_object_or_404(engagement_list(user=request.user), pk=pk)
    try:
        run = placement_services.run_enqueue(actor=request.user, fiscal_year=engagement.fiscal_year,
                                             scope=[engagement.municipality.prefecture_id])
    except DomainError as exc:
        forms.flash_problems(request, exc)
        return redirect("frontend:engagement", pk=engagement.pk)
    messages.success(request, _("%(fy)sのマッチングを開始しました。終わると、募集中に戻ったニーズの後任候補が提案されます。")
                     % {"fy": fiscal_year_label(engagement.fiscal_year)})
    return redirect("frontend:run", pk=run.pk)


def _back(request, engagement):
    """Where an answer returns: the engagement's own page when it was given there, else the list."""
    if request.POST.get("back") == "detail":
        return redirect("frontend:engagement", pk=engagement.pk)
    return redirect("frontend:engagements")


@role_required(*EXPERT)
@post_acts("frontend:engagements")
def engagement_pledge(request, pk: int):
    """The expert signs the pledge for an engagement already accepted (before pledges were asked with it)."""
    engagement = get_object_or_404(engagement_list(user=request.user), pk=pk)
    if not forms.checkbox(request.POST, "pledge"):
        messages.error(request, _("誓約書を読んで「同意し、署名します」にチェックしてください。"))
        return _back(request, engagement)
    try:
        engagement = services.engagement_sign_pledge(actor=request.user, engagement=engagement,
                                                     version=forms.text(request.POST, "pledge_version"))
        messages.success(request, _("誓約書に署名しました。任用は稼働中になりました。")
                         if engagement.status == EngagementStatus.ACTIVE else _("誓約書に署名しました。"))
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return _back(request, engagement)


@role_required(*PARTIES)
def engagement_decline(request, pk: int):
    """The second step of a decline: what it does, an optional reason, then the button that does it."""
    engagement = get_object_or_404(engagement_list(user=request.user).filter(status=EngagementStatus.OFFERED), pk=pk)
    return render(request, "frontend/engagements/decline.html", {
        "engagement": engagement, "decline_codes": [(r.value, r.label) for r in DECLINE_REASONS_CHOSEN],
        "chosen": request.GET.get("decline_code", ""), "words": request.GET.get("reason", "")})


@role_required(*PARTIES)
@post_acts("frontend:engagements")
def engagement_respond(request, pk: int):
    engagement = get_object_or_404(engagement_list(user=request.user), pk=pk)
    accept = request.POST.get("answer") == "accept"
    if not accept and request.POST.get("confirmed") != "1":
        return redirect("frontend:engagement-decline", pk=engagement.pk)
    if accept and request.user.role == UserRole.EXPERT and not forms.checkbox(request.POST, "pledge"):
        messages.error(request, _("承諾するには、誓約書を読んで「同意し、署名します」にチェックしてください。"))
        return _back(request, engagement)
    code, reason = forms.text(request.POST, "decline_code"), forms.text(request.POST, "reason")
    try:
        services.engagement_respond(actor=request.user, engagement=engagement, accept=accept, reason=reason,
                                    decline_code="" if accept else code,
                                    pledge_version=forms.text(request.POST, "pledge_version") if accept else "")
        messages.success(request, _("承諾しました。") if accept else _("辞退しました。"))
    except DomainError as exc:
        forms.flash_problems(request, exc)
        if not accept and engagement_list(user=request.user).filter(
                pk=engagement.pk, status=EngagementStatus.OFFERED).exists():  # the reason is incomplete: ask again
            return redirect(f"{reverse('frontend:engagement-decline', args=[engagement.pk])}?"
                            f"{urlencode({'decline_code': code, 'reason': reason})}")
    return _back(request, engagement)


@role_required(*COORDINATOR)
@post_acts("frontend:engagements")
def engagement_conflict_except(request, pk: int):
    """The coordinator keeps the engagement in conflict with a recorded exception and its reason."""
    conflict = get_object_or_404(engagement_conflict_list(user=request.user), pk=pk)
    reason = forms.text(request.POST, "reason")
    _resolved, errors = forms.submit(ConflictExceptInputSerializer, {"reason": reason}, lambda v: (
        services.engagement_conflict_except(actor=request.user, conflict=conflict, reason=v["reason"])))
    if errors is None:
        messages.success(request, _("例外を記録しました。%(expert)sさんの%(municipality)sでの任用は続きます（理由：%(reason)s）。")
                         % {"expert": conflict.engagement.expert.name,
                            "municipality": conflict.engagement.municipality.name, "reason": reason})
    else:
        for _field, msgs in errors.items():
            for message in msgs:
                messages.error(request, message)
    return redirect(f"{reverse('frontend:engagements')}#conflict-{conflict.pk}")


@role_required(*COORDINATOR)
@post_acts("frontend:engagements")
def engagement_conflict_end(request, pk: int):
    """The coordinator ends the engagement in conflict (an offer is withdrawn), once they confirmed it."""
    conflict = get_object_or_404(engagement_conflict_list(user=request.user), pk=pk)
    if not forms.checkbox(request.POST, "confirmed"):
        messages.error(request, _("任用を終了するには「この任用を終了します」にチェックしてください。"))
        return redirect(f"{reverse('frontend:engagements')}#conflict-{conflict.pk}")
    try:
        services.engagement_conflict_end(actor=request.user, conflict=conflict, reason=forms.text(request.POST, "reason"))
        messages.success(request, _("%(expert)sさんの%(municipality)sでの任用を終了しました。ニーズは募集中に戻りました。")
                         % {"expert": conflict.engagement.expert.name,
                            "municipality": conflict.engagement.municipality.name})
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return redirect("frontend:engagements")


@role_required(*MUNICIPAL)
@require_http_methods(["GET", "POST"])
def replacement_new(request, pk: int):
    """要員交代: ask the coordinator for another expert, with the reason (an active engagement only)."""
    engagement = get_object_or_404(engagement_list(user=request.user), pk=pk)
    if engagement.status != EngagementStatus.ACTIVE:
        messages.error(request, _("要員交代を依頼できるのは稼働中の任用だけです（この任用は「%(status)s」です）。")
                       % {"status": engagement.get_status_display()})
        return redirect("frontend:engagements")
    errors, reason = None, ""
    if request.method == "POST":
        reason = forms.text(request.POST, "reason")
        replacement, errors = forms.submit(
            ReplacementInputSerializer, {"reason": reason},
            lambda v: services.replacement_request(actor=request.user, engagement=engagement, reason=v["reason"]))
        if errors is None:
            messages.success(request, _("要員交代を依頼しました。コーディネーターが後任を探します。"))
            return redirect("frontend:engagements")
    return render(request, "frontend/engagements/replacement.html",
                  {"engagement": engagement, "errors": errors, "reason": reason}, status=400 if errors else 200)


@role_required(*COORDINATOR)
@reuse_page
def replacement_index(request):
    # Each request's latest run: its page lists the successors proposed, each approvable there.
    latest_run = MatchRun.objects.filter(replacement=OuterRef("pk")).order_by("-created_at", "-id")
    return render(request, "frontend/engagements/replacements.html", {
        "replacements": replacement_list(user=request.user).select_related("requested_by").annotate(
            latest_run_id=Subquery(latest_run.values("pk")[:1]),
            latest_run_status=Subquery(latest_run.values("status")[:1])).order_by("status", "-created_at"),
        "run_labels": dict(RunStatus.choices),
        "open": ReplacementStatus.OPEN,
    })


@role_required(*COORDINATOR)
@post_acts("frontend:replacements")
def replacement_run(request, pk: int):
    replacement = get_object_or_404(replacement_list(user=request.user), pk=pk)
    try:
        run = placement_services.replacement_run(actor=request.user, replacement=replacement)
        return redirect("frontend:run", pk=run.pk)
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return redirect("frontend:replacements")
