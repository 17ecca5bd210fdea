"""The working year's pages (issue 23): the expert's month of an engagement (log a day in one short form, submit
the month, answer disputes), the municipality's confirmation page (months awaiting it, search by reference code,
confirm or dispute with a reason per day), and the coordinator's overview (engagements × months, a paper
confirmation with its document reference). Corrections after a month is locked are made on the month's page."""

import datetime as dt

from django.contrib import messages
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import UserRole
from backend.accounts.permissions import is_expert_self, is_staff_of
from backend.core.errors import DomainError
from backend.core.fiscal import current_fiscal_year, era_date, fiscal_year_of
from backend.engagements.selectors import engagement_list
from backend.geo.models import Municipality
from backend.visits.selectors import engagement_visits
from backend.worklog import selectors, services
from backend.worklog.models import WorkDay, WorkMonth, WorkMonthStatus
from backend.worklog.serializers import (
    AdjustInputSerializer,
    PaperConfirmInputSerializer,
    WorkDayInputSerializer,
)
from frontend import forms
from frontend.views.access import COORDINATOR, EXPERT, MUNICIPAL, STAFF, post_acts, role_required
from frontend.views.home import working_year_param

LABELS = {"date": gettext_lazy("日付"), "hours": gettext_lazy("時間"), "topics": gettext_lazy("テーマ"),
          "done": gettext_lazy("実施内容"), "onsite": gettext_lazy("現地／リモート"), "reason": gettext_lazy("理由"),
          "paper_reference": gettext_lazy("文書番号")}
DAY_FIELDS = ("date", "hours", "topics", "done")
ANY_ROLE = (*STAFF, *EXPERT)


def _month_url(engagement_id: int, year: int, month: int) -> str:
    return reverse("frontend:work-month", args=[engagement_id, year, month])


def _month_of(month: WorkMonth) -> str:
    return _month_url(month.engagement_id, month.year, month.month)


def _flash(request, errors) -> None:
    for _field, msgs in errors.items():
        for message in msgs:
            messages.error(request, message)


def _act(request, call, saved) -> None:
    """Make one act of a page's button: its refusal as messages, or the saved message (a flash after every save)."""
    try:
        call()
    except DomainError as exc:
        forms.flash_problems(request, exc)
    else:
        messages.success(request, saved())


def _day_data(post) -> dict:
    data = {name: forms.text(post, name) or None for name in DAY_FIELDS}
    data["onsite"] = post.get("onsite") == "1"
    return {name: value for name, value in data.items() if value is not None or name == "onsite"}


# -- the expert's month --------------------------------------------------------------------------------------

@role_required(*ANY_ROLE)
def work_month(request, pk: int, year: int, month: int):
    """A month of an engagement's activity log: its days, disputes and answers; for the expert the quick form that
    logs a day and the submit button; after the lock, the corrections (for the municipality and the coordinator)."""
    engagement = get_object_or_404(engagement_list(user=request.user), pk=pk)
    if not (1 <= month <= 12 and 2000 <= year <= 2100):
        raise Http404
    work = selectors.work_month_list(user=request.user).filter(engagement=engagement, year=year, month=month).first()
    days = list(work.days.prefetch_related("disputes").order_by("date")) if work else []
    expert = is_expert_self(request.user, engagement.expert_id)
    status = work.status if work else WorkMonthStatus.OPEN
    first = dt.date(year, month, 1)
    following = dt.date(*selectors.next_month(year, month), 1)
    today = timezone.localdate()
    planned = list(engagement_visits(engagement).filter(date__gte=first, date__lt=following))
    logged = {d.date for d in days}
    to_log = [v for v in planned if v.date not in logged and v.date <= today]
    offered = _asked_date(request, first, following, today) or (to_log[0].date if to_log else None) \
        or _next_to_log(days, first, following, today)
    open_disputes = {x.day_id: x for x in selectors.open_disputes(work)} if work else {}
    return render(request, "frontend/worklog/month.html", {
        "e": engagement, "work": work, "days": days, "year": year, "month": month,
        "month_label": selectors.month_label(year, month), "status_label": WorkMonthStatus(status).label,
        "can_log": expert and status == WorkMonthStatus.OPEN and engagement.starts_on < following
        and engagement.ends_on >= first and first <= today,
        "can_submit": expert and work is not None and status == WorkMonthStatus.OPEN and days,
        "can_answer": expert and status == WorkMonthStatus.DISPUTED, "open_disputes": open_disputes,
        "can_adjust": work is not None and work.locked and selectors.may_adjust(request.user, work),
        "default_date": offered.isoformat(), "today": today.isoformat(),
        "default_onsite": next((v.onsite for v in planned if v.date == offered), True),
        "planned": planned, "planned_dates": {v.date for v in planned}, "logged": logged, "to_log": to_log,
        "previous": _month_url(pk, *((year - 1, 12) if month == 1 else (year, month - 1))),
        "next": _month_url(pk, *selectors.next_month(year, month)),
        "months": selectors.work_months_of_engagement(user=request.user, engagement=engagement),
    })


def _asked_date(request, first: dt.date, following: dt.date, today: dt.date) -> dt.date | None:
    """The date a link of the month's plan asks the form for (?date=), when it is in the month and not ahead."""
    try:
        asked = dt.date.fromisoformat(request.GET.get("date", ""))
    except ValueError:
        return None
    return asked if first <= asked < following and asked <= today else None


def _next_to_log(days, first: dt.date, following: dt.date, today: dt.date) -> dt.date:
    """The date the quick form offers: today in the current month; else the weekday after the last day logged (the
    first weekday of the month when none is)."""
    if first <= today < following:
        return today
    day = days[-1].date + dt.timedelta(days=1) if days else first
    while day.weekday() >= 5 and day + dt.timedelta(days=1) < following:
        day += dt.timedelta(days=1)
    return min(day, following - dt.timedelta(days=1))


def _back_to_month(request, pk: int, **_) -> str:
    """Where an act on an engagement's days opened again (GET) lands: this month of the engagement."""
    today = timezone.localdate()
    return _month_url(pk, today.year, today.month)


@role_required(*EXPERT)
@post_acts(_back_to_month)
def work_day_add(request, pk: int):
    engagement = get_object_or_404(engagement_list(user=request.user), pk=pk)
    data = {"engagement": engagement.pk, **_day_data(request.POST)}
    day, errors = forms.submit(WorkDayInputSerializer, data, lambda v: services.work_day_log(
        actor=request.user, engagement=engagement, data=v), labels=LABELS)
    if errors:
        _flash(request, errors)
        year, month = forms.text(request.POST, "year"), forms.text(request.POST, "month")
        if forms.whole(year) and forms.whole(month) and 1 <= int(month) <= 12 and 2000 <= int(year) <= 2100:
            return redirect(_month_url(pk, int(year), int(month)))
        return redirect(_back_to_month(request, pk))
    messages.success(request, _("%(date)sの活動（%(hours)s時間）を記録しました。") % {
        "date": era_date(day.date), "hours": format(day.hours.normalize(), "f")})
    if day.beyond_contract:
        messages.warning(request, _("この日は契約日数を超えています。市区町村が同意するまで算定されません。"))
    return redirect(_month_url(pk, day.date.year, day.date.month))


def _day_back(request, pk: int, **_) -> str:
    day = get_object_or_404(selectors.work_day_list(user=request.user), pk=pk)
    return _month_of(day.month)


@role_required(*EXPERT)
@post_acts(_day_back)
def work_day_edit(request, pk: int):
    day = get_object_or_404(selectors.work_day_list(user=request.user), pk=pk)
    data = {key: value for key, value in _day_data(request.POST).items() if key != "date"}
    data["engagement"], data["date"] = day.month.engagement_id, day.date.isoformat()
    _saved, errors = forms.submit(WorkDayInputSerializer, data, lambda v: services.work_day_update(
        actor=request.user, day=day, data={k: v[k] for k in ("onsite", "hours", "topics", "done")}), labels=LABELS)
    if errors:
        _flash(request, errors)
    else:
        messages.success(request, _("%(date)sの活動記録を変更しました。") % {"date": era_date(day.date)})
    return redirect(_month_of(day.month))


@role_required(*EXPERT)
@post_acts(_day_back)
def work_day_remove(request, pk: int):
    day = get_object_or_404(selectors.work_day_list(user=request.user), pk=pk)
    _act(request, lambda: services.work_day_remove(actor=request.user, day=day),
         lambda: _("%(date)sの活動記録を削除しました。") % {"date": era_date(day.date)})
    return redirect(_month_of(day.month))


def _month_back(request, pk: int, **_) -> str:
    return _month_of(get_object_or_404(selectors.work_month_list(user=request.user), pk=pk))


@role_required(*EXPERT)
@post_acts(_month_back)
def work_month_submit(request, pk: int):
    work = get_object_or_404(selectors.work_month_list(user=request.user), pk=pk)
    _act(request, lambda: services.work_month_submit(actor=request.user, month=work),
         lambda: _("%(month)sの活動記録を提出しました（照会番号 %(reference)s）。市区町村の確認を待っています。")
         % {"month": selectors.month_label(work.year, work.month), "reference": work.reference})
    return redirect(_month_of(work))


@role_required(*EXPERT)
@post_acts(_month_back)
def work_month_answer(request, pk: int):
    work = get_object_or_404(selectors.work_month_list(user=request.user), pk=pk)
    answers = {key.removeprefix("answer_"): forms.text(request.POST, key) for key in request.POST
               if key.startswith("answer_")}
    _act(request, lambda: services.work_month_answer(actor=request.user, month=work, answers=answers),
         lambda: _("差戻しに回答しました。市区町村の再確認を待っています。"))
    return redirect(_month_of(work))


@role_required(*STAFF)
@post_acts(_month_back)
def work_month_adjust(request, pk: int):
    """A correction of a locked month: change, add or remove a day, with a reason."""
    work = get_object_or_404(selectors.work_month_list(user=request.user), pk=pk)
    day_id = forms.row_id(request.POST, "day")
    day = work.days.filter(pk=day_id).first() if day_id else None
    if day_id and day is None:
        raise Http404
    remove = forms.checkbox(request.POST, "remove")
    data = _day_data(request.POST)
    if day is not None:
        data.pop("date", None)
    data["reason"] = forms.text(request.POST, "reason")
    _saved, errors = forms.submit(AdjustInputSerializer, data, lambda v: services.work_day_adjust(
        actor=request.user, month=work, reason=v["reason"], day=day,
        data=None if remove else {k: v[k] for k in ("date", "onsite", "hours", "topics", "done") if k in v}),
        labels=LABELS)
    if errors:
        _flash(request, errors)
    else:
        messages.success(request, _("確認後の修正を記録しました。"))
    return redirect(_month_of(work))


# -- the municipality's confirmation -----------------------------------------------------------------------

@role_required(*STAFF)
def work_confirmations(request):
    """Months awaiting the municipality's confirmation, or the month of a reference code typed from a mail."""
    reference = forms.text(request.GET, "ref")
    months = selectors.work_month_list(user=request.user).filter(status__in=selectors.AWAITING_MUNICIPALITY)
    found = None
    if reference:
        found = selectors.work_month_by_reference(user=request.user, reference=reference)
        months = selectors.work_month_list(user=request.user).filter(pk=found.pk) if found else []
    if not isinstance(months, list):  # the days and their disputes in two queries, however many months
        months = list(months.order_by("deadline", "pk").prefetch_related(
            Prefetch("days", queryset=WorkDay.objects.order_by("date").prefetch_related("disputes"))))
    for m in months:
        m.day_rows = list(m.days.all())
        m.label = selectors.month_label(m.year, m.month)
        m.may_decide = (is_staff_of(request.user, m.engagement.municipality_id)
                        and m.status in selectors.AWAITING_MUNICIPALITY)
    return render(request, "frontend/worklog/confirmations.html", {
        "months": months, "reference": reference, "not_found": bool(reference) and found is None})


def _confirmations_back(request, **_) -> str:
    return reverse("frontend:work-confirmations")


@role_required(*MUNICIPAL)
@post_acts(_confirmations_back)
def work_month_decide(request, pk: int):
    """確認する (with the days beyond the contract agreed to) or 差し戻す (the days with a reason)."""
    work = get_object_or_404(selectors.work_month_list(user=request.user), pk=pk)
    reasons = {key.removeprefix("reason_"): forms.text(request.POST, key) for key in request.POST
               if key.startswith("reason_") and forms.text(request.POST, key)}
    label = selectors.month_label(work.year, work.month)
    back = f"{reverse('frontend:work-confirmations')}?ref={work.reference}"
    try:
        if request.POST.get("act") == "dispute":
            services.work_month_dispute(actor=request.user, month=work, reasons=reasons)
            messages.success(request, _("%(expert)sさんの%(month)sの活動記録のうち%(n)s日を差し戻しました。") % {
                "expert": work.engagement.expert.name, "month": label, "n": len(reasons)})
            return redirect(back)
        if reasons:
            messages.error(request, _("差戻しの理由が入力されています。差し戻す場合は「差し戻す」を押してください。"))
            return redirect(back)
        agree = [v for v in request.POST.getlist("agree") if forms.whole(v)]
        services.work_month_confirm(actor=request.user, month=work, agree=agree)
    except DomainError as exc:
        forms.flash_problems(request, exc)
        return redirect(back)
    messages.success(request, _("%(expert)sさんの%(month)sの活動記録を確認しました（照会番号 %(reference)s）。") % {
        "expert": work.engagement.expert.name, "month": label, "reference": work.reference})
    return redirect("frontend:work-confirmations")


# -- the coordinator's overview -----------------------------------------------------------------------------

@role_required(*COORDINATOR)
def work_overview(request):
    """Every engagement of the prefecture × the months of the fiscal year, each month's status, filterable by
    municipality; the paper confirmation form below."""
    year = working_year_param(request)
    municipality = forms.text(request.GET, "municipality")
    rows = selectors.work_overview(user=request.user, fiscal_year=year, municipality=municipality or None)
    now = current_fiscal_year()
    municipalities = Municipality.objects.filter(pk__in=engagement_list(user=request.user).values(
        "municipality_id")).order_by("pk") if request.user.role == UserRole.COORDINATOR else Municipality.objects.none()
    return render(request, "frontend/worklog/overview.html", {
        "rows": rows, "fiscal_year": year, "years": sorted({*range(now - 2, now + 2), year}),
        "months": [m for _y, m in selectors.fiscal_year_months(year)], "municipality": municipality,
        "municipalities": municipalities, "statuses": WorkMonthStatus,
        "overdue": selectors.work_months_overdue(user=request.user).count()})


@role_required(*COORDINATOR)
@post_acts("frontend:work-overview")
def work_month_paper(request):
    """The coordinator records a confirmation the municipality gave on paper: the month's reference code and the
    document's reference (文書番号)."""
    reference = forms.text(request.POST, "reference")
    work = selectors.work_month_by_reference(user=request.user, reference=reference) if reference else None
    if work is None:
        messages.error(request, _("照会番号「%(reference)s」の月次確認が見つかりません。") % {"reference": reference[:20]})
        return redirect("frontend:work-overview")
    _saved, errors = forms.submit(
        PaperConfirmInputSerializer, {"paper_reference": forms.text(request.POST, "paper_reference")},
        lambda v: services.work_month_confirm_on_paper(actor=request.user, month=work,
                                                       paper_reference=v["paper_reference"]), labels=LABELS)
    if errors:
        _flash(request, errors)
    else:
        messages.success(request, _("%(reference)sの書面による確認（文書番号 %(paper)s）を記録しました。") % {
            "reference": work.reference, "paper": forms.text(request.POST, "paper_reference")})
    return redirect(f"{reverse('frontend:work-overview')}?fy={fiscal_year_of(dt.date(work.year, work.month, 1))}")
