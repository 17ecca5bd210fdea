"""Invitations: who may invite whom, the one-time link (single use, 7 days, only its digest stored),
resend and revoke, deactivation, and the coordinator made on the command line."""

import datetime as dt
import hashlib
import io

import pytest
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from knox.models import AuthToken

from backend.accounts.models import Invitation, InvitationState, User, UserRole
from backend.accounts.services import (
    InvitationUnusable,
    invitation_accept,
    invitation_for_token,
    invitation_resend,
    invitation_revoke,
    invitation_token,
    user_deactivate,
)
from backend.applications.services import invitation_create
from backend.core.errors import ConflictError, ForbiddenError
from backend.core.models import AuditLog
from backend.experts.models import Expert
from backend.geo.models import Municipality
from tests.backend.conftest import client_for
from tests.backend.factories import ExpertFactory, MunicipalStaffFactory

PASSWORD = "kenmu-set-by-invitee-2027"


def _invite_staff(coordinator, email="staff@city.nagano.example.jp", municipality="202011") -> Invitation:
    return invitation_create(actor=coordinator, email=email, role=UserRole.MUNICIPAL,
                             municipality=Municipality.objects.get(code=municipality))


def test_a_coordinator_invites_staff_of_their_prefecture_through_the_api(coordinator, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as queued:
        response = client_for(coordinator).post("/api/v1/invitations/", {
            "email": "staff@city.nagano.example.jp", "role": "municipal", "municipality": "202011"}, format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["username"], body["municipality"]) == ("sent", "staff@city.nagano.example.jp", "202011")
    assert len(queued) == 1  # the mail is queued for after the commit, not sent in the request
    user = User.objects.get(username="staff@city.nagano.example.jp")
    assert not user.has_usable_password() and user.role == UserRole.MUNICIPAL
    assert AuditLog.objects.filter(action="invitation.send", prefecture_id="20").count() == 1


def test_a_coordinator_cannot_invite_staff_of_another_prefecture(coordinator):
    response = client_for(coordinator).post("/api/v1/invitations/", {
        "email": "x@city.kofu.example.jp", "role": "municipal", "municipality": "192015"}, format="json")
    assert response.status_code == 403
    assert not User.objects.filter(username="x@city.kofu.example.jp").exists()


@pytest.mark.parametrize("who", ["municipal", "expert_user"])
def test_municipal_staff_and_experts_may_not_use_invitations(request, who, coordinator):
    client = client_for(request.getfixturevalue(who))
    invitation = _invite_staff(coordinator)
    assert client.get("/api/v1/invitations/").status_code == 403
    assert client.post("/api/v1/invitations/", {"email": "a@b.jp", "role": "municipal", "municipality": "202011"},
                       format="json").status_code == 403
    assert client.post(f"/api/v1/invitations/{invitation.pk}/revoke/").status_code == 403
    assert client.post("/api/v1/users/1/deactivate/").status_code == 403


def test_another_prefectures_invitations_are_not_found(coordinator, other_coordinator):
    invitation = _invite_staff(coordinator)
    client = client_for(other_coordinator)
    assert client.get("/api/v1/invitations/").json()["results"] == []
    assert client.get(f"/api/v1/invitations/{invitation.pk}/").status_code == 404
    assert client.post(f"/api/v1/invitations/{invitation.pk}/resend/").status_code == 404
    assert client.post(f"/api/v1/invitations/{invitation.pk}/revoke/").status_code == 404
    invitation.refresh_from_db()
    assert invitation.state == InvitationState.SENT


def test_an_expert_is_invited_as_registered_or_registered_with_the_invitation(coordinator):
    known = ExpertFactory(registering_prefecture_id="20")
    client = client_for(coordinator)
    assert client.post("/api/v1/invitations/", {"email": "known@example.jp", "role": "expert", "expert": known.pk},
                       format="json").status_code == 201
    assert User.objects.get(username="known@example.jp").expert == known
    created = client.post("/api/v1/invitations/", {"email": "new@example.jp", "role": "expert",
                                                   "new_expert_name": "新井 望"}, format="json")
    assert created.status_code == 201, created.content
    new = Expert.objects.get(name="新井 望")
    assert (new.registering_prefecture_id, new.email, created.json()["expert"]) == ("20", "new@example.jp", new.pk)
    # the same expert twice: they already have a login
    assert client.post("/api/v1/invitations/", {"email": "again@example.jp", "role": "expert", "expert": known.pk},
                       format="json").status_code == 409


def test_an_expert_the_coordinator_cannot_see_is_refused(coordinator):
    elsewhere = ExpertFactory(registering_prefecture_id="19")
    with pytest.raises(ForbiddenError):
        invitation_create(actor=coordinator, email="e@example.jp", role=UserRole.EXPERT, expert=elsewhere)


def test_an_address_with_an_account_is_not_invited_twice(coordinator):
    _invite_staff(coordinator, email="Staff@City.example.jp")
    with pytest.raises(ConflictError):
        _invite_staff(coordinator, email="staff@city.example.jp")


def test_only_a_digest_of_the_link_is_stored_and_the_link_sets_the_password_once(coordinator):
    invitation = _invite_staff(coordinator)
    token = invitation_token(invitation)
    stored = Invitation.objects.filter(pk=invitation.pk).values().get()
    assert token not in {str(v) for v in stored.values()}
    assert stored["token_hash"] == hashlib.sha256(token.encode()).hexdigest()

    user = invitation_accept(token=token, password=PASSWORD)
    assert user.check_password(PASSWORD)
    assert Invitation.objects.get(pk=invitation.pk).state == InvitationState.USED
    with pytest.raises(InvitationUnusable) as used:
        invitation_accept(token=token, password="another-long-password-1")
    assert used.value.state == InvitationState.USED
    assert User.objects.get(pk=user.pk).check_password(PASSWORD)


def test_a_link_expires_after_seven_days(coordinator):
    invitation = _invite_staff(coordinator)
    token = invitation_token(invitation)
    assert invitation.expires_at - invitation.sent_at == dt.timedelta(days=7)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(seconds=1))
    with pytest.raises(InvitationUnusable) as expired:
        invitation_accept(token=token, password=PASSWORD)
    assert expired.value.state == InvitationState.EXPIRED
    assert not User.objects.get(pk=invitation.user_id).has_usable_password()


def test_a_forged_or_altered_link_opens_nothing(coordinator):
    token = invitation_token(_invite_staff(coordinator))
    for wrong in (token[:-1] + ("0" if token[-1] != "0" else "1"), "x" * 64, ""):
        with pytest.raises(InvitationUnusable) as unknown:
            invitation_for_token(wrong)
        assert unknown.value.state is None


def test_resending_replaces_the_link_and_revoking_ends_it(coordinator):
    invitation = _invite_staff(coordinator)
    first = invitation_token(invitation)
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - dt.timedelta(days=1))
    resent = invitation_resend(actor=coordinator, invitation=invitation)
    second = invitation_token(resent)
    assert first != second and resent.state == InvitationState.SENT
    with pytest.raises(InvitationUnusable):
        invitation_for_token(first)
    assert invitation_for_token(second).pk == invitation.pk

    invitation_revoke(actor=coordinator, invitation=resent)
    with pytest.raises(InvitationUnusable) as revoked:
        invitation_for_token(second)
    assert revoked.value.state == InvitationState.REVOKED
    assert not User.objects.get(pk=invitation.user_id).is_active
    with pytest.raises(ConflictError):
        invitation_resend(actor=coordinator, invitation=resent)
    assert list(AuditLog.objects.filter(object_type="Invitation").values_list("action", flat=True).order_by("id")) == [
        "invitation.send", "invitation.resend", "invitation.revoke"]


def test_deactivating_ends_sessions_and_tokens_and_keeps_the_account(coordinator):
    staff = MunicipalStaffFactory(municipality_id="202011")
    AuthToken.objects.create(user=staff)
    session = SessionStore()
    session["_auth_user_id"] = str(staff.pk)
    session.create()
    response = client_for(coordinator).post(f"/api/v1/users/{staff.pk}/deactivate/")
    assert response.status_code == 200 and response.json()["is_active"] is False
    assert User.objects.filter(pk=staff.pk, is_active=False).exists()
    assert not AuthToken.objects.filter(user=staff).exists()
    assert not Session.objects.filter(pk=session.session_key).exists()
    assert AuditLog.objects.get(action="user.deactivate").after["sessions_ended"] == 1


def test_a_coordinator_deactivates_only_their_prefectures_users(coordinator, other_coordinator):
    kofu = MunicipalStaffFactory(municipality_id="192015")
    assert client_for(coordinator).post(f"/api/v1/users/{kofu.pk}/deactivate/").status_code == 404
    with pytest.raises(ForbiddenError):
        user_deactivate(actor=coordinator, user=kofu)
    with pytest.raises(ForbiddenError):
        user_deactivate(actor=coordinator, user=other_coordinator)
    assert User.objects.get(pk=kofu.pk).is_active


def test_create_coordinator_prints_a_link_that_sets_the_password():
    out = io.StringIO()
    call_command("create_coordinator", "sato", "sato@pref.nagano.example.jp", "長野県", stdout=out)
    user = User.objects.get(username="sato")
    assert (user.role, user.prefecture_id, user.has_usable_password()) == (UserRole.COORDINATOR, "20", False)
    token = out.getvalue().strip().rsplit("/welcome/", 1)[1].rstrip("/")
    invitation_accept(token=token, password=PASSWORD)
    assert User.objects.get(username="sato").check_password(PASSWORD)
    assert mail.outbox == []
    call_command("create_coordinator", "kato", "kato@example.jp", "19", stdout=io.StringIO())
    assert User.objects.get(username="kato").prefecture_id == "19"
    with pytest.raises(CommandError):
        call_command("create_coordinator", "x", "x@example.jp", "どこか県", stdout=io.StringIO())


def test_the_admin_creates_a_coordinator_only_with_a_prefecture(admin_client):
    form = {"username": "admin-made", "email": "c@example.jp", "role": "coordinator", "language": "ja",
            "usable_password": "true", "password1": PASSWORD, "password2": PASSWORD}
    refused = admin_client.post("/admin/accounts/user/add/", form)
    assert refused.status_code == 200 and not User.objects.filter(username="admin-made").exists()
    admin_client.post("/admin/accounts/user/add/", {**form, "prefecture": "20"})
    assert User.objects.get(username="admin-made").prefecture_id == "20"
