"""The accounts' messages, built by the mail worker: an invitation's set-password link and a password
reset link. Both secrets are made here, in the worker, and exist nowhere else but in the mail."""

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from django.utils.translation import gettext_noop

from backend.accounts.models import Invitation, InvitationState, User
from backend.accounts.services import invitation_link
from backend.core.fiscal import wareki_datetime
from backend.core.mail import Mail, link, mail_message, mail_render


@mail_message("invitation")
def invitation_mail(invitation_id: int) -> Mail | None:
    invitation = Invitation.objects.select_related("user", "prefecture", "invited_by").filter(
        pk=invitation_id).first()
    if invitation is None or invitation.state != InvitationState.SENT:
        return None  # revoked or used before the worker got to it
    return mail_render(
        to=invitation.email, language=invitation.user.language,
        subject=gettext_noop("【kenmu】%(prefecture)sからの招待：パスワードを設定してください"),
        template="accounts/mail/invitation.txt",
        context={"prefecture": invitation.prefecture.name, "user": invitation.user,
                 "link": invitation_link(invitation),
                 "expires_at": wareki_datetime(invitation.expires_at, english=invitation.user.language == "en")})


@mail_message("password_reset")
def password_reset_mail(user_id: int) -> Mail | None:
    user = User.objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.has_usable_password():
        return None
    path = reverse("frontend:password-reset-confirm", kwargs={
        "uidb64": urlsafe_base64_encode(force_bytes(user.pk)), "token": default_token_generator.make_token(user)})
    return mail_render(to=user.email, language=user.language,
                       subject=gettext_noop("【kenmu】パスワードの再設定"),
                       template="accounts/mail/password_reset.txt",
                       context={"user": user, "link": link(path)})
