import datetime as dt

import pytest
from django.utils import timezone

from backend.engagements.models import Engagement
from tests.backend.factories import NeedFactory


@pytest.fixture
def engagement(db, expert_user):
    """An active engagement of 長野市 for FY2027, a CIO adviser's (its default scheme: 特別交付税（CIO補佐官等）)."""
    return Engagement.objects.create(
        expert=expert_user.expert, municipality_id="202011", need=NeedFactory(status="filled", fiscal_year=2027),
        fiscal_year=2027, starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2028, 3, 31), weekdays=["mon"],
        days_per_year=48, fee=2_400_000, employment_form="special_part_time", status="active",
        pledge_signed_at=timezone.now())
