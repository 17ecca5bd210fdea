"""The closed days a prefecture's coordinator (on the prefecture's settings page) or a municipality's staff (on
the municipality's settings page) add, with the workable days per weekday they leave."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from backend.accounts.models import UserRole
from backend.calendar.selectors import (
    WORKDAYS,
    closed_day_list,
    closed_day_rows,
    national_closed_days,
    weekly_capacity,
    workable_days_by_weekday,
)
from backend.calendar.serializers import ClosedDayInputSerializer
from backend.calendar.services import closed_day_create, closed_day_delete
from backend.core.choices import WEEKDAY_ORDER
from backend.core.errors import DomainError
from backend.core.fiscal import (
    current_fiscal_year,
    era_date,
    fiscal_year_end,
    fiscal_year_of,
    fiscal_year_start,
)
from frontend import forms
from frontend.views.access import MUNICIPAL, STAFF, post_acts, role_required
from frontend.views.home import fiscal_year_param

LABELS = {"date": gettext_lazy("日付"), "label": gettext_lazy("名称")}


def workable_days(fiscal_year: int, *, prefecture=None, municipality=None, weekdays=WORKDAYS,
                  weekly: tuple[list[str], int, int] | None = None) -> dict:
    """What a page shows of a year's calendar: the year and the workable days of each weekday (月〜金, and a
    weekend day a post asks for). `weekly` is a weekly post's (weekdays, days a week, days a year): when its
    weekdays cannot hold its days, `shortfall` says how many they hold."""
    counts = workable_days_by_weekday(fiscal_year, prefecture=prefecture, municipality=municipality)
    asked = [day for day in WEEKDAY_ORDER if day in weekdays or (weekly and day in weekly[0])]
    shown = {"fiscal_year": fiscal_year, "days": [(day, counts[day]) for day in asked], "shortfall": None}
    if weekly:
        post_weekdays, weekly_days, days_per_year = weekly
        capacity = weekly_capacity(counts, weekdays=post_weekdays, weekly_days=weekly_days)
        if post_weekdays and weekly_days and capacity < days_per_year:
            shown["shortfall"] = {"weekdays": post_weekdays, "weekly_days": weekly_days, "capacity": capacity,
                                  "days": days_per_year}
    return shown


def _place(user) -> dict:
    if user.role == UserRole.COORDINATOR and user.prefecture_id:
        return {"prefecture": user.prefecture_id}
    if user.role == UserRole.MUNICIPAL and user.municipality_id:
        return {"municipality": user.municipality_id}
    raise PermissionDenied  # an administrator has no place of their own to close


def _back(user, fiscal_year: int | None = None):
    page = reverse("frontend:settings" if user.role == UserRole.COORDINATOR else "frontend:municipality-settings")
    return f"{page}?fy={fiscal_year}#closed-days" if fiscal_year else f"{page}#closed-days"


def _settings_page(request, **_) -> str:
    """Where a closed-day act opened again (GET) lands: the settings page it belongs to."""
    return _back(request.user)


def closed_days_context(request) -> dict:
    """The closed-days section of a settings page: the year's own closed days (removable by this user), the
    national ones for reference, and the workable days per weekday."""
    place = _place(request.user)
    year = fiscal_year_param(request)
    own = list(closed_day_rows(year, **place))
    now = current_fiscal_year()
    # A coordinator also reads what the prefecture's municipalities added (each counts for that municipality only).
    municipal = (list(closed_day_list(user=request.user).filter(
        municipality__isnull=False, date__gte=fiscal_year_start(year), date__lte=fiscal_year_end(year)))
        if "prefecture" in place else [])
    return {"calendar_year": year, "calendar_years": sorted({*range(now - 1, now + 4), year}),
            "own_days": own, "municipal_days": municipal, "national_days": national_closed_days(year).items(),
            "workable": workable_days(year, **place)}


@role_required(*MUNICIPAL)
def municipality_settings(request):
    return render(request, "frontend/calendar/municipality_settings.html", closed_days_context(request))


@role_required(*STAFF)
@post_acts(_settings_page)
def closed_day_add(request):
    place = _place(request.user)
    # A field left empty is missing ("…を入力してください"), not a date written wrong.
    data = {"date": forms.text(request.POST, "date") or None, "label": forms.text(request.POST, "label"), **place}
    added, errors = forms.submit(ClosedDayInputSerializer, data,
                                 lambda v: closed_day_create(actor=request.user, data=v), labels=LABELS)
    if errors:
        for _field, msgs in errors.items():
            for message in msgs:
                messages.error(request, message)
        return redirect(_back(request.user))
    messages.success(request, _("閉庁日「%(label)s」（%(date)s）を追加しました。勤務可能日の数に反映されます。")
                     % {"label": added.label, "date": era_date(added.date)})
    return redirect(_back(request.user, fiscal_year_of(added.date)))


@role_required(*STAFF)
@post_acts(_settings_page)
def closed_day_remove(request, pk: int):
    closed_day = get_object_or_404(closed_day_list(user=request.user), pk=pk)
    try:
        closed_day_delete(actor=request.user, closed_day=closed_day)
    except DomainError as exc:
        forms.flash_problems(request, exc)
        return redirect(_back(request.user))
    messages.success(request, _("閉庁日「%(label)s」（%(date)s）を削除しました。")
                     % {"label": closed_day.label, "date": era_date(closed_day.date)})
    return redirect(_back(request.user, fiscal_year_of(closed_day.date)))
