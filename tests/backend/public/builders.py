"""A published year of 長野県 (FY2026) for the public page's tests: 長野市 with six confirmed days and five needs,
松本市 with two confirmed days and one need, an exception with its reason and a bid restriction in force."""

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from backend.engagements.models import CoiOverride, Engagement
from backend.public.models import PublishedYear
from backend.restrictions.models import BidRestriction
from backend.worklog.models import WorkDay, WorkMonth
from tests.backend.factories import (
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    NeedFactory,
    VendorFactory,
)

FY = 2026
REASON = "県内で唯一、基幹業務システム標準化の移行経験がある人材のため（受託事業者の業務には関与しない）"


@dataclass
class PublicWorld:
    coordinator: object
    year: PublishedYear
    nagano_expert: object
    matsumoto_expert: object
    override: CoiOverride
    vendor: object


def _engagement(expert, municipality_id: str, **fields) -> Engagement:
    now = timezone.now()
    return Engagement.objects.create(
        expert=expert, municipality_id=municipality_id, fiscal_year=FY, starts_on=dt.date(FY, 4, 1),
        ends_on=dt.date(FY + 1, 3, 31), weekdays=["mon"], days_per_year=48, fee=2_400_000,
        need=NeedFactory(municipality_id=municipality_id, fiscal_year=FY, status="filled"),
        employment_form="special_part_time", status="active", municipality_accepted_at=now, expert_accepted_at=now,
        pledge_signed_at=now, **fields)


def _month(engagement, user, days: list[int], *, status="confirmed", month=4, **day_fields) -> WorkMonth:
    now = timezone.now()
    work_month = WorkMonth.objects.create(
        engagement=engagement, year=FY, month=month, deadline=dt.date(FY, month + 1, 12),
        reference=f"KM-{engagement.pk}{month}{status[:2]}", status=status, submitted_at=now,
        confirmed_at=now if status == "confirmed" else None, confirmed_by=user if status == "confirmed" else None)
    for day in days:
        WorkDay.objects.create(month=work_month, date=dt.date(FY, month, day), hours=7, topics="助言",
                               done="情報化計画について助言した。", logged_by=user, **day_fields)
    return work_month


def public_world(*, show_expert_names: bool = False) -> PublicWorld:
    coordinator = CoordinatorFactory(prefecture_id="20")
    nagano_expert = ExpertFactory(name="長野 一郎", email="ichiro@example.jp", phone="090-1111-2222")
    matsumoto_expert = ExpertFactory(name="松本 花子", email="hanako@example.jp", phone="090-3333-4444")
    vendor = VendorFactory(name="信州データ株式会社")
    override = CoiOverride.objects.create(expert=matsumoto_expert, municipality_id="202029", fiscal_year=FY,
                                          reason=REASON, created_by=coordinator)
    nagano = _engagement(nagano_expert, "202011")
    matsumoto = _engagement(matsumoto_expert, "202029", coi_override=override)
    for _ in range(4):  # 長野市 posted five needs in all: the filled one above and four more
        NeedFactory(municipality_id="202011", fiscal_year=FY)
    user = ExpertUserFactory(expert=nagano_expert)
    _month(nagano, user, [6, 7, 8, 9, 10, 13])
    _month(nagano, user, [11, 12], month=5, status="submitted")  # not confirmed yet: not counted
    _month(matsumoto, user, [6, 7])
    _month(matsumoto, user, [8], month=6, counted=False)  # confirmed but left uncounted
    BidRestriction.objects.create(vendor=vendor, expert=nagano_expert, municipality_id="202011", engagement=nagano,
                                  relation="employee", starts_on=dt.date(FY, 4, 1), ends_on=dt.date(FY + 1, 3, 31))
    year = PublishedYear.objects.create(prefecture_id="20", fiscal_year=FY, published_at=timezone.now(),
                                        published_by=coordinator, show_expert_names=show_expert_names)
    return PublicWorld(coordinator=coordinator, year=year, nagano_expert=nagano_expert,
                       matsumoto_expert=matsumoto_expert, override=override, vendor=vendor)
