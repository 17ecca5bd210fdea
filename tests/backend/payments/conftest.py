"""Small helpers for what is owed: an engagement on a need with a fee basis, and worklog months written directly
(the worklog's services and factories are another part of issue 23)."""

import datetime as dt
import itertools
from decimal import Decimal

from django.utils import timezone

from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.worklog.models import WorkAdjustment, WorkDay, WorkMonth, WorkMonthStatus
from tests.backend.factories import ExpertFactory, NeedFactory

_references = itertools.count(1)


def engaged(*, municipality="202011", basis="annual", fee=1_200_000, fee_amount=None, offered_fee=None,
            hours_per_day=None, budget=2_400_000, travel=0, onsite_days=0, days=48, fee_reason="",
            starts_on=dt.date(2027, 4, 1), ends_on=dt.date(2028, 3, 31), status="active", expert=None):
    """An engagement of FY2027 on a need paid by `basis` ("" for a need that states none)."""
    need = NeedFactory(
        municipality_id=municipality, budget=budget, days_per_year=days, status="filled",
        onsite_required=bool(onsite_days), onsite_days=onsite_days, fee_basis=basis,
        fee_amount=(fee_amount or fee) if basis else None, offered_fee=(offered_fee or fee) if basis else None,
        fee_hours_per_day=hours_per_day)
    return Engagement.objects.create(
        expert=expert or ExpertFactory(), municipality_id=municipality, need=need, fiscal_year=2027,
        starts_on=starts_on, ends_on=ends_on, weekdays=["mon"], days_per_year=days, fee=fee, travel_cost=travel,
        fee_reason=fee_reason, employment_form="special_part_time", status=status,
        pledge_signed_at=timezone.now(), pledge_version=PLEDGE_VERSION)


def month_logged(engagement, year, month, *, by, days=(), status=WorkMonthStatus.CONFIRMED):
    """A month of `engagement` with its days: each (day, hours, onsite) or a dict of WorkDay fields."""
    confirmed = status == WorkMonthStatus.CONFIRMED
    work_month = WorkMonth.objects.create(
        engagement=engagement, year=year, month=month, status=status, deadline=dt.date(year, month, 28),
        reference=f"KM-T{next(_references):04d}", confirmed_at=timezone.now() if confirmed else None,
        confirmed_by=by if confirmed else None)
    for entry in days:
        fields = entry if isinstance(entry, dict) else dict(zip(("day", "hours", "onsite"), entry, strict=True))
        day = fields.pop("day")
        WorkDay.objects.create(month=work_month, date=dt.date(year, month, day), hours=Decimal(fields.pop("hours", 6)),
                               topics="定例会議", done="情報セキュリティの点検", logged_by=by, **fields)
    return work_month


def adjusted(work_month, *, by):
    return WorkAdjustment.objects.create(month=work_month, day_date=dt.date(work_month.year, work_month.month, 1),
                                         before=None, after={"hours": "2"}, reason="記録漏れ", made_by=by)
