"""Mail leaves from the task worker only, after the commit, through the SMTP server EMAIL_URL names."""

import pytest
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from backend.accounts.models import Invitation, UserRole
from backend.accounts.services import invitation_token
from backend.applications.services import invitation_create
from backend.config.settings.base import email_settings
from backend.geo.models import Municipality
from tests.backend.factories import CoordinatorFactory
from tests.backend.mail import run_queued_tasks

pytestmark = pytest.mark.django_db(transaction=True)


def _invite(email: str, *, language: str = "ja") -> Invitation:
    return invitation_create(actor=CoordinatorFactory(prefecture_id="20"), email=email, role=UserRole.MUNICIPAL,
                             municipality=Municipality.objects.get(code="202011"), language=language)


def test_an_invitation_reaches_the_smtp_server_from_the_worker_with_its_link(committed_db, smtp_inbox, settings):
    settings.KENMU_BASE_URL = "https://kenmu.pref.example.lg.jp"
    invitation = _invite("tanaka@city.nagano.example.jp")
    assert smtp_inbox.received == []  # nothing is sent in the request, only queued

    run_queued_tasks()

    (received,) = smtp_inbox.received
    assert received.rcpt_tos == ["tanaka@city.nagano.example.jp"]
    assert received.subject == "【kenmu】長野県からの招待：パスワードを設定してください"
    link = f"https://kenmu.pref.example.lg.jp/welcome/{invitation_token(invitation)}/"
    assert link in received.body
    assert "有効期限：令和" in received.body
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"


def test_an_english_speaker_is_invited_in_english(committed_db, smtp_inbox):
    _invite("smith@city.nagano.example.jp", language="en")
    run_queued_tasks()
    (received,) = smtp_inbox.received
    assert received.subject == "[kenmu] Invitation from 長野県: please set your password"
    assert "Expires:" in received.body and "令和" not in received.body


def test_a_rolled_back_invitation_queues_no_mail(committed_db, smtp_inbox):
    # The service's body inside a caller's transaction (as an application's acceptance calls it) that fails.
    with pytest.raises(RuntimeError), transaction.atomic():
        invitation_create.__wrapped__(actor=CoordinatorFactory(prefecture_id="20"), email="x@example.jp",
                                      role=UserRole.MUNICIPAL, municipality=Municipality.objects.get(code="202011"))
        raise RuntimeError("the request fails after the service")
    assert DBTaskResult.objects.count() == 0
    run_queued_tasks()
    assert smtp_inbox.received == []


def test_email_url_configures_smtp_and_without_it_mail_goes_to_files():
    tls = email_settings("smtp+tls://kenmu:secret@mail.example.jp:587")
    assert tls["EMAIL_BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert (tls["EMAIL_HOST"], tls["EMAIL_PORT"], tls["EMAIL_USE_TLS"]) == ("mail.example.jp", 587, True)
    assert (tls["EMAIL_HOST_USER"], tls["EMAIL_HOST_PASSWORD"]) == ("kenmu", "secret")
    files = email_settings("")
    assert files["EMAIL_BACKEND"] == "django.core.mail.backends.filebased.EmailBackend"
    assert files["EMAIL_FILE_PATH"].endswith(".data/mail")
    with pytest.raises(Exception, match="EMAIL_URL"):
        email_settings("consolemail://")
