"""Writes on accounts: logins and their invitations (made, sent, resent, revoked, used) with the set-password
link, coordinators made from the command line, deactivation, and API tokens (django-rest-knox), each here and
nowhere else. Whom a coordinator invites, and the expert an invitation or an accepted application registers,
is decided above, in the applications app, which calls `invited_user_create` and `invitation_send`; accounts
imports no other domain app's logic.

Only digests of secrets are stored: a knox token's SHA-512, an invitation link's SHA-256 (the link itself
is an HMAC of the invitation with SECRET_KEY, made again by the mail worker). Mail is queued with
`mail_enqueue` and leaves after the transaction commits, from the task worker.
"""

import hashlib
import secrets
from datetime import datetime, timedelta

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import constant_time_compare, salted_hmac
from django.utils.translation import gettext_lazy as _
from knox.models import AuthToken

from backend.accounts.errors import ErrorCode
from backend.accounts.models import Invitation, InvitationState, User, UserRole
from backend.accounts.permissions import coordinates, is_admin
from backend.accounts.selectors import locked_out_usernames
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import ConflictError, DomainError, FieldProblem, ForbiddenError, interpolate
from backend.core.mail import link
from backend.core.ratelimit import rate_limit_hit
from backend.core.tasks import mail_enqueue

INVITED_ROLES = (UserRole.MUNICIPAL, UserRole.EXPERT)
# Reset mails one address may be sent in a window, whoever asks (the answer on the page is the same).
RESET_MAILS_PER_WINDOW, RESET_WINDOW_S = 3, 15 * 60


# -- the set-password link ---------------------------------------------------------------------------------

def invitation_token(invitation: Invitation) -> str:
    """The secret in the invitation's link; only SECRET_KEY and the row's nonce make it again."""
    return salted_hmac("kenmu.invitation", f"{invitation.pk}:{invitation.nonce}").hexdigest()


def token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def invitation_link(invitation: Invitation) -> str:
    return link(reverse("frontend:invitation-accept", args=[invitation_token(invitation)]))


def _issue(invitation: Invitation) -> None:
    """A new link (the earlier one stops working), valid KENMU_INVITATION_VALID_DAYS from now."""
    now = timezone.now()
    invitation.nonce = secrets.token_urlsafe(16)
    invitation.sent_at, invitation.expires_at = now, now + timedelta(days=settings.KENMU_INVITATION_VALID_DAYS)
    if invitation.pk is None:  # the digest needs the primary key: a unique placeholder until it exists
        invitation.token_hash = secrets.token_hex(32)
        invitation.save()
    invitation.token_hash = token_digest(invitation_token(invitation))
    invitation.save()


def invitation_snapshot(invitation: Invitation) -> dict:
    return {"email": invitation.email, "user": invitation.user.username, "role": invitation.user.role,
            "municipality": invitation.user.municipality_id, "expert": invitation.user.expert_id,
            "state": invitation.state, "expires_at": invitation.expires_at}


# -- who belongs to which prefecture --------------------------------------------------------------------------

def user_prefecture_code(user: User) -> str | None:
    """The prefecture whose coordinator manages this user: their own, their municipality's or their expert
    record's registering prefecture."""
    if user.role == UserRole.COORDINATOR:
        return user.prefecture_id
    if user.role == UserRole.MUNICIPAL and user.municipality_id:
        return user.municipality.prefecture_id
    if user.role == UserRole.EXPERT and user.expert_id:
        return user.expert.registering_prefecture_id
    return None


def check_coordinator_of(user: User, prefecture_code: str | None) -> None:
    """Refuses (403) anyone but the coordinator of `prefecture_code` or an administrator: the check, and the
    message, of every invitation and every managed login (the applications app asks it too)."""
    if coordinates(user, prefecture_code):
        return
    raise ForbiddenError.single("prefecture", ErrorCode.NOT_YOUR_PREFECTURE,
                                _("担当の都道府県の利用者のみ招待・管理できます。"))


def _check_new_login(email: str) -> str:
    username = email.strip().lower()
    if User.objects.filter(username=username).exists():
        raise ConflictError.single("email", ErrorCode.EXISTS, _("このメールアドレスのアカウントは既にあります。"))
    return username


def invitation_send(*, actor: User | None, user: User, prefecture_code: str, send: bool = True) -> Invitation:
    """An invitation for `user`, in the caller's transaction; its mail is queued for after the commit.

    `actor` is the coordinator of `prefecture_code` (or an administrator); None only for the command line's
    `coordinator_create`, which has no signed-in user."""
    if actor is not None:
        check_coordinator_of(actor, prefecture_code)
    invitation = Invitation(user=user, email=user.email, prefecture_id=prefecture_code,
                            invited_by=actor if getattr(actor, "pk", None) else None)
    _issue(invitation)
    audit_record(actor=actor, action=AuditAction.INVITATION_SEND, obj=invitation, prefecture=prefecture_code,
                 after=invitation_snapshot(invitation))
    if send:
        mail_enqueue(message="invitation", object_id=invitation.pk)
    return invitation


def invited_user_create(*, actor: User, email: str, role: str, language: str = "ja", municipality=None,
                        expert=None) -> User:
    """A login for staff of `municipality` or for `expert`, made by the coordinator of its prefecture; it
    cannot sign in until its password is set through an invitation."""
    check_coordinator_of(actor, municipality.prefecture_id if role == UserRole.MUNICIPAL and municipality
                          else expert.registering_prefecture_id if expert else None)
    user = User(username=_check_new_login(email), email=email.strip(), role=role, language=language,
                municipality=municipality, expert=expert)
    user.set_unusable_password()
    user.save()
    return user


def _locked_open_invitation(invitation: Invitation) -> Invitation:
    invitation = Invitation.objects.select_for_update().select_related("user").get(pk=invitation.pk)
    if invitation.state not in (InvitationState.SENT, InvitationState.EXPIRED):
        raise ConflictError.single("invitation", invitation.state, _("この招待は既に使用済みか取り消されています。"))
    return invitation


@transaction.atomic(durable=True)
def invitation_resend(*, actor: User, invitation: Invitation) -> Invitation:
    """A new link, valid 7 days from now, to the same address; the earlier link stops working."""
    check_coordinator_of(actor, invitation.prefecture_id)
    invitation = _locked_open_invitation(invitation)
    before = invitation_snapshot(invitation)
    _issue(invitation)
    audit_record(actor=actor, action=AuditAction.INVITATION_RESEND, obj=invitation,
                 prefecture=invitation.prefecture_id, before=before, after=invitation_snapshot(invitation))
    mail_enqueue(message="invitation", object_id=invitation.pk)
    return invitation


@transaction.atomic(durable=True)
def invitation_revoke(*, actor: User, invitation: Invitation) -> Invitation:
    """The link stops working and the login that never signed in is deactivated (kept for the history)."""
    check_coordinator_of(actor, invitation.prefecture_id)
    invitation = _locked_open_invitation(invitation)
    before = invitation_snapshot(invitation)
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    User.objects.filter(pk=invitation.user_id).update(is_active=False)
    AuthToken.objects.filter(user_id=invitation.user_id).delete()  # a deactivation ends every token
    audit_record(actor=actor, action=AuditAction.INVITATION_REVOKE, obj=invitation,
                 prefecture=invitation.prefecture_id, before=before, after=invitation_snapshot(invitation))
    return invitation


class InvitationUnusable(Exception):
    """The link is unknown, used, expired or revoked; `state` says which (None: unknown)."""

    def __init__(self, state: str | None):
        super().__init__(state or "unknown")
        self.state = state


def invitation_for_token(token: str, *, for_update: bool = False) -> Invitation:
    """The open invitation a link names, or InvitationUnusable."""
    queryset = Invitation.objects.select_related("user", "prefecture")
    if for_update:
        queryset = queryset.select_for_update()
    invitation = queryset.filter(token_hash=token_digest(token)).first()
    if invitation is None or not constant_time_compare(invitation_token(invitation), token):
        raise InvitationUnusable(None)
    if invitation.state != InvitationState.SENT:
        raise InvitationUnusable(invitation.state)
    return invitation


@transaction.atomic(durable=True)
def invitation_accept(*, token: str, password: str) -> User:
    """The invitee sets their password: the link is used up, the login can sign in.

    No actor, on purpose: the invitee is not signed in (they have no password yet); the link's secret is the
    proof of who they are, and the audit row names the invited login."""
    invitation = invitation_for_token(token, for_update=True)
    user = invitation.user
    try:
        validate_password(password, user)
    except ValidationError as exc:
        raise DomainError(*[FieldProblem("password", ErrorCode.WEAK, m) for m in exc.messages]) from None
    user.set_password(password)
    user.is_active = True
    user.save(update_fields=["password", "is_active"])
    invitation.used_at = timezone.now()
    invitation.save(update_fields=["used_at"])
    audit_record(actor=user, action=AuditAction.INVITATION_USE, obj=invitation, prefecture=invitation.prefecture_id,
                 after=invitation_snapshot(invitation))
    return user


@transaction.atomic(durable=True)
def coordinator_create(*, actor: User | None, username: str, email: str, prefecture,
                       language: str = "ja") -> tuple[User, str]:
    """A coordinator of one prefecture and their set-password link, for the caller to hand over (the
    command line prints it; nothing is mailed).

    `actor` None is the command line (`manage.py create_coordinator`): whoever runs it holds the server, and
    the audit row names no one. A signed-in actor must be an administrator."""
    if actor is not None and not is_admin(actor):
        raise ForbiddenError.single("user", ErrorCode.NOT_YOURS, _("コーディネーターを作成できるのはシステム管理者のみです。"))
    if User.objects.filter(username=username).exists():
        raise ConflictError.single("username", ErrorCode.EXISTS, _("このユーザー名は既に使われています。"))
    user = User(username=username, email=email, role=UserRole.COORDINATOR, prefecture=prefecture,
                language=language)
    user.set_unusable_password()
    user.save()
    audit_record(actor=actor, action=AuditAction.USER_CREATE_COORDINATOR, obj=user, prefecture=prefecture,
                 after={"username": username, "email": email, "prefecture": prefecture.pk})
    invitation = invitation_send(actor=actor, user=user, prefecture_code=prefecture.pk, send=False)
    return user, invitation_link(invitation)


def _end_sessions(user: User) -> int:
    """Delete the user's signed-in sessions (the session store keeps the user id inside the data)."""
    ended = [s.pk for s in Session.objects.filter(expire_date__gt=timezone.now()).iterator()
             if str(s.get_decoded().get("_auth_user_id")) == str(user.pk)]
    Session.objects.filter(pk__in=ended).delete()
    return len(ended)


def _check_manages(actor: User, user: User, refused) -> str | None:
    """The prefecture of a login its coordinator manages (municipal staff and experts; an administrator any):
    a 403 with `refused` for another role, the 403 of `check_coordinator_of` for another prefecture."""
    if user.role not in INVITED_ROLES and not is_admin(actor):
        raise ForbiddenError.single("user", ErrorCode.NOT_YOURS, refused)
    prefecture_code = user_prefecture_code(user)
    check_coordinator_of(actor, prefecture_code)
    return prefecture_code


@transaction.atomic(durable=True)
def user_deactivate(*, actor: User, user: User) -> User:
    """The user can no longer sign in: tokens revoked, sessions ended. Nothing is deleted; the history
    (audit rows, engagements, needs) keeps naming them."""
    prefecture_code = _check_manages(actor, user, _("コーディネーターが無効にできるのは市区町村職員と専門人材です。"))
    if user.pk == actor.pk:
        raise DomainError.single("user", ErrorCode.SELF, _("自分のアカウントは無効にできません。"))
    user = User.objects.select_for_update().get(pk=user.pk)
    user.is_active = False
    user.save(update_fields=["is_active"])
    tokens, _by_model = AuthToken.objects.filter(user=user).delete()
    sessions = _end_sessions(user)
    audit_record(actor=actor, action=AuditAction.USER_DEACTIVATE, obj=user, prefecture=prefecture_code,
                 before={"is_active": True}, after={"is_active": False, "tokens_revoked": tokens,
                                                    "sessions_ended": sessions})
    return user


@transaction.atomic(durable=True)
def user_reactivate(*, actor: User, user: User) -> User:
    """A deactivated login can sign in again with its password. The API tokens it held before stay dead: any
    a deactivation elsewhere left behind (an invitation's revocation, an older release) are revoked here, so
    a deactivation always ends them."""
    prefecture_code = _check_manages(actor, user, _("コーディネーターが有効に戻せるのは市区町村職員と専門人材です。"))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active:
        raise ConflictError.single("user", ErrorCode.ALREADY_ACTIVE, _("このアカウントは既に有効です。"))
    user.is_active = True
    user.save(update_fields=["is_active"])
    tokens, _by_model = AuthToken.objects.filter(user=user).delete()
    audit_record(actor=actor, action=AuditAction.USER_REACTIVATE, obj=user, prefecture=prefecture_code,
                 before={"is_active": False}, after={"is_active": True, "tokens_revoked": tokens})
    return user


@transaction.atomic(durable=True)
def user_unlock(*, actor: User, user: User) -> int:
    """Lift django-axes' lock-out of this login: the failed attempts counted for its username, from every
    address, are cleared, so it can sign in again at once. Returns how many attempt rows were cleared."""
    prefecture_code = _check_manages(actor, user, _("コーディネーターがロックを解除できるのは市区町村職員と専門人材です。"))
    if user.username not in locked_out_usernames([user.username]):
        raise ConflictError.single("user", ErrorCode.NOT_LOCKED_OUT, _("このアカウントはロックされていません。"))
    cleared = axes_reset(username=user.username)
    audit_record(actor=actor, action=AuditAction.USER_UNLOCK, obj=user, prefecture=prefecture_code,
                 before={"locked_out": True}, after={"locked_out": False, "failed_attempts_cleared": cleared})
    return cleared


# The longest address a login takes (User.email is 254; an invitation's login name is 150 long, so the same limit).
EMAIL_MAX = 150


@transaction.atomic(durable=True)
def user_contact_update(*, actor: User, user: User, email: str, phone: str | None = None) -> User:
    """A user sets their own e-mail address (a coordinator had no way to, issue 21): where notifications and
    resets go; and a phone number, which the other side of an active engagement sees. Only the user themself;
    checked, refused naming the field, audited before/after."""
    if user.pk != actor.pk:
        raise ForbiddenError.single("user", ErrorCode.NOT_YOURS, _("メールアドレスを変更できるのは本人のみです。"))
    email = (email or "").strip()
    if not email:
        raise DomainError.single("email", ErrorCode.REQUIRED, _("メールアドレスを入力してください。"))
    if len(email) > EMAIL_MAX:
        raise DomainError.single("email", ErrorCode.TOO_LONG, interpolate(
            _("メールアドレスは%(max)s文字以内で入力してください。"), max=EMAIL_MAX))
    try:
        validate_email(email)
    except ValidationError:
        raise DomainError.single("email", ErrorCode.INVALID_EMAIL,
                                 _("メールアドレスの形式が正しくありません（例：name@example.jp）。")) from None
    phone = user.phone if phone is None else phone.strip()
    if len(phone) > 32:
        raise DomainError.single("phone", ErrorCode.TOO_LONG, _("電話番号は32文字以内で入力してください。"))
    user = User.objects.select_for_update().get(pk=user.pk)
    before = {"email": user.email or None, "phone": user.phone or None}
    after = {"email": email, "phone": phone or None}
    if before == after:
        return user
    user.email, user.phone = email, phone
    user.save(update_fields=["email", "phone"])
    audit_record(actor=actor, action=AuditAction.USER_CONTACT_UPDATE, obj=user, prefecture=user_prefecture_code(user),
                 before=before, after=after)
    return user


# -- passwords (Django's reset and change views call these through their forms) ------------------------------

def password_reset_request(*, email: str) -> None:
    """Mail a reset link to each active user with this address and a password; the caller answers the same
    whether or not there is one.

    No actor, on purpose: whoever forgot their password cannot sign in. The link goes only to the address on
    record, and the audit row names no one."""
    if rate_limit_hit(scope="password-reset", client=email.strip().lower(), limit=RESET_MAILS_PER_WINDOW,
                      window_s=RESET_WINDOW_S):
        return  # the same answer: a flood of requests for one address sends no more mail (issue 21: 16 in 10 s)
    users = User.objects.filter(email__iexact=email.strip(), is_active=True)
    for user in users:
        if not user.has_usable_password():
            continue
        audit_record(actor=None, action=AuditAction.USER_PASSWORD_RESET_REQUEST, obj=user,
                     prefecture=user_prefecture_code(user))
        mail_enqueue(message="password_reset", object_id=user.pk)


def password_changed(*, actor: User, reset: bool) -> None:
    """The actor changed their own password (signed in), or set a new one through a reset link (the link
    proved who they are); Django's forms have saved it. Every API token dies with the old password (a token
    outlived a change and a reset, issue 21) — sessions do already, by Django's session hash — and it is
    audited with the number of tokens revoked."""
    tokens, _by_model = AuthToken.objects.filter(user=actor).delete()
    audit_record(actor=actor, action=AuditAction.USER_PASSWORD_RESET if reset else AuditAction.USER_PASSWORD_CHANGE,
                 obj=actor, prefecture=user_prefecture_code(actor), after={"tokens_revoked": tokens})


# -- API tokens ------------------------------------------------------------------------------------------

# Each of these acts on the actor's own tokens only: any signed-in role holds tokens, and another user's token
# is out of reach by construction (the query names the actor), so there is no other scope to refuse.

def auth_token_issue(*, actor: User) -> tuple[str, datetime]:
    """A new token for the actor, valid for REST_KNOX["TOKEN_TTL"]: (secret, expiry)."""
    instance, secret = AuthToken.objects.create(user=actor)
    return secret, instance.expiry


def auth_token_revoke(*, actor: User, token_key: str) -> bool:
    """Revoke the actor's token named by its key; False when the actor has no such token (another user's
    token is not theirs to revoke, and is not revealed to exist)."""
    deleted, _by_model = AuthToken.objects.filter(user=actor, token_key=token_key).delete()
    return deleted > 0


def auth_token_revoke_all(*, actor: User) -> None:
    AuthToken.objects.filter(user=actor).delete()
