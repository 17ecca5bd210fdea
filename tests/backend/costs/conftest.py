"""Engagements of FY2027 financed by a named scheme (issue 24), for the cost table and the claim pack."""

import datetime as dt

from django.utils import timezone

from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.funding.models import SchemeKind
from backend.funding.selectors import schemes_of
from tests.backend.factories import ExpertFactory, NeedFactory


def scheme(kind: str, prefecture: str = "20"):
    return schemes_of(prefecture).get(kind=kind)


def financed(*, municipality="202011", role="cio_adviser", kind: str | None = None, fee=2_400_000, travel=0,
             budget=3_000_000, onsite_days=0, status="active", fiscal_year=2027, expert=None, name=None):
    """An engagement of the year under scheme `kind` (None: the role's default), paid as 年額."""
    need = NeedFactory(municipality_id=municipality, fiscal_year=fiscal_year, role=role, budget=budget,
                       status="filled" if status in ("active", "offered") else "open",
                       onsite_required=bool(onsite_days), onsite_days=onsite_days, fee_basis="annual",
                       fee_amount=fee, offered_fee=fee)
    active = status != "offered"
    return Engagement.objects.create(
        expert=expert or ExpertFactory(**({"name": name} if name else {})), municipality_id=municipality, need=need,
        fiscal_year=fiscal_year, starts_on=dt.date(fiscal_year, 4, 1), ends_on=dt.date(fiscal_year + 1, 3, 31),
        weekdays=["mon"], days_per_year=48, fee=fee, travel_cost=travel, employment_form="special_part_time",
        status=status, funding_scheme=scheme(kind, municipality[:2]) if kind else None,
        pledge_signed_at=timezone.now() if active else None, pledge_version=PLEDGE_VERSION if active else "")


REGIONAL, CIO, GENERAL = SchemeKind.REGIONAL_ADVISER, SchemeKind.CIO_GRANT, SchemeKind.GENERAL
