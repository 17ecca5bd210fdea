"""Realistic volume on top of the demo, for the load benchmark: run as `python -m benchmarks.volume`.

Adds, for the demo's fiscal year, three generated 長野県 instances and one national instance (needs,
experts, vendors, procurements written in bulk by `backend.placement.benchmark.instance_load`), then runs two
real national match runs (started by a system administrator) through the same services as the worker
(`run_enqueue`, `run_execute`), so the runs list carries national-size instance and result JSON. The coordinator then approves the latest run's
proposals for 長野県 and both sides accept two thirds of the offers, so engagements, the restriction
register and the audit log have rows. Prints a JSON summary of what the database holds.

Idempotent: when two succeeded runs already exist for 長野県 it only prints the summary. It never runs
against a database by itself: `benchmarks.load` chooses the database and the settings.
"""

from __future__ import annotations

import json
import os
import sys
import time

PREFECTURE_SEEDS = (1, 2, 3)  # three generated 長野県 instances: about 85 needs and 55 experts each
NATIONAL_SEED = 1  # about 1,100 needs and 700 experts across the country
RUN_SEEDS = (0, 1)  # two national runs


def _setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings.production")
    import django

    django.setup()


def seed_volume() -> dict[str, float]:
    """Write the volume once; returns seconds per step."""
    from backend.accounts.models import User, UserRole
    from backend.core.fiscal import current_fiscal_year
    from backend.demo.demo import DEMO_PREFECTURE
    from backend.geo.models import Prefecture
    from backend.placement.benchmark import instance_load
    from backend.placement.execution import run_execute
    from backend.placement.services import run_enqueue
    from backend.runs.models import MatchRun, RunStatus
    from backend.runs.params import RunParams
    from matching.generate import generate

    if MatchRun.objects.filter(scope__contains=[DEMO_PREFECTURE], status=RunStatus.SUCCEEDED).count() >= len(
            RUN_SEEDS):
        return {}
    fiscal_year = current_fiscal_year() + 1  # the demo's year
    coordinator = User.objects.get(username="demo-coordinator")
    # A national run is the system administrator's: a coordinator's scope is their prefecture and the
    # neighbours that consented, and the consent rules are not what this benchmark measures.
    administrator, _ = User.objects.get_or_create(username="bench-administrator", defaults={"role": UserRole.ADMIN})
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    for seed in PREFECTURE_SEEDS:
        instance_load(generate("prefecture", seed=seed, prefecture=DEMO_PREFECTURE, fiscal_year=fiscal_year))
    instance_load(generate("national", seed=NATIONAL_SEED, fiscal_year=fiscal_year))
    seconds["load_s"] = time.perf_counter() - started
    everywhere = list(Prefecture.objects.order_by("code").values_list("code", flat=True))
    for seed in RUN_SEEDS:
        started = time.perf_counter()
        run = run_enqueue(actor=administrator, fiscal_year=fiscal_year, scope=everywhere,
                          params=RunParams(time_limit_s=120, seed=seed))
        outcome = run_execute(run_id=run.pk)
        if outcome != "succeeded":
            raise RuntimeError(f"national run {run.pk} ended {outcome}: {MatchRun.objects.get(pk=run.pk).error}")
        seconds[f"run_{seed}_s"] = time.perf_counter() - started
    started = time.perf_counter()
    _approve_and_accept(coordinator=coordinator, run=MatchRun.objects.get(pk=run.pk))
    seconds["approve_s"] = time.perf_counter() - started
    return seconds


def _approve_and_accept(*, coordinator, run) -> None:
    """Approve every proposal of the run the coordinator may see; both sides accept two offers in three."""
    from backend.accounts.models import User, UserRole
    from backend.core.errors import DomainError
    from backend.engagements.pledge import PLEDGE_VERSION
    from backend.engagements.services import engagement_respond
    from backend.placement.services import proposal_approve
    from backend.runs.selectors import proposal_list

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
    from django.db.models import Count

    from backend.accounts.models import User
    from backend.core.models import AuditLog
    from backend.demo.demo import DEMO_PREFECTURE
    from backend.engagements.models import Engagement
    from backend.experts.models import Expert
    from backend.experts.selectors import expert_list
    from backend.needs.models import Need
    from backend.procurement.models import Procurement, Vendor
    from backend.restrictions.selectors import restriction_list
    from backend.runs.models import MatchRun, Proposal

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


def main() -> int:
    _setup_django()
    seconds = seed_volume()
    print(json.dumps({"seconds": seconds, **volume_summary()}, ensure_ascii=False, default=str))
    return 0


if __name__ == "__main__":
    sys.exit(main())
