"""Engagements with chosen dates, made active through the real service (which records the register)."""

import datetime as dt

from django.utils import timezone

from backend.accounts.models import User
from backend.core.fiscal import fiscal_year_of
from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import engagement_respond
from backend.experts.models import Expert
from tests.backend.factories import ExpertUserFactory, NeedFactory

# A fiscal year that has not begun and whose dates the tests name: 令和9年度.
FY_START, FY_END = dt.date(2027, 4, 1), dt.date(2028, 3, 31)


def expert_user(expert: Expert) -> User:
    return User.objects.filter(expert=expert).first() or ExpertUserFactory(expert=expert)


def serve(expert: Expert, *, municipality: str = "202011", starts_on: dt.date = FY_START,
          ends_on: dt.date = FY_END, replaces: Engagement | None = None) -> Engagement:
    """An engagement the municipality has accepted; the expert's acceptance with the signed pledge makes it
    active (and, for a successor, ends the engagement it replaces the day before it starts)."""
    need = replaces.need if replaces else NeedFactory(municipality_id=municipality,
                                                      fiscal_year=fiscal_year_of(starts_on))
    engagement = Engagement.objects.create(
        expert=expert, municipality_id=municipality, need=need, fiscal_year=need.fiscal_year, starts_on=starts_on,
        ends_on=ends_on, weekdays=["mon"], days_per_year=48, fee=2_400_000, employment_form="special_part_time",
        municipality_accepted_at=timezone.now(), replaces=replaces)
    return engagement_respond(actor=expert_user(expert), engagement=engagement, accept=True,
                              pledge_version=PLEDGE_VERSION)


def today() -> dt.date:
    return timezone.localdate()


def state_on_today(starts_on: dt.date, ends_on: dt.date) -> str:
    """What the register says of a period today (the fiscal-year tests name fixed dates)."""
    if ends_on < max(starts_on, today()):
        return "ended"
    return "not_started" if starts_on > today() else "in_force"


STATE_LABELS = {"in_force": "制限中", "ended": "終了", "not_started": "開始前"}
