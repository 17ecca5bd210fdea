"""The visit plan on the pages: the expert's calendar across engagements (a month), the 「訪問予定」 section of an
engagement's page, the move of a date by either side, the coordinator's re-plan, and the iCal feed with its URL on
the account page."""

import datetime as dt

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from backend.accounts.models import UserRole
from backend.accounts.permissions import coordinates, is_expert_self, is_staff_of
from backend.calendar.selectors import closed_day_rows, national_closed_days
from backend.core.errors import DomainError
from backend.core.fiscal import era_date, era_month, fiscal_year_of
from backend.engagements.models import EngagementStatus
from backend.engagements.selectors import engagement_list
from backend.visits import selectors
from backend.visits.ical import visits_ical
from backend.visits.serializers import VisitMoveInputSerializer
from backend.visits.services import calendar_feed_renew as feed_renew
from backend.visits.services import visit_move as move_visit
from backend.visits.services import visits_plan
from frontend import forms
from frontend.views.access import COORDINATOR, EXPERT, MUNICIPAL, post_acts, role_required

LABELS = {"to_date": gettext_lazy("変更後の日付"), "reason": gettext_lazy("理由")}


def _month(request) -> dt.date:
    """The first day of the month asked (`month=YYYY-MM`), else of this month."""
    try:
        year, month = (int(part) for part in request.GET.get("month", "").split("-"))
        return dt.date(year, month, 1) if 2000 <= year <= 2100 else timezone.localdate().replace(day=1)
    except ValueError:
        return timezone.localdate().replace(day=1)


def _month_named(first: dt.date) -> str:
    """令和9年5月 (in English: May 2027)."""
    return era_month(first, english=(get_language() or "ja").startswith("en"))


def _shift(first: dt.date, months: int) -> dt.date:
    index = first.year * 12 + first.month - 1 + months
    return dt.date(index // 12, index % 12 + 1, 1)


@role_required(*EXPERT)
def my_calendar(request):
    """The expert's month across all their engagements: each day with the municipality of its visit (現地 marked),
    the closed days, and a small form to move each visit."""
    first = _month(request)
    last = _shift(first, 1) - dt.timedelta(days=1)
    visits = list(selectors.expert_visits(expert_id=request.user.expert_id, first=first, last=last))
    closed = {day: name for day, name in national_closed_days(fiscal_year_of(first)).items()
              if first <= day <= last}
    for code in {v.engagement.municipality_id for v in visits}:
        for row in closed_day_rows(fiscal_year_of(first), municipality=code).filter(date__gte=first, date__lte=last):
            closed.setdefault(row.date, f"{row.label}（{row.municipality.name if row.municipality else row.prefecture.name}）")
    by_day: dict[dt.date, list] = {}
    for visit in visits:
        by_day.setdefault(visit.date, []).append(visit)
    days = [(first + dt.timedelta(days=n)) for n in range((last - first).days + 1)]
    return render(request, "frontend/visits/my_calendar.html", {
        "title": _("%(month)sの訪問予定") % {"month": _month_named(first)},
        "rows": [{"day": day, "weekend": day.weekday() >= 5, "closed": closed.get(day), "visits": by_day.get(day, [])}
                 for day in days],
        "count": len(visits), "onsite": sum(1 for v in visits if v.onsite),
        "prev": _shift(first, -1).strftime("%Y-%m"), "next": _shift(first, 1).strftime("%Y-%m"),
        "month": first.strftime("%Y-%m"), "today": timezone.localdate().isoformat(),
        # Each engagement serving in the month, with the way to log its days there (活動記録).
        "logs": [{"name": e.municipality.name, "url": reverse("frontend:work-month", args=[e.pk, first.year, first.month])}
                 for e in engagement_list(user=request.user).filter(
                     status__in=(EngagementStatus.ACTIVE, EngagementStatus.ENDED), starts_on__lte=last,
                     ends_on__gte=first).select_related("municipality").order_by("municipality_id", "pk")],
    })


def engagement_visits_context(user, engagement) -> dict:
    """The 「訪問予定」 section of an engagement's page: the planned dates by month, the count against the contract's
    days, the months that fall short and why, and who may move or re-plan (the page shows the workable days per
    weekday of the year in its 曜日・日数 row)."""
    report = selectors.visit_plan_report(engagement)
    months: dict[tuple[int, int], list] = {}
    for visit in report["visits"]:
        months.setdefault((visit.date.year, visit.date.month), []).append(visit)
    today = timezone.localdate()
    return {"visit_plan": {
        **report, "months": [{"month": month, "visits": rows} for (_year, month), rows in months.items()],
        "coming": [visit for visit in report["visits"] if visit.date >= today],
        "moved": any(visit.moved_from for visit in report["visits"]),
        "may_move": is_staff_of(user, engagement.municipality_id) or is_expert_self(user, engagement.expert_id)
        or coordinates(user, engagement.municipality.prefecture_id),
        "may_plan": coordinates(user, engagement.municipality.prefecture_id),
        "today": today.isoformat(),
    }}


def _back_after_move(request, **_kwargs) -> str:
    if request.user.is_authenticated and request.user.role == UserRole.EXPERT:
        return reverse("frontend:my-calendar")
    return reverse("frontend:engagements")


@role_required(*COORDINATOR, *MUNICIPAL, *EXPERT)
@post_acts(_back_after_move)
def visit_move(request, pk: int):
    """Either side moves one planned date, with a reason the other side reads."""
    return _move(request, get_object_or_404(selectors.visit_list(user=request.user), pk=pk))


@role_required(*COORDINATOR, *MUNICIPAL, *EXPERT)
@post_acts(_back_after_move)
def visit_move_chosen(request):
    """The engagement page's one move form: the visit is chosen in a list of the coming dates (`visit`)."""
    return _move(request, get_object_or_404(selectors.visit_list(user=request.user),
                                            pk=forms.row_id(request.POST, "visit")))


def _move(request, visit):
    data = {"to_date": forms.text(request.POST, "to_date") or None, "reason": forms.text(request.POST, "reason")}
    moved, errors = forms.submit(VisitMoveInputSerializer, data, lambda v: move_visit(
        actor=request.user, visit=visit, to_date=v["to_date"], reason=v.get("reason", "")), labels=LABELS)
    if errors:
        for _field, msgs in errors.items():
            for message in msgs:
                messages.error(request, message)
    else:
        messages.success(request, _("%(municipality)sへの訪問日を%(from)sから%(to)sに変更しました。相手方に通知しました。")
                         % {"municipality": visit.engagement.municipality.name, "from": era_date(visit.date),
                            "to": era_date(moved.date)})
    if request.POST.get("back") == "engagement":
        return redirect(reverse("frontend:engagement", args=[visit.engagement_id]) + "#visits")
    month = (moved.date if not errors else visit.date).strftime("%Y-%m")
    return redirect(f"{reverse('frontend:my-calendar')}?month={month}")


@role_required(*COORDINATOR)
@post_acts(lambda pk, **_: reverse("frontend:engagement", args=[pk]))
def engagement_visits_plan(request, pk: int):
    """The coordinator plans an engagement's dates again from today on (past and hand-moved dates kept)."""
    engagement = get_object_or_404(engagement_list(user=request.user).select_related("need"), pk=pk)
    try:
        plan = visits_plan(actor=request.user, engagement=engagement)
    except DomainError as exc:
        forms.flash_problems(request, exc)
    else:
        if plan.missing:
            messages.warning(request, _("訪問予定を作成しました。年間%(days)s日のうち%(missing)s日が足りません（理由は訪問予定の欄）。")
                             % {"days": plan.days, "missing": plan.missing})
        else:
            messages.success(request, _("訪問予定を作成しました（年間%(days)s日）。") % {"days": plan.days})
    return redirect(reverse("frontend:engagement", args=[pk]) + "#visits")


def calendar_feed(request, token: str):
    """The secret iCal feed (no login: calendar apps fetch it by its URL); an unknown or renewed token is 404."""
    feed = selectors.calendar_feed_by_token(token)
    if feed is None:
        raise Http404
    body = visits_ical(selectors.visits_concerning(user=feed.user), name=_("kenmu 訪問予定"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


def account_feed_context(request) -> dict:
    """The iCal feed URL on the account page (none until issued)."""
    feed = selectors.calendar_feed_of(user=request.user)
    return {"feed_url": request.build_absolute_uri(reverse("frontend:calendar-feed", args=[feed.token]))
            if feed else None}


@role_required(*COORDINATOR, *MUNICIPAL, *EXPERT)
@post_acts("frontend:account")
def calendar_feed_renew(request):
    """Issue the feed URL, or a new one: the old URL stops working at once."""
    had = selectors.calendar_feed_of(user=request.user) is not None
    feed_renew(actor=request.user)
    messages.success(request, _("カレンダー配信のURLを再発行しました。以前のURLは使えなくなりました。") if had
                     else _("カレンダー配信のURLを発行しました。"))
    return redirect(reverse("frontend:account") + "#calendar-feed")
