import datetime as dt

import pytest
from django.core.management import call_command
from django.db.models import F

from backend.accounts.models import User
from backend.experts.models import Expert
from backend.geo.models import Municipality
from backend.needs.models import Need
from backend.procurement.models import Procurement


@pytest.mark.django_db
def test_demo_seeds_a_believable_region_once(capsys):
    call_command("seed_demo")
    counts = (Expert.objects.count(), Need.objects.count(), Procurement.objects.count(), User.objects.count())
    call_command("seed_demo")
    assert (Expert.objects.count(), Need.objects.count(), Procurement.objects.count(),
            User.objects.count()) == counts
    assert Expert.objects.count() == 60
    region = Municipality.objects.filter(prefecture_id__in=["20", "19", "10"]).count()
    share = Need.objects.values("municipality").distinct().count() / region
    assert 0.35 <= share <= 0.45
    assert Procurement.objects.filter(status="ongoing", incumbent_vendor__isnull=False).exists()
    output = capsys.readouterr().out
    for username in ("demo-coordinator", "demo-municipal", "demo-expert"):
        assert username in output
    assert set(User.objects.filter(username__startswith="demo-").values_list("role", flat=True)) == {
        "coordinator", "municipal", "expert"}


def test_every_demo_expert_has_a_home_so_travel_is_counted(db):
    """Issue 21: no demo expert had a home, so every on-site proposal said 費用弁償 0円."""
    from backend.demo.demo import demo_seed

    demo_seed()
    assert Expert.objects.exists()
    assert not Expert.objects.filter(home_municipality__isnull=True).exists()
    assert not Expert.objects.exclude(home_municipality__prefecture=F("registering_prefecture")).exists()


@pytest.fixture
def on_7_december_2026(monkeypatch):
    """The demo's year depends on today: this is the day it was written for (FY2026, after the October period)."""
    from django.utils import timezone

    real = timezone.localdate
    monkeypatch.setattr(timezone, "localdate", lambda value=None, timezone=None: real(value, timezone)
                        if value is not None else dt.date(2026, 12, 7))


def test_the_demo_shows_this_years_work_in_progress_beside_next_years_season(db, on_7_december_2026):
    """Issue 23, item 8: a newcomer sees the working year at first start: active engagements of the current fiscal
    year with their plans, days logged up to last month, the months confirmed but the last, one of those disputed,
    and the mid-year evaluation; next year's needs are still there to match."""
    from django.test import Client

    from backend.demo.demo import demo_seed
    from backend.engagements.models import Engagement
    from backend.funding.selectors import funding_box
    from backend.goals.models import Evaluation
    from backend.visits.models import PlannedVisit
    from backend.worklog.models import WorkDay, WorkMonth

    demo_seed()
    engagements = Engagement.objects.filter(fiscal_year=2026, status="active")
    assert engagements.count() == 4
    assert Need.objects.filter(fiscal_year=2027).count() > 20
    nagano = engagements.get(municipality_id="202011")
    assert nagano.expert.user.username == "demo-expert"
    for engagement in engagements:
        assert PlannedVisit.objects.filter(engagement=engagement, status="planned").count() > 0
        months = list(WorkMonth.objects.filter(engagement=engagement).order_by("year", "month"))
        assert (months[-1].year, months[-1].month) == (2026, 11)  # logged up to last month, none of December
        assert {m.status for m in months[:-1]} == {"confirmed"}
    assert WorkMonth.objects.filter(status="disputed").count() == 1
    assert not WorkDay.objects.filter(date__gte=dt.date(2026, 12, 1)).exists()
    assert set(Evaluation.objects.filter(engagement=nagano).values_list("side", "period")) == {
        ("municipality", "october"), ("expert", "october")}
    # Issue 24: 諏訪市's adviser is financed as a 地域力創造アドバイザー, so its page has a real tracker; 長野市 advertised.
    suwa = engagements.get(municipality_id="202061")
    assert suwa.funding_scheme.kind == "regional_adviser" and funding_box(suwa, 2026).tracker.startswith("10日中")
    assert nagano.need.recruitment_costs.get().amount == 55_000
    # Issue 24, item 7: the year is published, so a newcomer opens its public page without a login.
    assert Client().get("/public/20/2026/").status_code == 200
    before = (Engagement.objects.count(), WorkDay.objects.count())
    demo_seed()
    assert (Engagement.objects.count(), WorkDay.objects.count()) == before
