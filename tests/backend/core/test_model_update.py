"""model_update sets what the data carries, reports what changed, and leaves saving to the service."""

import pytest

from backend.core.services import model_update
from backend.needs.models import Need
from tests.backend.factories import NeedFactory

pytestmark = pytest.mark.django_db


def test_only_the_named_fields_that_the_data_carries_are_set_and_the_changed_ones_reported():
    need = NeedFactory(title="窓口DX", priority=3, budget=2_000_000)
    changed = model_update(instance=need, fields=("title", "priority", "budget"),
                           data={"title": "窓口DX", "priority": 5, "status": "withdrawn"})
    assert changed == ["priority"]
    assert (need.title, need.priority, need.budget, need.status) == ("窓口DX", 5, 2_000_000, "open")


def test_nothing_is_saved_until_the_service_saves():
    need = NeedFactory(priority=3)
    model_update(instance=need, fields=("priority",), data={"priority": 1})
    assert Need.objects.get(pk=need.pk).priority == 3
