"""The coordinator's whole job through the API, with the real solver and the real worker command."""

import datetime as dt

import pytest
from django.core.management import call_command

from backend.engagements.pledge import PLEDGE_VERSION
from backend.runs.models import MatchRun
from tests.backend.conftest import client_for
from tests.backend.factories import (
    AffiliationFactory,
    CoordinatorFactory,
    ExpertFactory,
    ExpertUserFactory,
    MunicipalStaffFactory,
    ProcurementFactory,
)

pytestmark = pytest.mark.django_db(transaction=True)

NEED = {"fiscal_year": 2027, "role": "cio_adviser", "pattern": "weekly", "pattern_days": 1,
        "weekdays": ["mon", "tue", "wed", "thu", "fri"], "budget": 2_400_000,
        "employment_forms": ["special_part_time"], "required_skills": {"security": 2}, "priority": 4}


def _work_off_queue() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)


def _run(client, **body) -> dict:
    created = client.post("/api/v1/runs/", {"fiscal_year": 2027, "time_limit_s": 10, **body}, format="json")
    assert created.status_code == 201, created.content
    _work_off_queue()
    run = client.get(f"/api/v1/runs/{created.json()['id']}/").json()
    assert run["status"] == "succeeded", run
    return run


def test_post_run_pin_approve_accept_replace_and_restrict(committed_db):
    coordinator = client_for(CoordinatorFactory(prefecture_id="20"))
    nagano = client_for(MunicipalStaffFactory(municipality_id="202011"))
    cheap = ExpertFactory(daily_rate=40_000, weekdays=["mon", "tue"])
    employed = AffiliationFactory(expert=ExpertFactory(daily_rate=45_000), relation="employee")
    planned = ProcurementFactory(municipality_id="202011", status="planned", incumbent_vendor=None)
    expert_clients = {e.pk: client_for(ExpertUserFactory(expert=e)) for e in (cheap, employed.expert)}

    need = nagano.post("/api/v1/needs/", NEED, format="json").json()
    first = _run(coordinator)
    assert first["summary"]["assigned"] == 1 and first["progress"]["best_primary"] == 4
    assert first["progress"]["bound"] == 4 and set(first["timings"]) >= {"instance_s", "solve_s", "store_s"}
    (proposal,) = coordinator.get(f"/api/v1/runs/{first['id']}/proposals/").json()["results"]

    # The coordinator prefers the employed expert: pin and re-run.
    other = employed.expert if proposal["expert"] == cheap.pk else cheap
    pinned = coordinator.post("/api/v1/decisions/", {"need": need["id"], "expert": other.pk, "kind": "pin"},
                              format="json")
    assert pinned.status_code == 200, pinned.content
    second = _run(coordinator)
    (proposal,) = coordinator.get(f"/api/v1/runs/{second['id']}/proposals/").json()["results"]
    assert proposal["expert"] == other.pk

    engagement = coordinator.post(f"/api/v1/proposals/{proposal['id']}/approve/", {}, format="json").json()
    assert engagement["status"] == "offered"
    assert nagano.post(f"/api/v1/engagements/{engagement['id']}/accept/").json()["status"] == "offered"
    accepted = expert_clients[other.pk].post(f"/api/v1/engagements/{engagement['id']}/accept/",
                                             {"pledge_version": PLEDGE_VERSION}, format="json").json()
    assert accepted["status"] == "active"

    # Replacement: the municipality asks, the coordinator re-runs without the current expert, approves.
    replacement = nagano.post(f"/api/v1/engagements/{engagement['id']}/replacement/",
                              {"reason": "週の後半に来てほしい"}, format="json").json()
    queue = coordinator.get("/api/v1/replacements/?status=open").json()["results"]
    assert [r["id"] for r in queue] == [replacement["id"]]
    run = coordinator.post(f"/api/v1/replacements/{replacement['id']}/run/").json()
    _work_off_queue()
    assert MatchRun.objects.get(pk=run["id"]).status == "succeeded"
    (successor,) = coordinator.get(f"/api/v1/runs/{run['id']}/proposals/").json()["results"]
    assert successor["expert"] != other.pk
    new = coordinator.post(f"/api/v1/proposals/{successor['id']}/approve/", {}, format="json").json()
    assert new["replaces"] == engagement["id"]
    # The current engagement goes on until the successor is active (both sides accepted).
    assert nagano.get(f"/api/v1/engagements/{engagement['id']}/").json()["status"] == "active"
    nagano.post(f"/api/v1/engagements/{new['id']}/accept/")
    assert nagano.get(f"/api/v1/engagements/{engagement['id']}/").json()["status"] == "active"
    expert_clients[successor["expert"]].post(f"/api/v1/engagements/{new['id']}/accept/",
                                             {"pledge_version": PLEDGE_VERSION}, format="json")
    ended = nagano.get(f"/api/v1/engagements/{engagement['id']}/").json()
    # Replaced before its term began (the run's year has not started yet), it never started: cancelled with its term
    # as offered, not ended the day before it began (issue 21: 「令和9年4月1日〜令和9年3月31日 0円 終了」).
    never_started = new["starts_on"] <= engagement["starts_on"]
    if never_started:
        assert ended["status"] == "cancelled" and ended["ends_on"] == engagement["ends_on"]
    else:
        assert ended["status"] == "ended"
        assert dt.date.fromisoformat(ended["ends_on"]) == dt.date.fromisoformat(new["starts_on"]) - dt.timedelta(days=1)

    # Who may no longer bid where: only the employed expert's vendor, and only while they serve. The register
    # keeps the replaced engagement's rows, ended the day before the successor starts.
    register = coordinator.get(f"/api/v1/restrictions/?on={new['starts_on']}").json()["results"]
    serving = successor["expert"]
    expected = [employed.vendor_id] if serving == employed.expert_id else []
    assert [r["vendor"] for r in register] == expected
    answer = coordinator.get(f"/api/v1/may-bid/?vendor={employed.vendor_id}&procurement={planned.pk}").json()
    assert answer["allowed"] is (serving != employed.expert_id)
    history = coordinator.get("/api/v1/restrictions/").json()["results"]
    kept = {(r["vendor"], r["ends_on"]) for r in history if r["engagement"] == engagement["id"]}
    assert kept == ({(employed.vendor_id, ended["ends_on"])} if other.pk == employed.expert_id and not never_started
                    else set())  # a restriction never in force leaves the register
    log, page = [], "/api/v1/audit-log/"
    while page:  # every page: each move now has its row, more than the first page holds
        answer = coordinator.get(page).json()
        log, page = log + answer["results"], answer["next"]
    actions = {row["action"] for row in log}
    assert {"need.submit", "run.enqueue", "run.succeeded", "decision.set", "proposal.approve",
            "engagement.accept", "replacement.request", "replacement.complete",
            "engagement.cancel" if never_started else "engagement.end"} <= actions
    assert {"need.fill", "engagement.activate"} <= actions
