import json

import pytest
from django.core.management import CommandError, call_command

from backend.placement.instance import instance_build
from backend.runs.params import RunParams
from tests.backend.factories import AffiliationFactory, ExpertFactory, NeedFactory, ProcurementFactory

SPEC_EXPERT_FIELDS = {"id", "serves_prefectures", "onsite_prefectures", "capacity_days", "weekdays",
                      "max_engagements", "daily_rate", "skills", "employment_forms", "affiliations",
                      "confidentiality_pledge"}
SPEC_NEED_FIELDS = {"id", "municipality", "prefecture", "role", "days_per_year", "weekly_days", "weekdays",
                    "onsite_required", "budget", "required_skills", "desired_skills", "employment_forms",
                    "priority", "current_expert", "replacement_requested"}


@pytest.fixture
def small_world(db):
    expert = ExpertFactory(registering_prefecture_id="20")
    AffiliationFactory(expert=expert, relation="former_employee", ended_on="2025-06-30")
    outsider = ExpertFactory(registering_prefecture_id="13")
    need = NeedFactory(municipality_id="202011", fiscal_year=2027)
    NeedFactory(municipality_id="202011", fiscal_year=2026)
    NeedFactory(municipality_id="131016", fiscal_year=2027)
    procurement = ProcurementFactory(municipality_id="202011")
    return expert, outsider, need, procurement


def test_instance_has_every_field_the_exchange_format_requires(small_world):
    expert, outsider, need, procurement = small_world
    doc = instance_build(prefecture_codes=["20"], fiscal_year=2027)
    assert doc["format"] == "kenmu.instance/3"  # both sides' wishes since issue 25
    assert {"fiscal_year", "cooling_off_days", "time_limit_s", "skills", "experts", "needs", "vendors",
            "procurements", "pins", "forbids", "coi_overrides"} <= set(doc)
    assert [e["id"] for e in doc["experts"]] == [f"E{expert.pk}"]
    assert [n["id"] for n in doc["needs"]] == [f"N{need.pk}"]
    assert set(doc["experts"][0]) >= SPEC_EXPERT_FIELDS
    assert set(doc["needs"][0]) >= SPEC_NEED_FIELDS
    former = doc["experts"][0]["affiliations"][0]
    assert former["relation"] == "former_employee" and former["ended_on"] == "2025-06-30"
    (p,) = doc["procurements"]
    assert p == {"id": f"P{procurement.pk}", "municipality": "202011", "category": "operations",
                 "status": "ongoing", "incumbent_vendor": f"V{procurement.incumbent_vendor_id}"}
    vendor_ids = {v["id"] for v in doc["vendors"]}
    referenced = {a["vendor"] for e in doc["experts"] for a in e["affiliations"]} | {p["incumbent_vendor"]}
    assert referenced <= vendor_ids


def test_export_instance_command_writes_json(small_world, tmp_path):
    out = tmp_path / "instance.json"
    call_command("export_instance", "--prefecture", "20", "--fiscal-year", "2027", "-o", str(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert len(doc["needs"]) == 1 and doc["fiscal_year"] == 2027


def test_export_instance_rejects_unknown_prefecture(db):
    with pytest.raises(CommandError, match="--prefecture"):
        call_command("export_instance", "--prefecture", "99", "--fiscal-year", "2027")


def test_export_instance_writes_exactly_what_the_worker_solved(tmp_path, coordinator, django_capture_on_commit_callbacks):
    """Pins, forbids (declines included), exceptions and previous assignments: the exported file is the
    instance a run solves, from the same builder (it used to leave all of them out)."""
    from backend.engagements.models import CoiOverride
    from backend.placement.execution import run_execute
    from backend.placement.services import run_enqueue
    from backend.runs.models import DecisionKind, MatchRun
    from backend.runs.services import decision_set

    need, other = NeedFactory(municipality_id="202011"), NeedFactory(municipality_id="202011")
    first, second = ExpertFactory(), ExpertFactory()
    decision_set(actor=coordinator, need=need, expert=first, kind=DecisionKind.PIN)
    decision_set(actor=coordinator, need=other, expert=first, kind=DecisionKind.FORBID)
    CoiOverride.objects.create(expert=second, municipality_id="202011", fiscal_year=2027, reason="理由")
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=False):
            run = run_enqueue(actor=coordinator, fiscal_year=2027, params=RunParams(time_limit_s=10))
        assert run_execute(run_id=run.pk) == "succeeded"
    solved = MatchRun.objects.get(pk=run.pk).instance
    out = tmp_path / "nagano.json"
    call_command("export_instance", "--prefecture", "20", "--fiscal-year", "2027", "--time-limit", "10",
                 "-o", str(out))
    exported = json.loads(out.read_text(encoding="utf-8"))
    assert exported["pins"] == solved["pins"] == [{"expert": f"E{first.pk}", "need": f"N{need.pk}"}]
    assert exported["forbids"] == solved["forbids"] and exported["coi_overrides"] == solved["coi_overrides"]
    assert exported["previous_assignments"] and exported["previous_assignments"] != []
    # the same run solved again would get what export writes now (its previous run is the latest one)
    assert {k: v for k, v in exported.items() if k != "previous_assignments"} == {
        k: v for k, v in solved.items() if k != "previous_assignments"}
