"""Match runs: start one, watch it (htmx polls a partial), review proposals, pin/forbid, re-run, approve."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

import matching
from backend.accounts.selectors import municipalities_without_staff
from backend.core.choices import EmploymentForm, ProcurementCategory
from backend.core.errors import DomainError
from backend.core.reuse import reuse_page
from backend.engagements.models import CoiOverride
from backend.engagements.serializers import ApproveInputSerializer
from backend.engagements.terms import (
    TermsAsked,
    common_forms,
    form_notice,
    terms_asked,
    terms_resolve,
)
from backend.experts.selectors import expert_list
from backend.geo.models import Municipality, Prefecture
from backend.needs.filters import NeedFilter
from backend.needs.selectors import need_list
from backend.notifications.texts import pin_in_words
from backend.placement import services as placement_services
from backend.placement.preferences import wishes_exist
from backend.placement.rules import incumbent_conflicts
from backend.runs import selectors as selectors_runs
from backend.runs import services
from backend.runs.models import (
    LIVE_RUN_STATUSES,
    DecisionKind,
    PairDecision,
    ProposalStatus,
    RunStatus,
)
from backend.runs.params import CHOSEN_STAGES, RunParams
from backend.runs.refs import parse_ref
from backend.runs.report import conflicting_pins_named
from backend.runs.selectors import (
    proposal_counts,
    proposal_list,
    proposal_live_states,
    proposal_scope,
    run_list,
)
from backend.runs.serializers import RunInputSerializer
from frontend import forms, labels, selectors
from frontend.views.access import COORDINATOR, post_acts, role_required, to


def _start_context(request, values, errors) -> dict:
    return {
        "runs": run_list(user=request.user)[:20],
        "values": values, "errors": errors,
        "fiscal_years": selectors.fiscal_year_choices(user=request.user),
        # Only neighbours that consented to joint runs can be chosen (the service refuses the others).
        "consents": selectors.consents_received(user=request.user),
        "prefecture_names": dict(Prefecture.objects.values_list("code", "name")),
        "stages": [(name, labels.STAGE_LABELS[name]) for name in CHOSEN_STAGES],
        "leads": list(labels.LEADS.items()),
    }


@role_required(*COORDINATOR)
@reuse_page
def run_index(request):
    fiscal_year = selectors.default_fiscal_year(user=request.user)
    values = {"fiscal_year": fiscal_year, "scope": [], "time_limit_s": matching.DEFAULT_TIME_LIMIT_S,
              "stages": list(CHOSEN_STAGES), "lead": ",".join(matching.DEFAULT_LEAD),
              # 「希望を考慮する」 is on by default once anyone stated a wish in the prefecture and year.
              "wishes": bool(request.user.prefecture_id) and wishes_exist(
                  prefecture_codes=[request.user.prefecture_id], fiscal_year=fiscal_year)}
    return render(request, "frontend/runs/index.html", _start_context(request, values, None))


@role_required(*COORDINATOR)
@post_acts("frontend:runs")
def run_new(request):
    scope = sorted({request.user.prefecture_id or "", *request.POST.getlist("scope")} - {""})
    data = {"fiscal_year": forms.number_or_text(request.POST, "fiscal_year"), "scope": scope,
            "time_limit_s": forms.number_or_text(request.POST, "time_limit_s"),
            "stages": request.POST.getlist("stages"), "wishes": request.POST.get("wishes") == "on",
            "lead": [c for c in forms.text(request.POST, "lead").split(",") if c] or list(matching.DEFAULT_LEAD)}
    if data["time_limit_s"] == "":
        del data["time_limit_s"]  # the serializer's default

    def enqueue(validated):
        return placement_services.run_enqueue(actor=request.user, fiscal_year=validated["fiscal_year"],
                                    scope=validated["scope"], params=validated["params"])

    run, errors = forms.submit(RunInputSerializer, data, enqueue)
    if errors is None:
        if run.attempts > 1:  # the scope's run lost its worker and is being taken up again: that run is shown
            messages.info(request, _("この対象と年度のマッチングは、処理していたワーカーが応答しなくなったため自動で"
                                     "再試行しています（%(attempt)s回目）。終わるとこの画面に提案が表示されます。")
                          % {"attempt": run.attempts})
        else:
            messages.success(request, _("マッチングを開始しました。終わるとこの画面に提案が表示されます。"))
        return redirect("frontend:run", pk=run.pk)
    values = {**data, "lead": ",".join(data["lead"])}
    return render(request, "frontend/runs/index.html", _start_context(request, values, errors), status=400)


def _run_for(request, pk):
    return get_object_or_404(run_list(user=request.user), pk=pk)


def _progress_context(request, run) -> dict:
    """The run's progress; its objective values describe the whole (joint) run: the starting prefecture's only."""
    progress = run.progress or {}
    prefectures = selectors_runs.reader_prefectures(user=request.user)
    whole = prefectures is None or run.prefecture_id in prefectures
    limit = RunParams.from_stored(run.params).time_limit_s
    return {"run": run, "active": run.status in LIVE_RUN_STATUSES,
            "best": progress.get("best_primary") if whole else None,
            "bound": progress.get("bound") if whole else None, "elapsed": progress.get("elapsed_s") or 0,
            "limit": limit, "joint_partner": not whole}


@role_required(*COORDINATOR)
def run_progress(request, pk: int):
    """The partial htmx polls while the run is queued or running; when it ends the page reloads."""
    run = _run_for(request, pk)
    response = render(request, "frontend/runs/_progress.html", _progress_context(request, run))
    if request.htmx and run.status not in LIVE_RUN_STATUSES:
        response["HX-Refresh"] = "true"
    return response


def _flag_rows(proposal, report, live) -> list[dict]:
    """The run's flags, as they stand now: a pledge signed since is no longer asked for, and a conflict
    that arose since the run is shown although the run could not know it. Vendors and procurements are
    named from the run's report."""
    rows = []
    for note in live.notes:
        title, explanation = labels.LIVE_NOTES[note]
        rows.append({"kind": note, "title": title, "explanation": explanation, "vendor": None, "procurements": []})
    for flag in proposal.flags or []:
        if flag.get("kind") == "pledge_required" and "pledge_signed_since" in live.notes:
            continue
        title, explanation = labels.flag_text(flag.get("kind"))
        vendor = flag.get("vendor")
        rows.append({
            "kind": flag.get("kind"), "title": title, "explanation": explanation,
            "vendor": report.vendor_names.get(parse_ref(vendor)) if vendor else None,
            "procurements": [report.procurement_titles.get(parse_ref(p), p) for p in flag.get("procurements", [])],
        })
    return rows


def _unmatched_rows(report, needs_by_id: dict) -> list[dict]:
    """Each unmatched need with the solver's reason in words, experts named (not "E19"), and the experts the
    incumbent conflict alone keeps out (they can be placed with a recorded exception from the candidates)."""
    japanese = (get_language() or "").startswith("ja")
    rows = []
    for u in report.unmatched:
        if u.need_id not in needs_by_id:
            continue
        # Results stored before `detail_ja` existed stay English.
        detail = (u.detail_ja or u.detail) if japanese else u.detail
        reason, fix = labels.reason_text(u.reason)
        rows.append({"need": needs_by_id[u.need_id], "code": u.reason, "reason": reason, "fix": fix,
                     "detail": detail, "conflicted": sorted(report.expert_names[e] for e in u.conflicted)})
    return rows


PROPOSAL_PAGE_SIZE = 50  # a national run has a thousand proposals: the page shows them 50 at a time


def _places(request, proposals) -> dict:
    """The place filter of the proposals: a prefecture (when the reader's part spans several) and a municipality
    (when it spans one prefecture, or one is chosen), by name; a code not among the choices is ignored."""
    prefectures = list(Prefecture.objects.filter(pk__in=proposals.values("need__municipality__prefecture_id"))
                       .order_by("code").values_list("code", "name"))
    prefecture = request.GET.get("prefecture", "").strip()
    if prefecture not in dict(prefectures):
        prefecture = ""
    municipalities = []
    if prefecture or len(prefectures) == 1:
        municipalities = list(Municipality.objects.filter(
            pk__in=proposals.values("need__municipality_id"), prefecture_id=prefecture or prefectures[0][0])
            .order_by("code").values_list("code", "name"))
    municipality = request.GET.get("municipality", "").strip()
    if municipality not in dict(municipalities):
        municipality = ""
    return {"prefectures": prefectures if len(prefectures) > 1 else [], "prefecture": prefecture,
            "municipalities": municipalities, "municipality": municipality,
            "filters": {k: v for k, v in (("prefecture", prefecture), ("municipality", municipality)) if v}}


def _unmatched_page(request, report, needs, filters):
    """The page of unmatched needs shown (its own `upage`), in the chosen place; needs loaded for that page only."""
    need_ids = [u.need_id for u in report.unmatched]
    if filters:
        shown = set(NeedFilter(filters, queryset=needs.filter(pk__in=need_ids)).qs.values_list("pk", flat=True))
        need_ids = [pk for pk in need_ids if pk in shown]
    return Paginator(need_ids, PROPOSAL_PAGE_SIZE).get_page(request.GET.get("upage"))


def _page_of(request, run, need) -> int:
    """The page of the run's proposals that shows the one for `need` (where approving or pinning comes back to)."""
    before = proposal_list(user=request.user, run=run).filter(
        Q(need__municipality_id__lt=need.municipality_id)
        | Q(need__municipality_id=need.municipality_id, need_id__lt=need.pk)).count()
    return before // PROPOSAL_PAGE_SIZE + 1


def _run_url(run_id: int, page: int, anchor: str = "") -> str:
    url = reverse("frontend:run", kwargs={"pk": run_id})
    return f"{url}{f'?page={page}' if page > 1 else ''}{anchor}"


def _review_context(request, run, *, problems=None, page_number=None) -> dict:
    """Everything the review page shows; `problems` are approval errors keyed by proposal id. What needs the
    engine (the experts the conflict alone keeps out, the changes against the previous run) comes from the
    report the worker stored: a page view never calls the engine, nor reads the run's instance or result.
    Proposals and unmatched needs are shown a page at a time, in the place chosen; the counts are the run's."""
    all_proposals = proposal_list(user=request.user, run=run)
    places = _places(request, all_proposals)
    proposal_total, flag_count = proposal_counts(all_proposals)
    page = Paginator(proposal_list(user=request.user, run=run, filters=places["filters"]),
                     PROPOSAL_PAGE_SIZE).get_page(page_number or request.GET.get("page"))
    proposals = list(page)
    needs = need_list(user=request.user).prefetch_related(None)
    decisions = dict(((d.expert_id, d.need_id), d.kind) for d in PairDecision.objects.filter(
        need__in=needs.filter(pk__in={p.need_id for p in proposals}).values("pk")).only("expert", "need", "kind"))
    report = selectors_runs.run_report_for(user=request.user, run=run)
    changes = report.changes if run.status == RunStatus.SUCCEEDED else ()
    unmatched_page = _unmatched_page(request, report, needs, places["filters"])
    needs_by_id = needs.in_bulk(list(unmatched_page) + [c.need_id for c in changes])
    live = proposal_live_states(proposals)
    unanswerable = municipalities_without_staff({p.need.municipality_id for p in proposals})
    rows = [{"proposal": p, "flags": _flag_rows(p, report, live[p.pk]),
             "no_staff": p.need.municipality_id in unanswerable,
             "decision": decisions.get((p.expert_id, p.need_id)), "problems": (problems or {}).get(p.pk),
             "live": live[p.pk], "live_label": labels.LIVE_STATES.get(live[p.pk].state)} for p in proposals]
    params = RunParams.from_stored(run.params)
    shown = set(unmatched_page)
    return {
        **_progress_context(request, run),
        "stages": [labels.STAGE_LABELS[name] for name in (
            matching.LATER_STAGES if params.engine_stages() is None else params.engine_stages())],
        **_preferences_context(report, needs),
        "lead": labels.lead_text(params.lead),
        "changes": [{"need": needs_by_id.get(c.need_id), "before": report.expert_names.get(c.before_expert_id),
                     "after": report.expert_names.get(c.after_expert_id), "reason": labels.CHANGE_REASONS[c.reason]}
                    for c in changes],
        "rows": rows, "page": page, "proposal_total": proposal_total, "flag_count": flag_count, **places,
        "unmatched": _unmatched_rows(report, {pk: n for pk, n in needs_by_id.items() if pk in shown}),
        "unmatched_page": unmatched_page,
        "decisions": PairDecision.objects.filter(
            need__in=needs.filter(fiscal_year=run.fiscal_year).values("pk")).select_related(
            "expert", "need__municipality").order_by("id"),
        "proposed": ProposalStatus.PROPOSED,
        "pin": DecisionKind.PIN, "forbid": DecisionKind.FORBID, "declined_by": labels.DECLINED_BY,
        "retryable": run.status in (RunStatus.FAILED, RunStatus.CANCELLED),
        "pin_conflicts": _pin_conflicts(request, run),
    }


def _preferences_context(report, needs) -> dict:
    """The section 「希望の反映」: what became of both sides' wishes, by names (a version 3 run only)."""
    preferences = report.preferences
    if preferences is None:
        return {"preferences": None}
    need_ids = {b.need_id for b in preferences.blocking} | {d.need_id for d in preferences.debrief}
    need_ids |= {n for b in preferences.blocking for n in (*b.lost_need_ids, b.released_need_id) if n}
    need_ids |= {p[1] for b in preferences.blocking for p in b.weightier}
    needs_by_id = needs.select_related("municipality").in_bulk(need_ids)

    def need_name(pk) -> str:
        need = needs_by_id.get(pk)
        if need is None:
            return _("他の都道府県のニーズ")
        return f"{need.municipality.name}（{need.title or need.get_role_display()}）"

    def expert_name(pk) -> str:
        return report.expert_names.get(pk, "—") if pk else "—"

    def outweighed(b) -> str:
        words = str(labels.OUTWEIGHED[b.criterion if b.by == "lead" else b.by])
        if b.by in ("lead", "capacity") and b.lost_need_ids:
            return words + _("：この組み合わせにすると %(needs)s が充足されなくなります") % {
                "needs": "、".join(need_name(n) for n in b.lost_need_ids)}
        if b.by == "preference" and b.weightier:
            return words + "：" + "、".join(
                f"{expert_name(e)} → {need_name(n)}（{labels.WISH_SIDES['municipality']} {labels.WISH_LEVELS[m]}・"
                f"{labels.WISH_SIDES['expert']} {labels.WISH_LEVELS[x]}）" for e, n, m, x in b.weightier)
        if b.by == "rule" and b.rule:
            return f"{words}：{labels.reason_text(b.rule)[0]}"
        return words

    def debriefed(d) -> str:
        if d.veto_by:
            return _("%(side)sが不可としました（理由：%(reason)s）") % {"side": labels.WISH_SIDES[d.veto_by],
                                                             "reason": d.veto_reason}
        if d.rule and d.rule != "capacity":
            return str(labels.reason_text(d.rule)[0])
        if d.preferred_expert_id:
            return _("%(expert)s が選ばれました") % {"expert": expert_name(d.preferred_expert_id)}
        if d.rule == "capacity":
            return str(labels.reason_text(d.rule)[0])
        return _("他のニーズとの調整で充足されませんでした")

    return {"preferences": {
        "counted": preferences.counted,
        "first_choices": [(labels.WISH_SIDES[side], met, stated)
                          for side, (met, stated) in preferences.first_choices.items()],
        "blocking": [{"expert": expert_name(b.expert_id), "need": need_name(b.need_id),
                      "municipality_level": labels.WISH_LEVELS[b.municipality_level],
                      "expert_level": labels.WISH_LEVELS[b.expert_level],
                      "assigned": expert_name(b.assigned_expert_id) if b.assigned_expert_id else _("未充足"),
                      "released": need_name(b.released_need_id) if b.released_need_id else None,
                      "by": b.by, "outweighed": outweighed(b)} for b in preferences.blocking],
        "debrief": [{"expert": expert_name(d.expert_id), "need": need_name(d.need_id),
                     "level": labels.WISH_LEVELS[d.level], "why": debriefed(d)} for d in preferences.debrief],
    }}


def _pin_conflicts(request, run) -> list[str]:
    """The pins an infeasible run could not hold, in words: names of the expert and municipality, and what the
    rule each breaks is about (not "E61 → N59：rule 7 conflict")."""
    if run.status != RunStatus.INFEASIBLE:
        return []
    return [pin_in_words(pin) for pin in conflicting_pins_named(
        run.result, experts=expert_list(user=request.user), needs=need_list(user=request.user))]


@role_required(*COORDINATOR)
def run_detail(request, pk: int):
    run = _run_for(request, pk)
    return render(request, "frontend/runs/detail.html", _review_context(request, run))


def _act_on_run(request, pk: int, service, success: str | None = None):
    """Cancel, retry or re-run: call the service, say what happened, show the run it leads to."""
    run = _run_for(request, pk)
    try:
        run = service(actor=request.user, run=run)
    except DomainError as exc:
        forms.flash_problems(request, exc)
    else:
        if success:
            messages.success(request, success)
    return redirect("frontend:run", pk=run.pk)


@role_required(*COORDINATOR)
@post_acts(to("frontend:run"))
def run_cancel(request, pk: int):
    return _act_on_run(request, pk, services.run_cancel)


@role_required(*COORDINATOR)
@post_acts(to("frontend:run"))
def run_rerun(request, pk: int):
    """Re-run with the run's own stages and today's decisions (pins, forbids, declines)."""
    return _act_on_run(request, pk, placement_services.run_rerun, _("同じ条件で再実行を始めました。"))


@role_required(*COORDINATOR)
@post_acts(to("frontend:run"))
def run_retry(request, pk: int):
    return _act_on_run(request, pk, placement_services.run_retry)




@role_required(*COORDINATOR)
@post_acts(to("frontend:run"))
def decision_set(request, pk: int):
    """Pin or forbid (expert, need) for the next runs, or clear the decision."""
    run = _run_for(request, pk)
    need = get_object_or_404(need_list(user=request.user), pk=forms.row_id(request.POST, "need"))
    expert = get_object_or_404(expert_list(user=request.user), pk=forms.row_id(request.POST, "expert"))
    kind = request.POST.get("kind")
    services.decision_set(actor=request.user, need=need, expert=expert,
                          kind=kind if kind in DecisionKind.values else None)
    messages.success(request, _("指定を保存しました。再実行すると反映されます。"))
    return redirect(_run_url(run.pk, _page_of(request, run, need)))


TERM_FIELDS = ("fee", "fee_reason", "employment_form", "starts_on", "ends_on")


def _terms_values(proposal, post=None) -> dict:
    """The contract terms on the approval page: the proposal's and the default term, or what was posted."""
    if post is not None:
        return {"fee_man": forms.text(post, "fee_man"), "fee_reason": forms.text(post, "fee_reason"),
                "employment_form": forms.text(post, "employment_form"), "starts_on": forms.text(post, "starts_on"),
                "ends_on": forms.text(post, "ends_on")}
    need = proposal.need
    terms = terms_resolve(TermsAsked(), proposal=proposal, expert=proposal.expert, need=need,
                          today=timezone.localdate())
    return {"fee_man": forms.yen_as_man(terms.fee), "fee_reason": "", "employment_form": terms.employment_form,
            "starts_on": terms.starts_on.isoformat(), "ends_on": terms.ends_on.isoformat()}


def _terms_data(post) -> dict:
    """The approval's input in the API's shape; a blank field takes the default."""
    data = {"override_reason": forms.text(post, "override_reason"), "fee": forms.man_yen(post, "fee_man"),
            "fee_reason": forms.text(post, "fee_reason"), "employment_form": forms.text(post, "employment_form"),
            "starts_on": forms.text(post, "starts_on"), "ends_on": forms.text(post, "ends_on")}
    return {k: v for k, v in data.items() if v != "" or k in ("override_reason", "fee_reason")}


def _approval_consequences(proposal, *, values=None, errors=None) -> dict:
    expert, need = proposal.expert, proposal.need
    vendors = [a.vendor for a in expert.affiliations.select_related("vendor") if a.is_current]
    replaced = proposal.run.replacement.engagement if proposal.run.replacement_id else None
    exception = CoiOverride.objects.in_force().filter(expert=expert, municipality_id=need.municipality_id,
                                                      fiscal_year=need.fiscal_year).first()
    return {
        "proposal": proposal, "expert": expert, "need": need, "vendors": vendors, "replaced": replaced,
        "categories": [label for _value, label in ProcurementCategory.choices],
        "conflicts": [] if exception else incumbent_conflicts(expert, need.municipality_id),
        "exception": exception,
        "pledge_missing": expert.pool_pledge_signed_on is None,
        "no_staff": bool(municipalities_without_staff([need.municipality_id])),
        "values": values or _terms_values(proposal), "errors": errors,
        "forms": [(f, EmploymentForm(f).label) for f in common_forms(expert, need)],
        "notice_forms": [f for f in common_forms(expert, need) if form_notice(role=need.role, employment_form=f)],
        "lowest_fee": matching.accepted_fee(expert.daily_rate, proposal.days_per_year),
        "highest_fee": need.budget - proposal.travel_cost,
        "default_term": terms_resolve(TermsAsked(), proposal=proposal, expert=expert, need=need,
                                      today=timezone.localdate()),
    }


@role_required(*COORDINATOR)
@post_acts()
def proposal_approve(request, pk: int):
    """Two steps: a page that says what approving does (the offer, the bid restrictions it will bring, the
    hand-over of a replacement, an exception to record), then the approval itself."""
    proposal = get_object_or_404(proposal_scope(user=request.user), pk=pk)
    if request.POST.get("confirmed") != "1":
        return render(request, "frontend/runs/approve.html", _approval_consequences(proposal))
    approved, errors = forms.submit(
        ApproveInputSerializer, _terms_data(request.POST),
        lambda v: placement_services.proposal_approve(actor=request.user, proposal=proposal,
                                                         override_reason=v.get("override_reason"), terms=terms_asked(v)))
    if errors is None:
        messages.success(request, _("承認しました。市区町村と人材の承諾を待っています。"))
        for warning in placement_services.approval_warnings(approved):
            messages.warning(request, warning.message)
        return redirect(_run_url(proposal.run_id, _page_of(request, proposal.run, proposal.need),
                                 f"#proposal-{proposal.pk}"))
    forms.man_yen_refused(errors, request.POST, {"fee": "fee_man"}, labels={"fee": _("報酬")})
    if any(errors.get(name) for name in TERM_FIELDS):
        # The terms were refused: the same page again, each message next to its field.
        context = _approval_consequences(proposal, values=_terms_values(proposal, request.POST), errors=errors)
        context["override_reason"] = forms.text(request.POST, "override_reason")
        return render(request, "frontend/runs/approve.html", context, status=400)
    context = _review_context(request, proposal.run, problems={proposal.pk: errors},
                              page_number=_page_of(request, proposal.run, proposal.need))
    context["override_reason"] = forms.text(request.POST, "override_reason")
    return render(request, "frontend/runs/detail.html", context, status=409)
