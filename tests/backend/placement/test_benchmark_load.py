"""The benchmarks' loader writes a generated instance into the database within every constraint."""

import pytest

from backend.needs.models import Need
from backend.placement.benchmark import instance_load
from matching.generate import generate

pytestmark = pytest.mark.django_db


def test_a_generated_prefecture_loads_with_on_site_days_for_on_site_needs():
    instance = generate("prefecture", seed=1, prefecture="20", fiscal_year=2027)
    ids = instance_load(instance)
    stored = Need.objects.filter(pk__in=[ids[n["id"]] for n in instance["needs"]])
    assert stored.count() == len(instance["needs"])
    onsite = stored.filter(onsite_required=True)
    assert onsite.exists() and all(n.onsite_days == n.days_per_year for n in onsite)
    assert not stored.filter(onsite_required=False).exclude(onsite_days=0).exists()
