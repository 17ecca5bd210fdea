"""The second round (二次調整): the coordinator publishes the needs left unfilled after the main round with a
deadline for experts' interest, sees how many experts stated interest per need, closes the round and starts
its run (backend.wishes.rounds, backend.placement.round_runs)."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from backend.core.errors import DomainError
from backend.placement.round_runs import round_run as round_run_start
from backend.runs.models import RunStatus
from backend.runs.selectors import run_list
from backend.wishes import rounds as services
from backend.wishes.round_errors import RoundErrorCode
from backend.wishes.round_selectors import round_interest_counts, round_list
from frontend import forms, selectors
from frontend.views.access import COORDINATOR, post_acts, role_required


def _context(request, *, values=None, errors=None) -> dict:
    rounds = list(round_list(user=request.user).prefetch_related("runs").order_by("-published_at"))
    current = next((r for r in rounds if r.closed_at is None), None)
    fiscal_year = current.fiscal_year if current else selectors.default_fiscal_year(user=request.user)
    needs = []
    if current is not None:
        counts = round_interest_counts(current)
        needs = [{"need": n, "interested": counts.get(n.pk, 0)}
                 for n in current.needs.select_related("municipality").order_by("municipality_id", "id")]
    unfilled = [] if current or not request.user.prefecture_id else list(
        services.round_unfilled_needs(prefecture_id=request.user.prefecture_id, fiscal_year=fiscal_year)
        .select_related("municipality"))
    main_runs = run_list(user=request.user).filter(prefecture_id=request.user.prefecture_id, round__isnull=True,
                                                   replacement__isnull=True)
    return {"current": current, "needs": needs, "past": [r for r in rounds if r is not current],
            # A second round follows the main one: say so when the year has no finished main run yet.
            "main_round_done": main_runs.filter(fiscal_year=fiscal_year, status=RunStatus.SUCCEEDED).exists(),
            "unfilled": unfilled, "fiscal_years": selectors.fiscal_year_choices(user=request.user),
            "values": values or {"fiscal_year": fiscal_year}, "errors": errors,
            "main_runs": main_runs[:10],
            "today": timezone.localdate()}


@role_required(*COORDINATOR)
def round_index(request):
    return render(request, "frontend/rounds/index.html", _context(request))


@role_required(*COORDINATOR)
@post_acts("frontend:rounds")
def round_publish(request):
    fiscal_year = forms.number_or_text(request.POST, "fiscal_year")
    deadline = parse_date(forms.text(request.POST, "deadline") or "") if forms.text(request.POST, "deadline") else None
    main_run = run_list(user=request.user).filter(pk=forms.row_id(request.POST, "main_run"),
                                                  prefecture_id=request.user.prefecture_id).first()
    values = {"fiscal_year": fiscal_year, "deadline": forms.text(request.POST, "deadline")}
    try:
        if not isinstance(fiscal_year, int):
            raise DomainError.single("fiscal_year", RoundErrorCode.INVALID, _("年度を選んでください。"))
        if deadline is None:
            raise DomainError.single("deadline", RoundErrorCode.REQUIRED, _("希望の締切を日付で入力してください。"))
        r = services.round_publish(actor=request.user, prefecture=request.user.prefecture_id,
                                   fiscal_year=fiscal_year, deadline=deadline, main_run=main_run)
    except ValueError:
        errors = forms.errors_from_domain(DomainError.single("deadline", RoundErrorCode.INVALID, _("希望の締切を日付で入力してください。")))
        return render(request, "frontend/rounds/index.html", _context(request, values=values, errors=errors), status=400)
    except DomainError as exc:
        return render(request, "frontend/rounds/index.html",
                      _context(request, values=values, errors=forms.errors_from_domain(exc)), status=400)
    messages.success(request, _("二次調整を公開しました（ニーズ%(n)s件）。登録中の専門人材に通知しました。")
                     % {"n": r.needs.count()})
    return redirect("frontend:rounds")


@role_required(*COORDINATOR)
@post_acts("frontend:rounds")
def round_close(request, pk: int):
    r = get_object_or_404(round_list(user=request.user), pk=pk)
    try:
        services.round_close(actor=request.user, round=r)
        messages.success(request, _("二次調整を締め切りました。"))
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return redirect("frontend:rounds")


@role_required(*COORDINATOR)
@post_acts("frontend:rounds")
def round_run(request, pk: int):
    r = get_object_or_404(round_list(user=request.user), pk=pk)
    try:
        run = round_run_start(actor=request.user, round=r)
    except DomainError as exc:
        forms.flash_problems(request, exc)
        return redirect("frontend:rounds")
    messages.success(request, _("二次調整のマッチングを開始しました。終わるとこの画面に提案が表示されます。"))
    return redirect("frontend:run", pk=run.pk)
