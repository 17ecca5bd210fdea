"""An active engagement of 長野市 in the fiscal year of last month, and weekdays of last month to log (past days,
whatever day the suite runs)."""

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from backend.core.fiscal import fiscal_year_end, fiscal_year_of, fiscal_year_start
from backend.engagements.models import Engagement
from tests.backend.factories import NeedFactory


def last_month_weekdays() -> list[dt.date]:
    first = (timezone.localdate().replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    days, day = [], first
    while day.month == first.month:
        if day.weekday() < 5:
            days.append(day)
        day += dt.timedelta(days=1)
    return days


def active_engagement(expert, *, municipality_id: str = "202011", days_per_year: int = 48) -> Engagement:
    year = fiscal_year_of(last_month_weekdays()[0])
    now = timezone.now()
    return Engagement.objects.create(
        expert=expert, municipality_id=municipality_id,
        need=NeedFactory(municipality_id=municipality_id, status="filled", fiscal_year=year),
        fiscal_year=year, starts_on=fiscal_year_start(year), ends_on=fiscal_year_end(year), weekdays=["mon"],
        days_per_year=days_per_year, fee=2_400_000, employment_form="special_part_time", status="active",
        municipality_accepted_at=now, expert_accepted_at=now, pledge_signed_at=now, pledge_version="2027-1")


def day_data(date: dt.date, **extra) -> dict:
    return {"date": date, "onsite": True, "hours": Decimal("7.5"), "topics": "情報セキュリティポリシーの改定",
            "done": "改定案の条文を担当課と確認した。", **extra}


@pytest.fixture
def days():
    return last_month_weekdays()


@pytest.fixture
def engagement(expert_user):
    return active_engagement(expert_user.expert)
