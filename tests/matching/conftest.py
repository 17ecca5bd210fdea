"""Builders for small kenmu instances and a solve helper that always runs the validator."""

import copy

import pytest
from hypothesis import settings

from matching import solve, validate_result

# Property tests draw the same examples on every run (and keep no example database), so a failure is
# reproducible and a pass means the same thing each time.
settings.register_profile("kenmu-matching", derandomize=True, database=None)
settings.load_profile("kenmu-matching")


def expert(id="E1", **over) -> dict:
    doc = {"id": id, "serves_prefectures": ["20"], "onsite_prefectures": ["20"], "capacity_days": 240,
           "weekdays": ["mon", "tue", "wed", "thu", "fri"], "max_engagements": 5, "daily_rate": 50_000,
           "skills": {"security": 3, "planning": 2}, "employment_forms": ["special_part_time", "contract"],
           "affiliations": [], "confidentiality_pledge": True}
    doc.update(over)
    return doc


def need(id="N1", **over) -> dict:
    doc = {"id": id, "municipality": "202011", "prefecture": "20", "role": "cio_adviser", "days_per_year": 48,
           "weekly_days": 1, "weekdays": ["mon", "tue", "wed", "thu", "fri"], "onsite_required": False,
           "budget": 5_000_000, "required_skills": {}, "desired_skills": {},
           "employment_forms": ["special_part_time"], "priority": 3, "current_expert": None,
           "replacement_requested": False}
    doc.update(over)
    return doc


def instance(experts, needs, **over) -> dict:
    doc = {"format": "kenmu.instance/1", "fiscal_year": 2027, "cooling_off_days": 730, "time_limit_s": 20,
           "skills": ["planning", "procurement", "security", "network", "data", "ai_rpa", "standardization",
                      "bpr", "training", "strategy"],
           "experts": experts, "needs": needs, "vendors": [{"id": f"V0{i}", "name": "v"} for i in range(1, 10)],
           "procurements": [], "pins": [], "forbids": [], "coi_overrides": []}
    doc.update(over)
    return doc


def solved(doc: dict, **kwargs) -> dict:
    """Solve and assert the validator accepts the result; the input must stay untouched."""
    before = copy.deepcopy(doc)
    result = solve(doc, **kwargs)
    assert doc == before
    problems = validate_result(doc, result)
    assert problems == [], problems
    return result


def pairs(result: dict) -> set[tuple[str, str]]:
    return {(a["expert"], a["need"]) for a in result["assignments"]}


def reasons(result: dict) -> dict[str, str]:
    return {u["need"]: u["reason"] for u in result["unmatched"]}


@pytest.fixture
def build():
    return {"expert": expert, "need": need, "instance": instance}
