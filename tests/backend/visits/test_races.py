"""Two moves at the same moment onto one date of one expert, from two engagements (two municipalities): the
database keeps one place per expert and day, and the move that loses is told so by name (real PostgreSQL, real
threads; the two moves lock different engagements, so only the constraint stands between them)."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.calendar.selectors import closed_days
from backend.core.errors import ConflictError
from backend.core.fiscal import fiscal_year_of
from backend.engagements.models import Engagement
from backend.visits.models import PlannedVisit, VisitStatus
from tests.backend.concurrency import race
from tests.backend.factories import ExpertUserFactory, MunicipalStaffFactory, NeedFactory

pytestmark = pytest.mark.django_db(transaction=True)


def _free_weekday(after: dt.date, *skip: dt.date) -> dt.date:
    day = after
    while day.weekday() >= 5 or day in closed_days(fiscal_year_of(day)) or day in skip:
        day += dt.timedelta(days=1)
    return day


def _engagement(expert, code: str) -> Engagement:
    today = timezone.localdate()
    return Engagement.objects.create(
        expert=expert, municipality_id=code, need=NeedFactory(municipality_id=code, status="filled"),
        fiscal_year=fiscal_year_of(today), starts_on=today, ends_on=today + dt.timedelta(days=120),
        weekdays=["mon", "tue", "wed", "thu", "fri"], days_per_year=12, fee=600_000,
        employment_form="special_part_time", status="active", municipality_accepted_at=timezone.now(),
        expert_accepted_at=timezone.now(), pledge_signed_at=timezone.now(), pledge_version="2027-1")


def test_two_towns_moving_their_visits_onto_one_date_of_the_expert_at_once_leave_one_visit_there(committed_db):
    from backend.visits.services import visit_move

    expert = ExpertUserFactory().expert
    first, second = _engagement(expert, "202011"), _engagement(expert, "202029")
    a = _free_weekday(timezone.localdate() + dt.timedelta(days=14))
    b = _free_weekday(a + dt.timedelta(days=1))
    target = _free_weekday(b + dt.timedelta(days=1))
    visits = [PlannedVisit.objects.create(engagement=first, expert=expert, date=a),
              PlannedVisit.objects.create(engagement=second, expert=expert, date=b)]
    staff = [MunicipalStaffFactory(municipality_id="202011"), MunicipalStaffFactory(municipality_id="202029")]

    outcomes = race([(lambda s=s, v=v: visit_move(actor=s, visit=v, to_date=target, reason="議会日程"))
                     for s, v in zip(staff, visits, strict=True)], expected=(ConflictError,))

    assert sorted(type(o).__name__ for o in outcomes) == ["ConflictError", "PlannedVisit"], outcomes
    refused = next(o for o in outcomes if isinstance(o, ConflictError))
    assert refused.problems[0].field == "to_date"
    assert PlannedVisit.objects.filter(expert=expert, date=target, status=VisitStatus.PLANNED).count() == 1
    assert set(PlannedVisit.objects.values_list("date", flat=True)) in ({target, b}, {a, target})
