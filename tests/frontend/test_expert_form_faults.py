"""The expert forms refuse bad input with a page that names the field, never a 500, and read a bounded number
of affiliation rows whatever the page claims (issue 21)."""

import pytest

from backend.experts.models import Expert
from frontend.views import experts as expert_views
from tests.frontend.conftest import login

pytestmark = pytest.mark.django_db


def test_an_expert_saving_their_own_form_with_an_error_sees_it_named(client, demo):
    """`/me/edit/` with any error answered a bare English 500 (KeyError: 'affiliations') and lost the input."""
    login(client, "demo-expert")
    expert = Expert.objects.get(user__username="demo-expert")
    response = client.post("/me/edit/", {"name": expert.name, "capacity_days": "たくさん", "daily_rate": "30000"})
    assert response.status_code == 400
    page = response.content.decode()
    assert "年間" in page or "稼働" in page  # the field named in the clerk's words
    assert "たくさん" in page  # what was typed is shown again
    assert Expert.objects.get(pk=expert.pk).capacity_days == expert.capacity_days


@pytest.mark.parametrize("stated", ["abc", "-1", "1e3", "1000000000000"])
def test_the_stated_number_of_affiliation_rows_is_not_trusted(client, demo, monkeypatch, stated):
    read = []
    original = expert_views.forms.text
    monkeypatch.setattr(expert_views.forms, "text", lambda post, name: read.append(name) or original(post, name))
    login(client, "demo-coordinator")
    response = client.post("/experts/new/", {"name": "", "affiliation_rows": stated})
    assert response.status_code == 400
    assert sum(name.endswith("-vendor") for name in read) <= expert_views.MAX_AFFILIATION_ROWS
