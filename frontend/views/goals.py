"""Goals and evaluation (目標と評価): the section of an engagement's page where its municipality and its expert set
the goals and give the October and March evaluations, and the coordinator's page of every evaluation of a year."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.core.errors import DomainError
from backend.core.fiscal import current_fiscal_year, fiscal_year_label
from backend.engagements.models import EngagementStatus
from backend.engagements.selectors import engagement_list
from backend.goals.models import MAX_GOALS, EvaluationPeriod, EvaluationSide, Goal, GoalRatingValue
from backend.goals.selectors import evaluation_list
from backend.goals.services import evaluation_submit, goals_set, open_periods, party_side
from frontend import forms
from frontend.views.access import COORDINATOR, EXPERT, MUNICIPAL, STAFF, post_acts, role_required, to
from frontend.views.home import working_year_param


def goals_context(request, engagement) -> dict:
    """What the engagement page's 「目標と評価」 section shows the user: the goals (a form for the two sides while no
    evaluation exists), the evaluations they may read, and the form of the first open period their side has not
    evaluated yet."""
    goals = list(Goal.objects.filter(engagement=engagement).order_by("position"))
    evaluations = list(evaluation_list(user=request.user).filter(engagement=engagement).prefetch_related(
        "ratings__goal"))
    side = party_side(request.user, engagement)
    holding = engagement.status in (EngagementStatus.ACTIVE, EngagementStatus.ENDED)
    given = {(e.fiscal_year, e.period) for e in evaluations if e.side == side}
    due = [p for p in open_periods(engagement, today=timezone.localdate()) if p not in given] \
        if side and holding else []
    return {
        "goals": goals, "evaluations": evaluations,
        "goal_slots": [(i, goals[i - 1].text if i <= len(goals) else "") for i in range(1, MAX_GOALS + 1)],
        "may_set_goals": side is not None and engagement.status == EngagementStatus.ACTIVE and not engagement.evaluations.exists(),
        "evaluation_due": ({"fiscal_year": due[0][0], "period": due[0][1],
                            "label": _("%(fy)s %(period)s評価") % {"fy": fiscal_year_label(due[0][0]),
                                                                 "period": EvaluationPeriod(due[0][1]).label}}
                           if due else None),
        "evaluation_side": side, "self_evaluation": side == EvaluationSide.EXPERT,
        "ratings": GoalRatingValue.choices,
    }


def _back(engagement):
    return redirect(f"{reverse('frontend:engagement', args=[engagement.pk])}#h-goals")


@role_required(*MUNICIPAL, *EXPERT)
@post_acts(to("frontend:engagement"))
def goals_set_view(request, pk: int):
    engagement = get_object_or_404(engagement_list(user=request.user), pk=pk)
    texts = [forms.text(request.POST, f"goal_{i}") for i in range(1, MAX_GOALS + 1)]
    try:
        saved = goals_set(actor=request.user, engagement=engagement, texts=texts)
        messages.success(request, _("目標を%(n)s件保存しました。") % {"n": len(saved)} if saved
                         else _("目標をすべて削除しました。"))
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return _back(engagement)


@role_required(*MUNICIPAL, *EXPERT)
@post_acts(to("frontend:engagement"))
def evaluation_submit_view(request, pk: int):
    engagement = get_object_or_404(engagement_list(user=request.user), pk=pk)
    goals = Goal.objects.filter(engagement=engagement)
    overall = forms.number_or_text(request.POST, "overall")
    fiscal_year = forms.number_or_text(request.POST, "fiscal_year")
    try:
        evaluation = evaluation_submit(
            actor=request.user, engagement=engagement, period=forms.text(request.POST, "period"),
            overall=overall if isinstance(overall, int) else 0, comment=forms.text(request.POST, "comment"),
            fiscal_year=fiscal_year if isinstance(fiscal_year, int) else None,
            ratings={g.pk: (forms.text(request.POST, f"rating_{g.pk}"), forms.text(request.POST, f"comment_{g.pk}"))
                     for g in goals})
        messages.success(request, _("%(fy)sの%(period)s評価を提出しました（総合 %(overall)s/5）。") % {
            "fy": fiscal_year_label(evaluation.fiscal_year), "period": evaluation.get_period_display(),
            "overall": evaluation.overall})
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return _back(engagement)


@role_required(*STAFF)
def evaluation_index(request):
    """評価: every evaluation of a fiscal year the user may see (the coordinator: the prefecture's), a row per
    engagement and period with each side's overall."""
    fiscal_year = working_year_param(request)
    rows: dict[tuple[int, str], dict] = {}
    for evaluation in evaluation_list(user=request.user).filter(fiscal_year=fiscal_year):
        row = rows.setdefault((evaluation.engagement_id, evaluation.period), {
            "engagement": evaluation.engagement, "period": evaluation.get_period_display()})
        row[evaluation.side] = evaluation
    now = current_fiscal_year()
    return render(request, "frontend/goals/evaluations.html", {
        "rows": list(rows.values()), "fy": fiscal_year,
        "fiscal_years": sorted({*range(now - 2, now + 1), fiscal_year}),
        "by_coordinator": request.user.role in COORDINATOR,
    })
