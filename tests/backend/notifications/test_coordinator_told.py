"""The coordinator is told of what waits for their decision: a new application and an affiliation change request
(issue 21 item 14: nothing told them)."""

import pytest

from backend.applications.services import expert_application_submit
from backend.experts.services import affiliation_change_request
from backend.geo.models import Prefecture
from backend.notifications.models import Notification, NotificationKind
from tests.backend.factories import AffiliationFactory, CoordinatorFactory, ExpertUserFactory, VendorFactory

pytestmark = pytest.mark.django_db

APPLICATION = {"name": "応募 次郎", "name_kana": "おうぼ じろう", "email": "jiro@example.jp", "phone": "",
               "skills": {"security": 3}, "capacity_days": 48, "weekdays": ["tue"], "daily_rate": 45_000,
               "employment_forms": ["contract"], "affiliations": [], "pledge": True}


def test_a_new_application_tells_the_coordinators_of_the_prefecture_applied_to():
    nagano, yamanashi = CoordinatorFactory(prefecture_id="20"), CoordinatorFactory(prefecture_id="19")
    application = expert_application_submit(prefecture=Prefecture.objects.get(code="20"), data=APPLICATION,
                                            language="ja")
    (told,) = Notification.objects.filter(kind=NotificationKind.APPLICATION_RECEIVED)
    assert told.recipient == nagano and not Notification.objects.filter(recipient=yamanashi).exists()
    assert told.link == f"/applications/{application.pk}/" and "応募 次郎" in told.text


def test_an_affiliation_change_request_tells_the_experts_coordinator():
    coordinator = CoordinatorFactory(prefecture_id="20")
    user = ExpertUserFactory()
    vendor = AffiliationFactory(expert=user.expert, vendor=VendorFactory(name="信州情報システム株式会社")).vendor
    affiliation_change_request(actor=user, expert=user.expert, kind="end", vendor=vendor,
                               ended_on="2027-03-31")
    (told,) = Notification.objects.filter(kind=NotificationKind.AFFILIATION_CHANGE_REQUESTED)
    assert told.recipient == coordinator and told.link == "/affiliation-changes/"
    assert user.expert.name in told.text and "信州情報システム株式会社" in told.text
