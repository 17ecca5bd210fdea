"""Who adds and removes closed days (issue 23, item 1): a prefecture's days its coordinator, a municipality's its
staff; every other role gets a 403 and nothing is written."""

import datetime as dt

import pytest

from backend.calendar import services
from backend.calendar.models import ClosedDay
from backend.calendar.services import closed_day_create, closed_day_delete
from backend.core.errors import ForbiddenError
from backend.core.models import AuditLog
from tests.backend.factories import UserFactory
from tests.backend.permissions import services_taking_an_actor

PREFECTURE_DAY = {"date": dt.date(2026, 11, 2), "label": "県民の日", "prefecture": "20"}
MUNICIPAL_DAY = {"date": dt.date(2026, 8, 14), "label": "市の閉庁日", "municipality": "202011"}


@pytest.fixture
def admin(db):
    return UserFactory(role="admin")


@pytest.mark.parametrize("role", ["other_coordinator", "municipal", "expert_user"])
def test_only_the_prefectures_coordinator_adds_its_closed_days(request, role):
    with pytest.raises(ForbiddenError):
        closed_day_create(actor=request.getfixturevalue(role), data=PREFECTURE_DAY)
    assert not ClosedDay.objects.exists() and not AuditLog.objects.exists()


@pytest.mark.parametrize("role", ["other_municipal", "coordinator", "expert_user", "admin"])
def test_only_the_municipalitys_staff_add_its_closed_days(request, role):
    with pytest.raises(ForbiddenError):
        closed_day_create(actor=request.getfixturevalue(role), data=MUNICIPAL_DAY)
    assert not ClosedDay.objects.exists() and not AuditLog.objects.exists()


@pytest.mark.parametrize("role", ["other_coordinator", "municipal", "expert_user"])
def test_only_the_prefectures_coordinator_removes_its_closed_days(request, coordinator, role):
    day = closed_day_create(actor=coordinator, data=PREFECTURE_DAY)
    with pytest.raises(ForbiddenError):
        closed_day_delete(actor=request.getfixturevalue(role), closed_day=day)
    assert ClosedDay.objects.filter(pk=day.pk).exists() and AuditLog.objects.count() == 1


@pytest.mark.parametrize("role", ["other_municipal", "coordinator", "expert_user"])
def test_only_the_municipalitys_staff_remove_its_closed_days(request, municipal, role):
    day = closed_day_create(actor=municipal, data=MUNICIPAL_DAY)
    with pytest.raises(ForbiddenError):
        closed_day_delete(actor=request.getfixturevalue(role), closed_day=day)
    assert ClosedDay.objects.filter(pk=day.pk).exists() and AuditLog.objects.count() == 1


def test_every_write_of_the_calendar_is_in_the_table():
    assert services_taking_an_actor(services) == {"closed_day_create", "closed_day_delete"}
