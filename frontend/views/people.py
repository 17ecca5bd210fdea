"""People on board: a coordinator's invitations and the accounts of their prefecture; the invitee's
set-password page; password reset and change (Django's views with kenmu's templates and mail worker)."""

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm, PasswordResetForm, SetPasswordForm
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from backend.accounts.models import InvitationState, UserRole
from backend.accounts.selectors import invitation_list, locked_out_usernames, managed_user_list
from backend.accounts.services import (
    InvitationUnusable,
    invitation_accept,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
    password_changed,
    password_reset_request,
    user_contact_update,
    user_deactivate,
    user_reactivate,
    user_unlock,
)
from backend.applications.serializers import InvitationInputSerializer
from backend.applications.services import invitation_create
from backend.core.errors import DomainError
from backend.experts.selectors import expert_list
from backend.geo.models import Municipality
from frontend import forms
from frontend.views import PAGE_SIZE
from frontend.views.access import COORDINATOR, post_acts, role_required
from frontend.views.visits import account_feed_context

STATE_LABELS = dict(InvitationState.choices)


@role_required(*COORDINATOR)
def invitation_index(request):
    page = Paginator(invitation_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "frontend/people/invitations.html", {
        "invitations": page, "page": page, "state_labels": STATE_LABELS,
        "open_states": (InvitationState.SENT, InvitationState.EXPIRED)})


def _invite_context(request, values, errors) -> dict:
    user = request.user
    return {"values": values, "errors": errors,
            "municipalities": Municipality.objects.filter(prefecture_id=user.prefecture_id).order_by("code"),
            "experts": expert_list(user=user).filter(user__isnull=True, listed=True).prefetch_related(None)
                                             .only("id", "name", "email"),
            "roles": [(UserRole.MUNICIPAL, UserRole.MUNICIPAL.label), (UserRole.EXPERT, UserRole.EXPERT.label)]}


@role_required(*COORDINATOR)
@require_http_methods(["GET", "POST"])
def invitation_new(request):
    if request.method == "GET":
        return render(request, "frontend/people/invite.html",
                      _invite_context(request, {"role": request.GET.get("role", UserRole.MUNICIPAL),
                                                "municipality": request.GET.get("municipality", ""),
                                                "language": "ja"}, None))
    post = request.POST
    data = {"email": forms.text(post, "email"), "role": forms.text(post, "role"),
            "language": forms.text(post, "language") or "ja",
            "municipality": forms.text(post, "municipality") or None,
            "expert": forms.text(post, "expert") or None, "new_expert_name": forms.text(post, "new_expert_name")}
    if data["role"] == UserRole.MUNICIPAL:
        data["expert"], data["new_expert_name"] = None, ""
    else:
        data["municipality"] = None
    invitation, errors = forms.submit(InvitationInputSerializer, data,
                                      lambda valid: invitation_create(actor=request.user, **valid))
    if errors is None:
        messages.success(request, _("%(email)s に招待メールを送りました（有効期限は7日です）。") % {
            "email": invitation.email})
        return redirect("frontend:invitations")
    return render(request, "frontend/people/invite.html", _invite_context(request, data, errors), status=400)


def _invitation_action(request, pk: int, service, done: str):
    invitation = get_object_or_404(invitation_list(user=request.user), pk=pk)
    try:
        service(actor=request.user, invitation=invitation)
        messages.success(request, done % {"email": invitation.email})
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return redirect("frontend:invitations")


@role_required(*COORDINATOR)
@post_acts("frontend:invitations")
def invitation_resend_view(request, pk: int):
    return _invitation_action(request, pk, invitation_resend,
                              _("%(email)s に新しい招待リンクを送りました。以前のリンクは使えなくなりました。"))


@role_required(*COORDINATOR)
@post_acts("frontend:invitations")
def invitation_revoke_view(request, pk: int):
    return _invitation_action(request, pk, invitation_revoke, _("%(email)s への招待を取り消しました。"))


UNUSABLE_REASONS = {
    None: gettext_lazy("このリンクは無効です。URLが途中で切れていないか確認してください。"),
    InvitationState.USED: gettext_lazy("このリンクは既に使用されています。パスワードを忘れた場合は「パスワードを忘れた場合」から再設定してください。"),
    InvitationState.EXPIRED: gettext_lazy("このリンクの有効期限（7日間）が切れています。都道府県のコーディネーターに招待の再送を依頼してください。"),
    InvitationState.REVOKED: gettext_lazy("この招待は取り消されました。必要な場合は都道府県のコーディネーターにお問い合わせください。"),
}


@never_cache
@require_http_methods(["GET", "POST"])
def invitation_accept_view(request, token: str):
    """The invitee sets their password (no sign-in needed: the link is the proof), then signs in."""
    try:
        invitation = invitation_for_token(token)
    except InvitationUnusable as exc:
        return render(request, "frontend/people/invitation_unusable.html",
                      {"reason": UNUSABLE_REASONS[exc.state]}, status=410 if exc.state else 404)
    errors = None
    if request.method == "POST":
        password, again = request.POST.get("password1", ""), request.POST.get("password2", "")
        if password != again:
            errors = forms.FormErrors()
            errors.add("password2", _("確認用のパスワードが一致しません。"))
        else:
            try:
                user = invitation_accept(token=token, password=password)
                messages.success(request, _("パスワードを設定しました。ユーザー名 %(username)s でログインしてください。") % {
                    "username": user.username})
                return redirect("frontend:login")
            except InvitationUnusable as exc:
                return render(request, "frontend/people/invitation_unusable.html",
                              {"reason": UNUSABLE_REASONS[exc.state]}, status=410)
            except DomainError as exc:
                errors = forms.errors_from_domain(exc)
    return render(request, "frontend/people/set_password.html",
                  {"invitation": invitation, "errors": errors}, status=400 if errors else 200)


@role_required(*COORDINATOR)
def user_index(request):
    page = Paginator(managed_user_list(user=request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "frontend/people/users.html", {
        "users": page, "page": page, "locked_out": locked_out_usernames(u.username for u in page)})


def _managed(request, pk: int):
    """A login of the coordinator's prefecture; any other is a 404."""
    return get_object_or_404(managed_user_list(user=request.user), pk=pk)


@role_required(*COORDINATOR)
@post_acts("frontend:users")
def user_deactivate_view(request, pk: int):
    target = _managed(request, pk)
    if request.POST.get("confirmed") != "1":
        return render(request, "frontend/confirm.html", {
            "title": _("アカウントを無効にする"),
            "question": _("%(username)s のアカウントを無効にしますか") % {"username": target.username},
            "consequence": _("ログインできなくなり、APIトークンは失効し、ログイン中の画面も終了します。"
                             "登録内容や履歴は削除されません。"),
            "action": reverse("frontend:user-deactivate", args=[target.pk]), "confirm_label": _("無効にする"),
            "back": reverse("frontend:users")})
    return _on_managed_user(request, target, user_deactivate, _("%(username)s のアカウントを無効にしました。"))


def _on_managed_user(request, target, service, done: str):
    """Deactivate, reactivate or unlock one login of the coordinator's prefecture, then say what was done (or
    why not) on the users page."""
    try:
        service(actor=request.user, user=target)
        messages.success(request, done % {"username": target.username})
    except DomainError as exc:
        forms.flash_problems(request, exc)
    return redirect("frontend:users")


@role_required(*COORDINATOR)
@post_acts("frontend:users")
def user_reactivate_view(request, pk: int):
    return _on_managed_user(request, _managed(request, pk), user_reactivate,
                            _("%(username)s のアカウントを有効に戻しました。これまでのパスワードでログインできます。"))


@role_required(*COORDINATOR)
@post_acts("frontend:users")
def user_unlock_view(request, pk: int):
    return _on_managed_user(request, _managed(request, pk), user_unlock,
                            _("%(username)s のロックを解除しました。すぐにログインできます。"))


# -- passwords: Django's views, kenmu's templates; mail leaves from the worker ---------------------------------

class QueuedPasswordResetForm(PasswordResetForm):
    """Queues the reset mail for the worker instead of sending it in the request."""

    def save(self, *args, **kwargs) -> None:
        password_reset_request(email=self.cleaned_data["email"])


class AuditedSetPasswordForm(SetPasswordForm):
    def save(self, commit=True):
        user = super().save(commit)
        password_changed(actor=user, reset=True)
        return user


class AuditedPasswordChangeForm(PasswordChangeForm):
    def save(self, commit=True):
        user = super().save(commit)
        password_changed(actor=user, reset=False)
        return user


class PasswordResetView(auth_views.PasswordResetView):
    form_class = QueuedPasswordResetForm
    template_name = "frontend/people/password_reset.html"
    success_url = reverse_lazy("frontend:password-reset-done")

    def form_valid(self, form):
        messages.success(self.request, _("受け付けました。"))
        return super().form_valid(form)


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    form_class = AuditedSetPasswordForm
    template_name = "frontend/people/password_reset_confirm.html"
    success_url = reverse_lazy("frontend:login")

    def form_valid(self, form):
        messages.success(self.request, _("新しいパスワードを設定しました。ログインしてください。"))
        return super().form_valid(form)


class PasswordChangeView(auth_views.PasswordChangeView):
    form_class = AuditedPasswordChangeForm
    template_name = "frontend/people/password_change.html"
    success_url = reverse_lazy("frontend:home")

    def form_valid(self, form):
        messages.success(self.request, _("パスワードを変更しました。"))
        return super().form_valid(form)


password_reset = PasswordResetView.as_view()
password_reset_done = auth_views.PasswordResetDoneView.as_view(template_name="frontend/people/password_reset_done.html")
password_reset_confirm = PasswordResetConfirmView.as_view()
password_change = PasswordChangeView.as_view()


@login_required
@require_http_methods(["GET", "POST"])
def account(request):
    """The signed-in user's own account: their e-mail address (where notifications and resets go), the phone
    number the other side of an active engagement sees, and a link to change the password. Any role; the service refuses anyone but the user themself."""
    values, errors = {"email": request.user.email, "phone": request.user.phone}, None
    if request.method == "POST":
        values = {"email": forms.text(request.POST, "email"), "phone": forms.text(request.POST, "phone")}
        try:
            user_contact_update(actor=request.user, user=request.user, email=values["email"], phone=values["phone"])
        except DomainError as exc:
            errors = forms.errors_from_domain(exc)
        else:
            messages.success(request, _("連絡先を保存しました。"))
            return redirect("frontend:account")
    return render(request, "frontend/people/account.html", {"values": values, "errors": errors,
                                                            **account_feed_context(request)},
                  status=400 if errors else 200)
