"""What the no-5xx sweep (test_no_5xx_sweep.py) found, each as a plain test of its own: a 400 naming the field
where there was a 500, and nothing stored."""

import json

import pytest

from backend.needs.models import Need
from backend.runs.models import PairDecision
from tests.backend.api.test_bad_input import VALID_NEED
from tests.backend.conftest import client_for
from tests.backend.factories import ExpertFactory, NeedFactory


def _post(user, url, text):
    return client_for(user).post(url, data=text, content_type="application/json")


def test_a_number_too_large_for_any_field_is_refused_naming_the_field(coordinator):
    # 1e999 is infinity to Python's JSON parser; the expert's lookup did int(inf), an OverflowError (a 500).
    need = NeedFactory(municipality_id="202011")
    ExpertFactory(registering_prefecture_id="20")
    response = _post(coordinator, "/api/v1/decisions/", f'{{"need": {need.pk}, "expert": 1e999, "kind": "forbid"}}')
    assert response.status_code == 400, response.content
    (error,) = response.json()["errors"]
    assert error["field"] == "expert"
    assert error["code"] == "not_finite" and "有限" in error["ja"] and error["en"]
    assert not PairDecision.objects.exists()


def test_a_large_but_finite_exponent_is_read_as_the_number_it_is(coordinator):
    response = _post(coordinator, "/api/v1/runs/", json.dumps({"fiscal_year": 2027, "scope": ["20"], "seed": 1e300}))
    assert response.status_code == 400, response.content
    assert [e["field"] for e in response.json()["errors"]] == ["seed"]


@pytest.mark.parametrize("budget", ["240.5", 240.5, "1,200", "１２００"])
def test_a_budget_that_is_not_whole_yen_is_refused_saying_the_unit(coordinator, budget):
    response = client_for(coordinator).post("/api/v1/needs/", {**VALID_NEED, "municipality": "202011",
                                                                 "budget": budget}, format="json")
    assert response.status_code == 400, response.content
    (error,) = response.json()["errors"]
    assert error["field"] == "budget" and "円単位の整数" in error["ja"]
    assert not Need.objects.exists()
