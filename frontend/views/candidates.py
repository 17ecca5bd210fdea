"""Candidates for a need: the coordinator sees every expert of the prefecture with their standing against each
rule, load and free weekdays, and pins, forbids, or places a conflict-blocked expert with a recorded exception."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.core.errors import DomainError
from backend.engagements.selectors import engagement_conflicts_to_resolve
from backend.experts.selectors import expert_list
from backend.needs.errors import ErrorCode
from backend.needs.selectors import need_list
from backend.needs.services import need_adjust_priority
from backend.placement.candidates import STANDING, need_candidates
from backend.placement.services import need_place_with_exception
from backend.runs import services
from backend.runs.models import DecisionKind
from frontend import forms, labels
from frontend.views.access import COORDINATOR, post_acts, role_required, to


def _need(request, pk):
    return get_object_or_404(need_list(user=request.user).select_related("municipality__prefecture"), pk=pk)


@role_required(*COORDINATOR)
def need_candidates_view(request, pk: int):
    return _candidates_page(request, _need(request, pk))


def _candidates_page(request, need, *, priority_values=None, errors=None):
    """The page; after a refused priority adjustment, with what was typed and the messages beside it (400)."""
    rows = need_candidates(user=request.user, need=need)
    if priority_values is None:
        priority_values = {"adjusted_priority": need.adjusted_priority or "", "priority_reason": need.priority_reason}
    conflicts = list(engagement_conflicts_to_resolve(user=request.user).filter(
        engagement__expert_id__in=[r.expert.pk for r in rows]).select_related("procurement"))
    by_expert: dict[int, list] = {}
    for conflict in conflicts:
        by_expert.setdefault(conflict.engagement.expert_id, []).append(conflict)
    return render(request, "frontend/needs/candidates.html", {
        "need": need, "rows": rows, "conflicts_by_expert": by_expert,
        "need_conflicts": [c for c in conflicts if c.engagement.need_id == need.pk], "standing": STANDING, "declined_by": labels.DECLINED_BY,
        "eligible": sum(1 for r in rows if r.blocked_by is None), "pin": DecisionKind.PIN,
        "forbid": DecisionKind.FORBID, "priority_values": priority_values, "errors": errors},
        status=400 if errors else 200)


@role_required(*COORDINATOR)
@post_acts(to("frontend:need-candidates"))
def need_candidate_decide(request, pk: int):
    """Pin, forbid or clear (expert, need); or place a conflict-blocked expert with an exception."""
    need = _need(request, pk)
    expert = get_object_or_404(expert_list(user=request.user), pk=forms.row_id(request.POST, "expert"))
    kind = request.POST.get("kind")
    try:
        if kind == "exception":
            need_place_with_exception(actor=request.user, need=need, expert=expert,
                                      reason=forms.text(request.POST, "reason"))
            messages.success(request, _("例外を記録し、%(name)sさんを固定しました。再実行すると提案されます。")
                             % {"name": expert.name})
        else:
            services.decision_set(actor=request.user, need=need, expert=expert,
                                  kind=kind if kind in DecisionKind.values else None)
            messages.success(request, _("指定を保存しました。再実行すると反映されます。"))
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return redirect("frontend:need-candidates", pk=need.pk)


@role_required(*COORDINATOR)
@post_acts(to("frontend:need-candidates"))
def need_priority_adjust(request, pk: int):
    """The coordinator's priority for the engine, with a reason; blank takes the adjustment back."""
    need = _need(request, pk)
    value = forms.number_or_text(request.POST, "adjusted_priority")
    reason = forms.text(request.POST, "priority_reason")
    try:
        if value != "" and value not in range(1, 6):
            raise DomainError.single("adjusted_priority", ErrorCode.OUT_OF_RANGE,
                                     gettext_lazy("調整後の優先度は1から5で指定してください。"))
        need_adjust_priority(actor=request.user, need=need, adjusted_priority=value or None, reason=reason)
    except DomainError as exc:
        return _candidates_page(request, need, errors=forms.errors_from_domain(exc),
                                priority_values={"adjusted_priority": value, "priority_reason": reason})
    messages.success(request, _("優先度の調整を保存しました。次のマッチングから使われます。"))
    return redirect("frontend:need-candidates", pk=need.pk)
