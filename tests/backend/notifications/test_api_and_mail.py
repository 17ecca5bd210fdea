"""The notifications API serves each user their own (another user's is a 404, to read and to mark), and the
e-mail goes through a task enqueued on commit, in the recipient's language, once."""

import pytest
from django.core import mail
from django.db import transaction
from django_tasks_db.models import DBTaskResult

from backend.notifications.mail import notification_email_send
from backend.notifications.models import Notification, NotificationKind
from backend.notifications.services import notification_email_preference_update, notify
from tests.backend.conftest import client_for
from tests.backend.factories import MunicipalStaffFactory

K = NotificationKind
TASK = "backend.notifications.tasks.send_notification_email"


def _notify(*users, run=1):
    return notify(recipients=users, kind=K.RUN_FAILED, link=f"/runs/{run}/",
                  params={"run": run, "fy": 2027, "started": "2027-04-01T01:00:00+00:00"})


def test_the_list_shows_only_the_users_own_notifications_newest_first(municipal, coordinator):
    _notify(municipal, run=1)
    _notify(coordinator, run=2)
    _notify(municipal, run=3)
    response = client_for(municipal).get("/api/v1/notifications/")
    assert response.status_code == 200
    assert [n["link"] for n in response.json()["results"]] == ["/runs/3/", "/runs/1/"]


def test_nobody_reads_or_marks_another_users_notification(municipal, coordinator):
    (theirs,) = _notify(coordinator)
    client = client_for(municipal)
    assert client.get(f"/api/v1/notifications/{theirs.pk}/").status_code == 404
    assert client.post(f"/api/v1/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_marking_read_through_the_api_lowers_the_count(municipal):
    first, _second = _notify(municipal, run=1), _notify(municipal, run=2)
    client = client_for(municipal)
    response = client.post(f"/api/v1/notifications/{first[0].pk}/read/")
    assert response.status_code == 200 and response.json()["read_at"] is not None
    response = client.post("/api/v1/notifications/read-all/")
    assert response.json() == {"marked": 1, "unread": 0}
    municipal.refresh_from_db()
    assert municipal.unread_notifications == 0


def test_the_email_task_is_enqueued_on_commit_and_not_sent_in_the_request(municipal,
                                                                          django_capture_on_commit_callbacks):
    municipal.email = "staff@city.nagano.example"
    municipal.save()
    with django_capture_on_commit_callbacks(execute=True):
        (notification,) = _notify(municipal)
        assert not DBTaskResult.objects.filter(task_path=TASK).exists()  # not before the commit
    task = DBTaskResult.objects.get(task_path=TASK)
    assert task.args_kwargs["args"] == [notification.pk]
    assert mail.outbox == []


def test_no_email_task_when_the_transaction_rolls_back(municipal, django_capture_on_commit_callbacks):
    municipal.email = "staff@city.nagano.example"
    municipal.save()
    with (django_capture_on_commit_callbacks(execute=True) as callbacks, pytest.raises(RuntimeError),
          transaction.atomic()):
        _notify(municipal)
        raise RuntimeError("the action fails after notifying")
    assert callbacks == []
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()
    assert not Notification.objects.exists()


def test_no_email_task_for_a_muted_kind_or_a_user_without_address(municipal, coordinator,
                                                                   django_capture_on_commit_callbacks):
    municipal.email = "staff@city.nagano.example"
    municipal.save()
    notification_email_preference_update(actor=municipal, muted_kinds=[K.RUN_FAILED])
    with django_capture_on_commit_callbacks(execute=True):
        _notify(municipal, coordinator)  # the coordinator has no address
    assert Notification.objects.count() == 2
    assert not DBTaskResult.objects.filter(task_path=TASK).exists()


def test_the_task_mails_the_notification_once_in_the_recipients_language(settings):
    settings.KENMU_BASE_URL = "https://kenmu.example.jp/"
    english = MunicipalStaffFactory(email="staff@example.org", language="en")
    (notification,) = _notify(english, run=7)
    assert notification_email_send(notification_id=notification.pk) == "sent"
    assert notification_email_send(notification_id=notification.pk) == "skipped"
    (message,) = mail.outbox
    assert message.to == ["staff@example.org"]
    assert message.subject == "[kenmu] Match run (FY2027 1 Apr 2027 10:00) failed"
    assert "https://kenmu.example.jp/runs/7/" in message.body
    assert "https://kenmu.example.jp/notifications/settings/" in message.body


def test_the_task_sends_nothing_once_the_kind_is_turned_off(municipal):
    municipal.email = "staff@city.nagano.example"
    municipal.save()
    (notification,) = _notify(municipal)
    notification_email_preference_update(actor=municipal, muted_kinds=[K.RUN_FAILED])
    assert notification_email_send(notification_id=notification.pk) == "skipped"
    assert mail.outbox == []


def test_the_email_task_runs_through_the_tasks_api(municipal):
    from backend.notifications.tasks import send_notification_email

    municipal.email = "staff@city.nagano.example"
    municipal.save()
    (notification,) = _notify(municipal)
    assert send_notification_email.call(notification.pk) == "sent"
    assert mail.outbox[0].subject == "[kenmu] マッチング（令和9年度 令和9年4月1日 10:00）が失敗しました"
