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
