"""Notifications (お知らせ): the user's own list, read marks, and which kinds also come by e-mail."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from backend.accounts.models import UserRole
from backend.core.reuse import reuse_page
from backend.notifications import services
from backend.notifications.models import NotificationKind
from backend.notifications.selectors import notification_list, notification_muted_kinds
from frontend import forms
from frontend.views import PAGE_SIZE
from frontend.views.access import post_acts

K = NotificationKind
# The kinds each role can receive, as its settings page lists them (an administrator sees every kind).
KINDS_BY_ROLE = {
    UserRole.COORDINATOR: [K.OFFER_ACCEPTED, K.OFFER_DECLINED, K.ENGAGEMENT_ACTIVE, K.REPLACEMENT_REQUESTED,
                    K.RUN_FINISHED, K.RUN_FAILED],
    UserRole.MUNICIPAL: [K.OFFER_AWAITING, K.ENGAGEMENT_ACTIVE],
    UserRole.EXPERT: [K.OFFER_AWAITING, K.PLEDGE_TO_SIGN, K.ENGAGEMENT_ACTIVE, K.APPLICATION_OUTCOME],
}


@login_required
@reuse_page
def notification_index(request):
    page = Paginator(notification_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "frontend/notifications/index.html", {"page": page, "notifications": list(page)})


@login_required
def notification_open(request, pk: int):
    """Opening a notification's link marks it read, then goes where the recipient acts."""
    notification = get_object_or_404(notification_list(user=request.user), pk=pk)
    if notification.read_at is None:
        services.notification_mark_read(actor=request.user, notification=notification)
    link = notification.link
    if not url_has_allowed_host_and_scheme(link, allowed_hosts=None):
        link = "frontend:notifications"
    return redirect(link)


@login_required
@post_acts("frontend:notifications")
def notification_read(request, pk: int):
    notification = get_object_or_404(notification_list(user=request.user), pk=pk)
    services.notification_mark_read(actor=request.user, notification=notification)
    messages.success(request, _("既読にしました。"))
    return redirect(_back(request))


@login_required
@post_acts("frontend:notifications")
def notification_read_all(request):
    marked = services.notification_mark_all_read(actor=request.user)
    messages.success(request, _("%(count)s件のお知らせを既読にしました。") % {"count": marked})
    return redirect("frontend:notifications")


def _back(request) -> str:
    """The list page the user was on (its page number kept)."""
    page, url = request.POST.get("page", ""), reverse("frontend:notifications")
    return f"{url}?page={page}" if forms.whole(page) else url


@login_required
@require_http_methods(["GET", "POST"])
def notification_settings(request):
    if request.method == "POST":
        emailed = set(request.POST.getlist("email"))
        shown = KINDS_BY_ROLE.get(request.user.role, list(NotificationKind))
        kept = [k for k in notification_muted_kinds(user=request.user) if k not in shown]
        services.notification_email_preference_update(
            actor=request.user, muted_kinds=kept + [k for k in shown if k not in emailed])
        messages.success(request, _("お知らせのメール設定を保存しました。"))
        return redirect("frontend:notification-settings")
    muted = set(notification_muted_kinds(user=request.user))
    shown = KINDS_BY_ROLE.get(request.user.role, list(NotificationKind))
    return render(request, "frontend/notifications/settings.html", {
        "kinds": [(kind.value, kind.label, kind.value not in muted) for kind in shown],
    })
