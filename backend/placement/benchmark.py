"""End-to-end benchmark of a match run: database → instance → solve → stored proposals.

The data comes from the engine's generator (a `kenmu.instance/1` document drawn from the real
register), is written to the database in bulk, run through the same code path as a worker run,
and rolled back, so the benchmark leaves the database as it found it.
"""

import time
from contextlib import contextmanager
from dataclasses import dataclass

from django.db import transaction

from backend.accounts.models import User, UserRole
from backend.experts.models import Affiliation, Expert, ExpertSkill
from backend.needs.models import Need, NeedSkill
from backend.placement.execution import run_execute
from backend.procurement.models import Procurement, Vendor
from backend.runs.models import MatchRun, RunStatus
from backend.runs.params import RunParams

BENCH_FISCAL_YEAR = 2090  # a year no real data uses


class _Rollback(Exception):
    pass


def _pattern(need: dict) -> tuple[str, int]:
    if need["weekly_days"]:
        return "weekly", need["weekly_days"]
    if need["days_per_year"] % 12 == 0 and need["days_per_year"] <= 240:
        return "monthly", need["days_per_year"] // 12
    return "yearly", need["days_per_year"]


def instance_load(instance: dict) -> dict[str, int]:
    """Write an instance's experts, needs, vendors and procurements; returns {instance id: pk}."""
    ids: dict[str, int] = {}
    vendors = Vendor.objects.bulk_create([Vendor(name=v.get("name") or v["id"]) for v in instance["vendors"]])
    ids.update({v["id"]: obj.pk for v, obj in zip(instance["vendors"], vendors, strict=True)})
    experts = Expert.objects.bulk_create([
        Expert(name=e.get("name") or e["id"], registering_prefecture_id=e["serves_prefectures"][0],
               capacity_days=e["capacity_days"], weekdays=e["weekdays"], max_engagements=e["max_engagements"],
               daily_rate=e["daily_rate"], employment_forms=e["employment_forms"],
               pool_pledge_signed_on="2026-04-01" if e["confidentiality_pledge"] else None)
        for e in instance["experts"]
    ], batch_size=1000)
    ids.update({e["id"]: obj.pk for e, obj in zip(instance["experts"], experts, strict=True)})
    serves, onsite, skills, affiliations = [], [], [], []
    for e in instance["experts"]:
        pk = ids[e["id"]]
        serves += [Expert.serves_prefectures.through(expert_id=pk, prefecture_id=p) for p in e["serves_prefectures"]]
        onsite += [Expert.onsite_prefectures.through(expert_id=pk, prefecture_id=p) for p in e["onsite_prefectures"]]
        skills += [ExpertSkill(expert_id=pk, skill=s, level=lvl) for s, lvl in e["skills"].items()]
        affiliations += [Affiliation(expert_id=pk, vendor_id=ids[a["vendor"]], relation=a["relation"],
                                     ended_on=a.get("ended_on")) for a in e["affiliations"]]
    Expert.serves_prefectures.through.objects.bulk_create(serves, batch_size=5000)
    Expert.onsite_prefectures.through.objects.bulk_create(onsite, batch_size=5000)
    ExpertSkill.objects.bulk_create(skills, batch_size=5000)
    Affiliation.objects.bulk_create(affiliations, batch_size=5000)
    needs = Need.objects.bulk_create([
        Need(municipality_id=n["municipality"], fiscal_year=instance["fiscal_year"], role=n["role"],
             pattern=_pattern(n)[0], pattern_days=_pattern(n)[1], days_per_year=n["days_per_year"],
             weekly_days=n["weekly_days"], weekdays=n["weekdays"], onsite_required=n["onsite_required"],
             # version 1 instances work on site every day they work there
             onsite_days=n.get("onsite_days") or (n["days_per_year"] if n["onsite_required"] else 0),
             budget=n["budget"], employment_forms=n["employment_forms"], priority=n["priority"])
        for n in instance["needs"]
    ], batch_size=1000)
    ids.update({n["id"]: obj.pk for n, obj in zip(instance["needs"], needs, strict=True)})
    NeedSkill.objects.bulk_create(
        [NeedSkill(need_id=ids[n["id"]], skill=s, level=lvl, required=True)
         for n in instance["needs"] for s, lvl in n["required_skills"].items()]
        + [NeedSkill(need_id=ids[n["id"]], skill=s, level=lvl, required=False)
           for n in instance["needs"] for s, lvl in n["desired_skills"].items()
           if s not in n["required_skills"]], batch_size=5000)
    Procurement.objects.bulk_create([
        Procurement(municipality_id=p["municipality"], title=p["id"], category=p["category"], status=p["status"],
                    incumbent_vendor_id=ids[p["incumbent_vendor"]] if p.get("incumbent_vendor") else None,
                    fiscal_year=instance["fiscal_year"])
        for p in instance["procurements"]
    ], batch_size=5000)
    return ids


@dataclass(frozen=True)
class RunBenchmark:
    needs: int
    experts: int
    load_s: float
    instance_s: float
    solve_s: float
    store_s: float
    total_s: float
    status: str
    primary: int | None
    bound: int | None
    proposals: int


@contextmanager
def benchmark_run(*, instance: dict, scope: list[str], time_limit_s: int = 60):
    """Load the instance and run it end to end exactly as the worker does; yields (run, load_s, run_s) with the
    run reloaded, its starting coordinator as `run.started_by`. Everything is rolled back on leaving."""
    instance = {**instance, "fiscal_year": BENCH_FISCAL_YEAR}
    try:
        with transaction.atomic():
            # Measure only the generated data: whatever the database already holds sits out (rolled back).
            Expert.objects.update(listed=False)
            started = time.perf_counter()
            instance_load(instance)
            load_s = time.perf_counter() - started
            user = User.objects.create(username="bench-coordinator", role=UserRole.COORDINATOR,
                                       prefecture_id=scope[0])
            run = MatchRun.objects.create(prefecture_id=scope[0], scope=scope, scope_key="bench",
                                          fiscal_year=instance["fiscal_year"], started_by=user,
                                          params=RunParams(time_limit_s=time_limit_s).as_stored())
            started = time.perf_counter()
            run_execute(run_id=run.pk)
            run_s = time.perf_counter() - started
            run.refresh_from_db()
            if run.status == RunStatus.FAILED:
                raise RuntimeError(run.error)
            yield run, load_s, run_s
            raise _Rollback()
    except _Rollback:
        pass


def run_benchmark(*, instance: dict, scope: list[str], time_limit_s: int = 60) -> RunBenchmark:
    """Load the instance, run it end to end exactly as the worker does, then roll everything back."""
    with benchmark_run(instance=instance, scope=scope, time_limit_s=time_limit_s) as (run, load_s, total_s):
        return RunBenchmark(
            needs=len(run.instance["needs"]), experts=len(run.instance["experts"]), load_s=load_s,
            instance_s=run.timings.get("instance_s", 0.0), solve_s=run.timings.get("solve_s", 0.0),
            store_s=run.timings.get("store_s", 0.0), total_s=total_s, status=run.status,
            primary=run.progress.get("best_primary"), bound=run.progress.get("bound"),
            proposals=run.proposals.count(),
        )
