import pytest
from rest_framework.test import APIClient

from tests.backend.factories import (
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


@pytest.fixture
def coordinator(db):
    return CoordinatorFactory(prefecture_id="20")


@pytest.fixture
def other_coordinator(db):
    return CoordinatorFactory(prefecture_id="19")


@pytest.fixture
def municipal(db):
    return MunicipalStaffFactory(municipality_id="202011")  # 長野市


@pytest.fixture
def other_municipal(db):
    return MunicipalStaffFactory(municipality_id="202029")  # 松本市


@pytest.fixture
def expert_user(db):
    return ExpertUserFactory(expert=ExpertFactory(registering_prefecture_id="20"))


@pytest.fixture
def other_expert_user(db):
    return ExpertUserFactory(expert=ExpertFactory(registering_prefecture_id="20"))


@pytest.fixture
def committed_db(transactional_db):
    """A database whose writes other connections (threads, the worker process) can see.

    The flush after each transactional test empties every table, so the register is loaded again.
    """
    from backend.geo.services import register_load

    register_load()
    yield


@pytest.fixture
def smtp_inbox(settings):
    """A real SMTP server on 127.0.0.1 and a free port, and the settings EMAIL_URL=smtp://… makes for it."""
    from aiosmtpd.controller import Controller

    from backend.config.settings.base import email_settings
    from tests.backend.mail import SmtpInbox, free_port

    inbox = SmtpInbox("127.0.0.1", free_port())
    controller = Controller(inbox, hostname=inbox.host, port=inbox.port)
    controller.start()
    for name, value in email_settings(inbox.url).items():
        setattr(settings, name, value)
    try:
        yield inbox
    finally:
        controller.stop()
