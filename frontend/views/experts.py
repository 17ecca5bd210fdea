"""Experts (専門人材): the coordinator's list, detail and edit; the expert's own profile, availability and pledge."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from backend.core.choices import AffiliationRelation, EmploymentForm, Skill, Weekday
from backend.core.reuse import reuse_page
from backend.experts.selectors import expert_can_change, expert_list
from backend.experts.serializers import ExpertInputSerializer
from backend.experts.services import EXPERT_OWN_FIELDS, expert_create, expert_sign_pledge, expert_update
from backend.geo.models import Prefecture
from backend.procurement.selectors import vendor_pickable
from frontend import charts, forms, selectors
from frontend.todo import todo_list
from frontend.views import PAGE_SIZE
from frontend.views.access import COORDINATOR, EXPERT, post_acts, role_required
from frontend.views.commitment_parts import commitments_context
from frontend.views.home import fiscal_year_param

BLANK_AFFILIATION_ROWS = 2
# The most affiliation rows a form is read for: the count comes from the page and is not trusted (10^12 rows held
# a web thread for ever, issue 21). No expert has more than a handful.
MAX_AFFILIATION_ROWS = 50


@role_required(*COORDINATOR)
@reuse_page
def expert_index(request):
    fiscal_year = fiscal_year_param(request)
    query = selectors.ExpertQuery.from_params(request.GET)
    rows = selectors.expert_filter(selectors.expert_index_rows(expert_list(user=request.user),
                                                                fiscal_year=fiscal_year), query)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "frontend/experts/index.html", {
        "experts": page, "page": page, "query": query, "fiscal_year": fiscal_year,
        "skills": Skill.choices, "prefectures": Prefecture.objects.order_by("code").values_list("code", "name"),
        "filtered": query != selectors.ExpertQuery()})


def _profile_context(request, expert):
    fiscal_year = fiscal_year_param(request)
    engagements = list(selectors.expert_engagements(user=request.user, expert=expert, fiscal_year=fiscal_year))
    used = sum(e.days_per_year for e in engagements)
    return {
        "expert": expert,
        "fiscal_year": fiscal_year,
        "engagements": engagements,
        "weekly": [e for e in engagements if e.weekdays],
        "not_weekly": [e for e in engagements if not e.weekdays],
        "week": charts.week_cells(available=expert.weekdays, engagements=engagements),
        "used_days": used,
        "skills": [(s.skill, s.level) for s in expert.skills.all()],
        "can_change": expert_can_change(user=request.user, expert=expert),
        # commitments elsewhere (他の業務, issue 25): the expert edits them, the coordinator reads them
        **commitments_context(request, expert),
    }


@role_required(*COORDINATOR)
def expert_detail(request, pk: int):
    expert = get_object_or_404(expert_list(user=request.user), pk=pk)
    return render(request, "frontend/experts/detail.html", _profile_context(request, expert))


@role_required(*EXPERT)
def me(request):
    expert = get_object_or_404(expert_list(user=request.user), pk=request.user.expert_id)
    return render(request, "frontend/experts/me.html", {**_profile_context(request, expert),
                                                        "todo": todo_list(user=request.user)})


# -- the expert form -----------------------------------------------------------------------------------

def expert_data(post, *, by_coordinator: bool) -> dict:
    """The API's expert input from the page form: an expert's own form carries only the fields that are theirs."""
    data = {
        "name": forms.text(post, "name"),
        "name_kana": forms.text(post, "name_kana"),
        "email": forms.text(post, "email"),
        "phone": forms.text(post, "phone"),
        "serves_prefectures": post.getlist("serves_prefectures"),
        "onsite_prefectures": post.getlist("onsite_prefectures"),
        "capacity_days": forms.number_or_text(post, "capacity_days"),
        "weekdays": post.getlist("weekdays"),
        "max_engagements": forms.number_or_text(post, "max_engagements"),
        "daily_rate": forms.number_or_text(post, "daily_rate"),
        "home_municipality": forms.municipality(post, "home_municipality"),
        "employment_forms": post.getlist("employment_forms"),
        "skills": forms.skill_levels(post, "skill_"),
        "affiliations": _affiliation_rows(post),
    }
    if by_coordinator:
        data["listed"] = forms.checkbox(post, "listed")
        data["pool_pledge_signed_on"] = forms.text(post, "pool_pledge_signed_on") or None
        return data
    return {name: value for name, value in data.items() if name in EXPERT_OWN_FIELDS}


def _affiliation_rows(post) -> list[dict]:
    rows = []
    stated = post.get("affiliation_rows", "0")
    count = int(stated) if stated.isascii() and stated.isdigit() else 0
    for index in range(min(count, MAX_AFFILIATION_ROWS)):
        vendor = forms.text(post, f"aff-{index}-vendor")
        if not vendor or forms.checkbox(post, f"aff-{index}-delete"):
            continue
        rows.append({"vendor": vendor, "relation": forms.text(post, f"aff-{index}-relation"),
                     "ended_on": forms.text(post, f"aff-{index}-ended_on") or None})
    return rows


def _initial(expert) -> dict:
    if expert is None:
        return {"weekdays": [], "employment_forms": [], "serves_prefectures": [], "onsite_prefectures": [],
                "skills": {}, "affiliations": [], "listed": True, "max_engagements": 3}
    return {
        "name": expert.name, "name_kana": expert.name_kana, "email": expert.email, "phone": expert.phone,
        "serves_prefectures": [p.code for p in expert.serves_prefectures.all()],
        "onsite_prefectures": [p.code for p in expert.onsite_prefectures.all()],
        "capacity_days": expert.capacity_days, "weekdays": expert.weekdays,
        "max_engagements": expert.max_engagements, "daily_rate": expert.daily_rate,
        "home_municipality": expert.home_municipality_id or "",
        "employment_forms": expert.employment_forms,
        "pool_pledge_signed_on": expert.pool_pledge_signed_on.isoformat() if expert.pool_pledge_signed_on else "",
        "skills": {s.skill: s.level for s in expert.skills.all()},
        "affiliations": [{"vendor": str(a.vendor_id), "relation": a.relation,
                          "ended_on": a.ended_on.isoformat() if a.ended_on else ""} for a in expert.affiliations.all()],
        "listed": expert.listed,
    }


def _form_context(values: dict, errors, *, expert, by_coordinator: bool) -> dict:
    rows = [*values.get("affiliations", []), *[{}] * BLANK_AFFILIATION_ROWS]
    row_errors = [errors.get(f"affiliations[{i}]") if errors else [] for i in range(len(rows))]
    return {
        "values": values, "errors": errors, "expert": expert, "by_coordinator": by_coordinator,
        "weekday_choices": Weekday.choices, "form_choices": EmploymentForm.choices,
        "skill_rows": [(value, label, values.get("skills", {}).get(value, "")) for value, label in Skill.choices],
        "relation_choices": AffiliationRelation.choices,
        "prefectures": Prefecture.objects.order_by("code"),
        "vendors": vendor_pickable(user=None, keep=[row.get("vendor") for row in values.get("affiliations", [])]),
        "affiliation_rows": list(zip(range(len(rows)), rows, row_errors, strict=True)),
    }


def _expert_form(request, expert, *, by_coordinator: bool, done):
    if request.method not in ("GET", "POST"):
        return HttpResponseNotAllowed(["GET", "POST"])
    if request.method == "GET":
        context = _form_context(_initial(expert), None, expert=expert, by_coordinator=by_coordinator)
        return render(request, "frontend/experts/form.html", context)
    data = expert_data(request.POST, by_coordinator=by_coordinator)

    def save(validated):
        if expert is None:
            return expert_create(actor=request.user, data=validated)
        return expert_update(actor=request.user, expert=expert, data=validated)

    saved, errors = forms.submit(ExpertInputSerializer, data, save, partial=expert is not None)
    if errors is None:
        if expert is None:
            messages.success(request, _("専門人材「%(name)s」を登録しました。") % {"name": saved.name})
        else:
            messages.success(request, _("「%(name)s」の登録内容を保存しました。") % {"name": saved.name})
        return done(saved)
    # An expert's own form carries no affiliations (they change through a request): nothing to show again.
    values = {**data, "affiliations": [{**a, "ended_on": a["ended_on"] or ""} for a in data.get("affiliations", [])]}
    context = _form_context(values, errors, expert=expert, by_coordinator=by_coordinator)
    return render(request, "frontend/experts/form.html", context, status=400)


@role_required(*COORDINATOR)
def expert_new(request):
    return _expert_form(request, None, by_coordinator=True,
                        done=lambda e: redirect("frontend:expert", pk=e.pk))


@role_required(*COORDINATOR)
def expert_edit(request, pk: int):
    expert = get_object_or_404(expert_list(user=request.user), pk=pk)
    if not expert_can_change(user=request.user, expert=expert):
        raise PermissionDenied
    return _expert_form(request, expert, by_coordinator=True, done=lambda e: redirect("frontend:expert", pk=e.pk))


@role_required(*EXPERT)
def me_edit(request):
    expert = get_object_or_404(expert_list(user=request.user), pk=request.user.expert_id)
    return _expert_form(request, expert, by_coordinator=False, done=lambda e: redirect("frontend:me"))


@role_required(*EXPERT)
@post_acts("frontend:me")
def me_pledge(request):
    """Sign the confidentiality pledge (情報漏洩防止の誓約): records today's date."""
    expert = get_object_or_404(expert_list(user=request.user), pk=request.user.expert_id)
    if not forms.checkbox(request.POST, "agree"):
        context = {**_profile_context(request, expert), "pledge_error": True}
        return render(request, "frontend/experts/me.html", context, status=400)
    expert_sign_pledge(actor=request.user, expert=expert)
    messages.success(request, _("秘密保持の誓約に署名しました。"))
    return redirect("frontend:me")
