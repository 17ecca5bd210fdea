"""Notifications are read by their recipient only (issue 22, item 3): marking another user's notification is
refused by the service itself with a 403, whatever the role. The other writes act on the actor's own
notifications and e-mail choice; `notify` is called by the services that made the event and takes no actor."""

import pytest

from backend.core.errors import ForbiddenError
from backend.notifications import services
from backend.notifications.models import Notification, NotificationKind
from backend.notifications.services import notification_mark_read, notify
from tests.backend.permissions import services_taking_an_actor


@pytest.mark.parametrize("role", ["other_coordinator", "municipal", "expert_user", "other_expert_user"])
def test_no_one_but_the_recipient_marks_a_notification_read(request, coordinator, role):
    (theirs,) = notify(recipients=[coordinator], kind=NotificationKind.RUN_FAILED, link="/runs/9/",
                       params={"run": 9})

    with pytest.raises(ForbiddenError):
        notification_mark_read(actor=request.getfixturevalue(role), notification=theirs)

    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_writes_of_notifications_that_take_an_actor():
    assert services_taking_an_actor(services) == {"notification_mark_read", "notification_mark_all_read",
                                                  "notification_email_preference_update"}
