"""The 総務省 joint-employment cases (fixtures/cases.json) entered through the API, matched by a real run: each
municipality's own fee comes back on the proposal, with the employment form and the weekdays."""

import json
import math

import pytest

from backend.config.embedded_db import REPO_ROOT
from backend.geo.models import Municipality
from backend.runs.models import MatchRun, Proposal
from tests.backend.conftest import client_for
from tests.backend.factories import CoordinatorFactory
from tests.backend.runs.test_full_cycle import _work_off_queue

pytestmark = pytest.mark.django_db(transaction=True)

CASES = json.loads((REPO_ROOT / "fixtures" / "cases.json").read_text(encoding="utf-8"))
NEED_FIELDS = ("municipality", "title", "role", "pattern", "pattern_days", "weekdays", "budget", "fee_basis",
               "fee_amount", "fee_includes_tax", "onsite_required", "onsite_days", "employment_forms",
               "required_skills")


def _travel(home: Municipality, office: Municipality, *, days: int, yen_per_km: int) -> int:
    """travel_cost of the exchange format, computed here independently of the engine."""
    p1, p2 = math.radians(home.lat), math.radians(office.lat)
    dp, dl = p2 - p1, math.radians(office.lon - home.lon)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    km = 2 * 6371.0 * math.asin(math.sqrt(a))
    return days * math.floor(2 * km * yen_per_km + 0.5)


def test_the_four_cases_get_their_own_fees_forms_and_weekdays(committed_db):
    coordinator = client_for(CoordinatorFactory(prefecture_id=CASES["prefecture"]))
    experts, expected = {}, {}
    for case in CASES["cases"]:
        for e in case["experts"]:
            body = {k: v for k, v in e.items() if k != "key"}
            created = coordinator.post("/api/v1/experts/", {**body, "serves_prefectures": [CASES["prefecture"]],
                                                            "onsite_prefectures": [CASES["prefecture"]]},
                                       format="json")
            assert created.status_code == 201, created.content
            experts[e["key"]] = created.json()["id"]
        for n in case["needs"]:
            body = {k: n[k] for k in NEED_FIELDS if k in n}
            created = coordinator.post("/api/v1/needs/", {**body, "fiscal_year": CASES["fiscal_year"]}, format="json")
            assert created.status_code == 201, created.content
            assert created.json()["offered_fee"] == n["expected"]["fee"]
            expected[created.json()["id"]] = n
    run = coordinator.post("/api/v1/runs/", {"fiscal_year": CASES["fiscal_year"], "time_limit_s": 10}, format="json")
    assert run.status_code == 201, run.content
    _work_off_queue()
    assert MatchRun.objects.get(pk=run.json()["id"]).status == "succeeded"

    proposals = {p.need_id: p for p in Proposal.objects.filter(run_id=run.json()["id"]).select_related(
        "need__municipality", "expert__home_municipality")}
    assert set(proposals) == set(expected)
    for need_id, n in expected.items():
        p, want = proposals[need_id], n["expected"]
        assert (p.expert_id, p.fee, p.employment_form, p.weekdays) == (
            experts[want["expert"]], want["fee"], want["employment_form"], want["weekdays"]), n["title"]
        home = p.expert.home_municipality
        travel = _travel(home, p.need.municipality, days=n["onsite_days"], yen_per_km=37) \
            if home and n.get("onsite_required") else 0
        assert p.travel_cost == travel, n["title"]
    assert any(p.travel_cost > 0 for p in proposals.values())  # 事例1's on-site city pays the trip from 長野市
