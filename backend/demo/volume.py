"""The benchmark's national volume on top of the demo (`manage.py seed_volume`, and `benchmarks.load` through it).

Adds, for the demo's fiscal year, generated 長野県 instances and one national instance (needs, experts, vendors,
procurements written in bulk by `backend.placement.benchmark.instance_load`), then two real national match runs
started by the system administrator `demo-admin` (demo password) through the same services as the worker
(`run_enqueue`, `run_execute`), so the runs list carries national-size instance and result JSON. The coordinator
then approves the latest run's proposals for 長野県 and both sides accept two thirds of the offers, so
engagements, the restriction register and the audit log have rows.

Idempotent by step: the instances are written in one transaction with the administrator (who marks them done),
and only the national runs still missing are run. It never adds the demo itself (`seed_demo` does) and never
decides which database or settings: its command does, and refuses production settings unless told. The instances
come from the engine's generator, which the command hands in (`matching.generate.generate`: only the benchmark
commands draw on the engine's modules, tests/test_imports_at_top.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Count

from backend.accounts.models import User, UserRole
from backend.core.errors import DomainError
from backend.core.fiscal import current_fiscal_year
from backend.core.models import AuditLog
from backend.demo.demo import DEMO_PASSWORD, DEMO_PREFECTURE
from backend.engagements.models import Engagement
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import engagement_respond
from backend.experts.models import Expert
from backend.experts.selectors import expert_list
from backend.geo.models import Prefecture
from backend.needs.models import Need
from backend.placement.benchmark import instance_load
from backend.placement.execution import run_execute
from backend.placement.services import proposal_approve, run_enqueue
from backend.procurement.models import Procurement, Vendor
from backend.restrictions.selectors import restriction_list
from backend.runs.models import MatchRun, Proposal, RunStatus
from backend.runs.params import RunParams
from backend.runs.selectors import proposal_list

ADMIN_USERNAME = "demo-admin"
RUN_SEEDS = (0, 1)  # two national runs


@dataclass(frozen=True)
class VolumeScale:
    prefecture_seeds: tuple[int, ...]  # generated 長野県 instances: about 85 needs and 55 experts each
    national_seed: int | None  # about 1,100 needs and 700 experts across the country; None: no national instance


SCALES = {
    "national": VolumeScale(prefecture_seeds=(1, 2, 3), national_seed=1),  # what benchmarks.load measures
    "small": VolumeScale(prefecture_seeds=(), national_seed=None),  # a test's: the demo alone, runs in seconds
}


def volume_administrator() -> User | None:
    return User.objects.filter(username=ADMIN_USERNAME).first()


def _national_runs(administrator: User) -> int:
    return MatchRun.objects.filter(started_by=administrator, status=RunStatus.SUCCEEDED).count()


def volume_seed(*, generate: Callable[..., dict], scale: str = "national") -> dict[str, float]:
    """Write what is missing of the volume, with instances drawn from `generate` (the engine's generator); returns
    seconds per step done (empty when nothing was missing)."""
    chosen = SCALES[scale]
    fiscal_year = current_fiscal_year() + 1  # the demo's year
    seconds: dict[str, float] = {}
    administrator = volume_administrator()
    if administrator is None:
        started = time.perf_counter()
        administrator = _load_instances(chosen, generate=generate, fiscal_year=fiscal_year)
        seconds["load_s"] = time.perf_counter() - started
    # A national run is the system administrator's: a coordinator's scope is their prefecture and the
    # neighbours that consented, and the consent rules are not what the benchmark measures.
    everywhere = list(Prefecture.objects.order_by("code").values_list("code", flat=True))
    run = None
    for seed in RUN_SEEDS[_national_runs(administrator):]:
        started = time.perf_counter()
        run = run_enqueue(actor=administrator, fiscal_year=fiscal_year, scope=everywhere,
                          params=RunParams(time_limit_s=120, seed=seed))
        outcome = run_execute(run_id=run.pk)
        if outcome != "succeeded":
            raise RuntimeError(f"national run {run.pk} ended {outcome}: {MatchRun.objects.get(pk=run.pk).error}")
        seconds[f"run_{seed}_s"] = time.perf_counter() - started
    if run is not None:  # approved once, after the last run: a second call finds no run to add
        started = time.perf_counter()
        _approve_and_accept(coordinator=User.objects.get(username="demo-coordinator"),
                            run=MatchRun.objects.get(pk=run.pk))
        seconds["approve_s"] = time.perf_counter() - started
    return seconds


@transaction.atomic
def _load_instances(chosen: VolumeScale, *, generate: Callable[..., dict], fiscal_year: int) -> User:

    for seed in chosen.prefecture_seeds:
        instance_load(generate("prefecture", seed=seed, prefecture=DEMO_PREFECTURE, fiscal_year=fiscal_year))
    if chosen.national_seed is not None:
        instance_load(generate("national", seed=chosen.national_seed, fiscal_year=fiscal_year))
    return User.objects.create_user(ADMIN_USERNAME, password=DEMO_PASSWORD, role=UserRole.ADMIN)


def _approve_and_accept(*, coordinator: User, run: MatchRun) -> None:
    """Approve every proposal of the run the coordinator may see; both sides accept two offers in three."""

    engagements = []
    for proposal in proposal_list(user=coordinator, run=run):
        try:
            engagements.append(proposal_approve(actor=coordinator, proposal=proposal))
        except DomainError:  # a flagged pair needs an override reason: left for the coordinator, as in life
            continue
    for index, engagement in enumerate(engagements):
        if index % 3 == 2:  # one offer in three stays waiting for an answer
            continue
        municipal = User(role=UserRole.MUNICIPAL, municipality_id=engagement.municipality_id)
        expert = User(role=UserRole.EXPERT, expert_id=engagement.expert_id)
        engagement_respond(actor=municipal, engagement=engagement, accept=True)
        engagement_respond(actor=expert, engagement=engagement, accept=True, pledge_version=PLEDGE_VERSION)


def volume_summary() -> dict:
    """What the coordinator of 長野県 and the country hold: the figures the docs quote."""

    coordinator = User.objects.get(username="demo-coordinator")
    municipal = User.objects.get(username="demo-municipal")
    runs = []
    for run in MatchRun.objects.order_by("id"):
        runs.append({"id": run.pk, "status": run.status, "scope_prefectures": len(run.scope),
                     "needs": len((run.instance or {}).get("needs", [])),
                     "experts": len((run.instance or {}).get("experts", [])),
                     "instance_bytes": len(json.dumps(run.instance or {}, ensure_ascii=False).encode()),
                     "result_bytes": len(json.dumps(run.result or {}, ensure_ascii=False).encode()),
                     "timings": run.timings})
    return {
        "needs_total": Need.objects.count(),
        "needs_prefecture": Need.objects.filter(municipality__prefecture_id=DEMO_PREFECTURE).count(),
        "needs_municipal_user": Need.objects.filter(municipality_id=municipal.municipality_id).count(),
        "experts_total": Expert.objects.count(),
        "experts_visible_to_coordinator": expert_list(user=coordinator).count(),
        "vendors": Vendor.objects.count(),
        "procurements_prefecture": Procurement.objects.filter(municipality__prefecture_id=DEMO_PREFECTURE).count(),
        "runs": runs,
        "proposals": Proposal.objects.count(),
        "engagements_by_status": dict(Engagement.objects.order_by().values_list("status").annotate(n=Count("id"))),
        "audit_rows_prefecture": AuditLog.objects.filter(prefecture_id=DEMO_PREFECTURE).count(),
        "restrictions_prefecture": restriction_list(user=coordinator).count(),
    }
