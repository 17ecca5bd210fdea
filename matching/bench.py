"""`python -m matching bench`: solver vs greedy baseline on generated instances, as a Markdown table.

Measures only; never asserts a time. Every result is checked by the validator before it is reported.
"""

from __future__ import annotations

import json
import resource
import time

from .baseline import greedy_result
from .generate import generate
from .loading import load_instance
from .solver import SolveOptions, solve
from .validate import validate_result

SCALE_ARGS = {"prefecture": {"prefecture": "01"}, "region": {"region": "kanto"}}
SHORT = {"primary": "prim", "skill_fit": "skill", "bid_restrictions": "bid", "keep_current": "curr",
         "keep_previous": "prev", "fee": "fee", "travel": "trav", "filled": "fill", "preference": "pref"}


def bench_one(scale: str, seed: int, options: SolveOptions, version: int = 1,
              lead: tuple[str, ...] = ("priority",)) -> dict:
    """One instance: version 3 carries wishes on every need (the issue's benchmark: no slower than version 2)."""
    extra = {"wishing_share": 1.0} if version >= 3 else {}
    doc = generate(scale, seed=seed, version=version, lead=lead, **SCALE_ARGS.get(scale, {}), **extra)
    inst = load_instance(doc)
    started = time.perf_counter()
    base = greedy_result(inst)
    greedy_s = time.perf_counter() - started
    cpu = time.process_time()
    result = solve(inst, options=options)
    cpu_s = time.process_time() - cpu  # CPU seconds of the solve: comparable while other work shares the machine
    problems = validate_result(inst, result) + validate_result(inst, base)
    stages = result["stats"]["stages"]
    return {
        "scale": scale, "seed": seed, "needs": len(inst.needs), "experts": len(inst.experts),
        "pairs": result["stats"]["candidate_pairs"], "components": result["stats"]["components"],
        "status": result["status"], "primary": result["objective"]["primary"],
        "bound": result["objective"]["primary_bound"], "gap": stages[0]["gap"],
        "stages": {s["name"]: (s["seconds"], s["status"]) for s in stages},
        "stage_values": {s["name"]: s["value"] for s in stages},
        "wall_s": result["stats"]["wall_time_s"], "cpu_s": round(cpu_s, 2), "greedy_primary": base["objective"]["primary"],
        "greedy_s": round(greedy_s, 3), "valid": not problems, "problems": problems[:3],
        "max_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024,
        "lead_s": sum(s["seconds"] for s in stages if s["name"] in ("primary", "coverage")),
        "lead": result["objective"].get("lead"),
        "preference": result["objective"].get("preference"),
        "blocking_pairs": len(result.get("blocking_pairs", [])),
    }


def _row(r: dict) -> str:
    stage_cells = " ".join(f"{SHORT[n]} {s:.2f}{'' if st in ('optimal', 'not_run') else '*'}"
                           for n, (s, st) in r["stages"].items() if st != "not_run" or s)
    gain = r["primary"] - r["greedy_primary"]
    return (f"| {r['scale']} s{r['seed']} | {r['needs']} | {r['experts']} | {r['pairs']} | {r['primary']} | "
            f"{r['bound']} | {r['gap']:.4%} | {stage_cells} | {r['wall_s']:.2f} | {r['greedy_primary']} "
            f"({r['greedy_s']:.2f}s) | +{gain} | {'yes' if r['valid'] else 'NO'} |")


HEADER = ("| instance | needs | experts | pairs | primary | bound | gap | seconds per stage (* = not proven) | "
          "total s | greedy primary | gain | valid |\n|---|---|---|---|---|---|---|---|---|---|---|---|")


def main(args) -> int:
    options = SolveOptions(time_limit_s=args.time_limit, workers=args.workers, backend=args.backend,
                           stages=("primary",) if args.primary_only else None,
                           **({"max_block_scale": 1} if args.stage_by_stage else {}))
    rows = []
    print(HEADER, flush=True)
    for scale in args.scales.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            row = bench_one(scale, seed, options)
            rows.append(row)
            print(_row(row), flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=1)
    return 0 if all(r["valid"] for r in rows) else 1


VERSION_PLANS = (("v1", 1, ("priority",)), ("v2", 2, ("priority",)), ("v2 coverage", 2, ("coverage", "priority")),
                 ("v3", 3, ("priority",)))
VERSIONS_HEADER = ("| instance | plan | needs | pairs | status | lead (value/bound) | preference (value/bound, "
                   "blocking pairs) | lead s | later s | total s | CPU s | valid |\n|---|---|---|---|---|---|---|---|---|---|---|---|")


def versions_main(args) -> int:
    """`python -m matching bench-versions`: each instance under version 1, version 2, version 2 with the
    coverage lead and version 3 (wishes on every need), one after the other in the same process, so the figures
    are side by side."""
    options = SolveOptions(time_limit_s=args.time_limit, workers=args.workers, backend=args.backend,
                           stages=("primary",) if args.primary_only else None)
    plans = [p for p in VERSION_PLANS if getattr(args, "plans", None) is None or p[0] in args.plans.split(",")]
    rows = []
    print(VERSIONS_HEADER, flush=True)
    for scale in args.scales.split(","):
        for seed in (int(s) for s in args.seeds.split(",")):
            for label, version, lead in plans:
                row = bench_one(scale, seed, options, version, lead)
                row["plan"] = label
                rows.append(row)
                leads = ", ".join(f"{x['name']} {x['value']}/{x['bound']}" for x in row["lead"] or [])
                later = sum(s for n, (s, _) in row["stages"].items() if n not in ("primary", "coverage"))
                pref = row["preference"]
                prefs = f"{pref['value']}/{pref['bound']}, {row['blocking_pairs']}" if pref else "–"
                print(f"| {scale} s{seed} | {label} | {row['needs']} | {row['pairs']} | {row['status']} | {leads} | "
                      f"{prefs} | "
                      f"{row['lead_s']:.2f} | {later:.2f} | {row['wall_s']:.2f} | {row['cpu_s']:.2f} | {'yes' if row['valid'] else 'NO'} |",
                      flush=True)
    if args.json:
        with open(args.json, "w", encoding="utf-8") as f:
            json.dump(rows, f, indent=1)
    return 0 if all(r["valid"] for r in rows) else 1
