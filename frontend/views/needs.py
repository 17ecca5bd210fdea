"""Needs (ニーズ): municipal staff post and edit theirs; coordinators see and edit their prefecture's."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.accounts.models import UserRole
from backend.audit.selectors import object_history
from backend.core.choices import EmploymentForm, Role, Skill, Weekday, WorkPattern
from backend.core.errors import DomainError
from backend.core.fiscal import days_per_year
from backend.core.reuse import reuse_page
from backend.engagements.models import EngagementStatus
from backend.engagements.selectors import engagement_list
from backend.funding.selectors import active_schemes
from backend.geo.models import Municipality
from backend.needs.filters import NeedFilter
from backend.needs.models import FeeBasis, NeedStatus
from backend.needs.selectors import need_can_change, need_list
from backend.needs.serializers import NeedInputSerializer
from backend.needs.services import need_reopen, need_submit, need_update, need_withdraw
from backend.needs.terms import PATTERN_LIMITS
from backend.runs.models import Proposal, ProposalStatus
from frontend import forms, selectors
from frontend.audit import audit_rows
from frontend.templatetags.kenmu import man_yen
from frontend.todo import todo_list
from frontend.views import PAGE_SIZE
from frontend.views.access import STAFF, post_acts, role_required
from frontend.views.calendar import workable_days


@role_required(*STAFF)
@reuse_page
def need_index(request):
    needs = need_list(user=request.user)
    fiscal_year = request.GET.get("fy", "")
    if forms.whole(fiscal_year):
        needs = needs.filter(fiscal_year=int(fiscal_year))
    status = request.GET.get("status", "")
    if status in NeedStatus.values:
        needs = needs.filter(status=status)
    # The coordinator's list by municipality (issue 21), with the API's FilterSet; a code not in the list is ignored.
    municipalities = []
    municipality = request.GET.get("municipality", "").strip()
    if request.user.role != UserRole.MUNICIPAL:
        municipalities = list(Municipality.objects.filter(
            pk__in=need_list(user=request.user).values("municipality_id")).order_by("code").values_list("code", "name"))
        if municipality in dict(municipalities):
            filtered = NeedFilter({"municipality": municipality}, queryset=needs)
            needs = filtered.qs if filtered.is_valid() else needs
    page = Paginator(selectors.need_index_rows(needs), PAGE_SIZE).get_page(request.GET.get("page"))
    needs = list(page)
    by_municipal_staff = request.user.role == UserRole.MUNICIPAL
    return render(request, "frontend/needs/index.html", {
        "needs": needs, "page": page,
        "status": status, "statuses": NeedStatus.choices, "fy": fiscal_year,
        "municipality": municipality, "municipalities": municipalities,
        # Labels by value: a model's get_status_display hashes every choice on each call (20 µs a row).
        "status_labels": dict(NeedStatus.choices), "engagement_status_labels": dict(EngagementStatus.choices),
        "fiscal_years": selectors.fiscal_year_choices(user=request.user),
        "by_coordinator": request.user.role == UserRole.COORDINATOR,
        "by_municipal_staff": by_municipal_staff,
        # The municipal staff's home page: their to-do list on top.
        "todo": todo_list(user=request.user) if by_municipal_staff else [],
    })


def need_data(post, *, by_coordinator: bool) -> dict:
    data = {
        "fiscal_year": forms.number_or_text(post, "fiscal_year"),
        "role": forms.text(post, "role"),
        "title": forms.text(post, "title"),
        "description": forms.text(post, "description"),
        "pattern": forms.text(post, "pattern"),
        "pattern_days": forms.number_or_text(post, "pattern_days"),
        "weekdays": post.getlist("weekdays"),
        "onsite_required": forms.checkbox(post, "onsite_required"),
        "budget": forms.man_yen(post, "budget_man"),
        "fee_basis": forms.text(post, "fee_basis"),
        "fee_amount": _fee_amount(post),
        "fee_hours_per_day": forms.text(post, "fee_hours_per_day") or None,
        "fee_includes_tax": forms.checkbox(post, "fee_includes_tax"),
        "required_skills": forms.skill_levels(post, "req_"),
        "desired_skills": forms.skill_levels(post, "des_"),
        "employment_forms": post.getlist("employment_forms"),
        "priority": forms.number_or_text(post, "priority"),
        "funding_scheme": _funding_scheme(post),
    }
    onsite_days = forms.number_or_text(post, "onsite_days")
    if onsite_days != "" or data["onsite_required"]:
        data["onsite_days"] = onsite_days or 0  # blank with on-site work: every working day
    if by_coordinator:
        data["municipality"] = forms.text(post, "municipality")
    return data


def _funding_scheme(post):
    """The planned scheme's id; blank is none (the role's default); anything else goes on for the serializer."""
    value = forms.text(post, "funding_scheme")
    return int(value) if forms.whole(value) else (value or None)


def _fee_amount(post):
    """Yearly and monthly offers are typed in 万円 like the budget; daily and hourly ones in 円."""
    if forms.text(post, "fee_basis") in (FeeBasis.ANNUAL, FeeBasis.MONTHLY):
        amount = forms.man_yen(post, "fee_amount")
    else:
        amount = forms.number_or_text(post, "fee_amount")
    return None if amount == "" else amount


def _fee_amount_shown(need) -> str:
    if need.fee_amount is None:
        return ""
    return _man(need.fee_amount) if need.fee_basis in (FeeBasis.ANNUAL, FeeBasis.MONTHLY) else str(need.fee_amount)


def _initial(need, *, user) -> dict:
    if need is None:
        return {"fiscal_year": selectors.default_fiscal_year(user=user), "pattern": WorkPattern.WEEKLY,
                "pattern_days": 1, "weekdays": ["mon", "tue", "wed", "thu", "fri"], "priority": 3,
                "employment_forms": [], "required_skills": {}, "desired_skills": {}, "budget_man": "",
                "fee_basis": "", "fee_amount": "", "fee_hours_per_day": "", "onsite_days": "",
                "municipality": user.municipality_id or "", "funding_scheme": ""}
    skills = list(need.skills.all())
    return {
        "municipality": need.municipality_id, "fiscal_year": need.fiscal_year, "role": need.role,
        "title": need.title, "description": need.description, "pattern": need.pattern,
        "pattern_days": need.pattern_days, "weekdays": need.weekdays, "onsite_required": need.onsite_required,
        "budget_man": _man(need.budget), "employment_forms": need.employment_forms, "priority": need.priority,
        "onsite_days": need.onsite_days if need.onsite_required else "", "fee_basis": need.fee_basis,
        "fee_amount": _fee_amount_shown(need), "fee_hours_per_day": need.fee_hours_per_day or "",
        "fee_includes_tax": need.fee_includes_tax, "funding_scheme": need.funding_scheme_id or "",
        "required_skills": {s.skill: s.level for s in skills if s.required},
        "desired_skills": {s.skill: s.level for s in skills if not s.required},
    }


def _man(yen) -> str:
    if not isinstance(yen, int):
        return str(yen or "")
    man = yen / 10_000
    return f"{man:.0f}" if man == int(man) else f"{man:g}"


def _form_context(request, values, errors, need) -> dict:
    by_coordinator = request.user.role != UserRole.MUNICIPAL
    municipalities = (Municipality.objects.filter(prefecture_id=request.user.prefecture_id).order_by("code")
                      if by_coordinator else [])
    return {
        "values": values, "errors": errors, "need": need, "by_coordinator": by_coordinator,
        "municipalities": municipalities,
        "fiscal_years": selectors.fiscal_year_choices(user=request.user, keep=need.fiscal_year if need else None),
        "roles": Role.choices, "patterns": [(v, label, PATTERN_LIMITS[v]) for v, label in WorkPattern.choices],
        "weekday_choices": Weekday.choices, "form_choices": EmploymentForm.choices,
        "fee_bases": FeeBasis.choices,
        "skill_rows": [(v, label, values["required_skills"].get(v, ""), values["desired_skills"].get(v, ""))
                       for v, label in Skill.choices],
        "workable": _workable(request, values, need),
        "funding_schemes": _funding_schemes(request.user, need),
    }


def _funding_schemes(user, need) -> list:
    """The schemes a need may plan for: its prefecture's active ones (and the one it names, if since retired)."""
    prefecture_id = need.municipality.prefecture_id if need else (
        user.municipality.prefecture_id if user.municipality_id else user.prefecture_id)
    if not prefecture_id:
        return []
    schemes = list(active_schemes(prefecture_id))
    if need and need.funding_scheme_id and need.funding_scheme_id not in {s.pk for s in schemes}:
        schemes.append(need.funding_scheme)
    return schemes


def _workable(request, values, need) -> dict:
    """The chosen year's workable days per weekday where the need is, and whether a weekly post's weekdays
    can hold its days (a 週1日 post on Mondays cannot hold 48 dates in FY2026: 45 Mondays are workable)."""
    year = values.get("fiscal_year")
    year = year if isinstance(year, int) and 2000 <= year <= 2099 else selectors.default_fiscal_year(user=request.user)
    municipality = (values.get("municipality") or (need.municipality_id if need else None)
                    or request.user.municipality_id)
    place = {"municipality": municipality} if municipality else {"prefecture": request.user.prefecture_id}
    days = values.get("pattern_days")
    weekly = None
    if values.get("pattern") == WorkPattern.WEEKLY and isinstance(days, int) and 1 <= days <= 7:
        weekly = (list(values.get("weekdays") or []), days, days_per_year(WorkPattern.WEEKLY, days)[0])
    return workable_days(year, **place, weekly=weekly)


@require_http_methods(["GET", "POST"])
def _need_form(request, need):
    by_coordinator = request.user.role != UserRole.MUNICIPAL
    if request.method == "GET":
        return render(request, "frontend/needs/form.html",
                      _form_context(request, _initial(need, user=request.user), None, need))
    data = need_data(request.POST, by_coordinator=by_coordinator)

    def save(validated):
        if need is None:
            return need_submit(actor=request.user, data=validated)
        return need_update(actor=request.user, need=need, data=validated)

    saved, errors = forms.submit(NeedInputSerializer, data, save, instance=need)
    if errors is None:
        name = saved.title or saved.get_role_display()
        saved_message = (_("ニーズ「%(name)s」を登録しました。") if need is None
                         else _("ニーズ「%(name)s」を保存しました。")) % {"name": name}
        if saved.offered_fee is not None:
            saved_message += _("提示報酬は年額%(fee)sです。") % {"fee": man_yen(saved.offered_fee)}
        if forms.man_yen_read(request.POST, "budget_man"):  # 「1,200」「240.5」: say what was read (issue 21)
            saved_message += _("予算は「%(typed)s」を%(yen)s円（%(man)s）として読み取りました。") % {
                "typed": forms.text(request.POST, "budget_man"), "yen": f"{saved.budget:,}", "man": man_yen(saved.budget)}
        messages.success(request, saved_message)
        return redirect("frontend:needs")
    forms.man_yen_refused(errors, request.POST, {"budget": "budget_man", **(
        {"fee_amount": "fee_amount"} if data["fee_basis"] in (FeeBasis.ANNUAL, FeeBasis.MONTHLY) else {})})
    values = {**data, "budget_man": forms.text(request.POST, "budget_man"),
              "fee_amount": forms.text(request.POST, "fee_amount"), "onsite_days": forms.text(request.POST, "onsite_days"),
              "fee_hours_per_day": forms.text(request.POST, "fee_hours_per_day")}
    return render(request, "frontend/needs/form.html", _form_context(request, values, errors, need), status=400)


@role_required(*STAFF)
def need_new(request):
    return _need_form(request, None)


def _changeable(request, pk):
    need = get_object_or_404(need_list(user=request.user), pk=pk)
    if not need_can_change(user=request.user, need=need):
        raise PermissionDenied
    return need


@role_required(*STAFF)
def need_edit(request, pk: int):
    return _need_form(request, _changeable(request, pk))


@role_required(*STAFF)
@post_acts()
def need_withdraw_view(request, pk: int):
    need = _changeable(request, pk)
    if request.POST.get("confirmed") != "1":
        return render(request, "frontend/confirm.html", {
            "title": _("取り下げの確認"),
            "question": _("「%(need)s」（%(m)s）を取り下げますか") % {"need": need.title or need.get_role_display(),
                                                            "m": need.municipality.name},
            "consequence": _("取り下げたニーズは、次のマッチングから外れます。提案済みの候補も承認できなくなります。"
                             "あとで「再開」すると、元の内容のまま募集中に戻ります。"),
            "action": reverse("frontend:need-withdraw", args=[need.pk]), "confirm_label": _("取り下げる"),
            "back": reverse("frontend:needs")})
    try:
        need_withdraw(actor=request.user, need=need)
        messages.success(request, _("ニーズを取り下げました。"))
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return redirect("frontend:needs")


@role_required(*STAFF)
@post_acts("frontend:needs")
def need_reopen_view(request, pk: int):
    try:
        need_reopen(actor=request.user, need=_changeable(request, pk))
        messages.success(request, _("ニーズを再開しました。次のマッチングの対象になります。"))
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return redirect("frontend:needs")



@role_required(*STAFF)
def need_detail(request, pk: int):
    """A need's page for the clerk (issue 21): what it asks, and its history in words and 令和 dates: each change
    from the audit log, the proposals made for it (the coordinator's) and its engagements."""
    need = get_object_or_404(need_list(user=request.user).select_related("municipality"), pk=pk)
    by_coordinator = request.user.role != UserRole.MUNICIPAL
    proposals = (Proposal.objects.filter(need=need).select_related("expert", "run").order_by("-run_id")
                 if by_coordinator else Proposal.objects.none())
    return render(request, "frontend/needs/detail.html", {
        "need": need, "history": audit_rows(object_history(object_type="Need", object_id=need.pk), shown=None),
        "proposals": proposals, "proposal_labels": dict(ProposalStatus.choices),
        "engagements": engagement_list(user=request.user).filter(need=need).order_by("-starts_on", "-id"),
        "status_labels": dict(NeedStatus.choices), "engagement_status_labels": dict(EngagementStatus.choices),
        "can_change": need_can_change(user=request.user, need=need), "by_coordinator": by_coordinator,
    })
