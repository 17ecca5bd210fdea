"""Command line: solve, check, generate, bench. Bad input prints a message naming the field and exits 2."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from .bench import main as bench_main
from .bench import versions_main
from .generate import generate
from .loading import InstanceError, load_instance
from .solver import SolveOptions, solve
from .validate import validate_result


def _write(doc: dict, out: str | None) -> None:
    text = json.dumps(doc, ensure_ascii=False, indent=1)
    if out and out != "-":
        Path(out).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")


def _cmd_solve(args) -> int:
    inst = load_instance(args.instance)

    def progress(p: dict) -> None:
        print(f"[{p['elapsed']:7.2f}s] {p['stage']}: best {p['best_primary']} bound {p['bound']}", file=sys.stderr)

    options = SolveOptions(time_limit_s=args.time_limit, workers=args.workers, seed=args.seed, backend=args.backend)
    result = solve(inst, options=options, on_progress=progress if args.progress else None)
    _write(result, args.output)
    return 0


def _cmd_check(args) -> int:
    inst = load_instance(args.instance)
    try:
        result = json.loads(Path(args.result).read_text(encoding="utf-8"))
    except (OSError, json.JSONDecodeError) as exc:
        print(f"error: result file {args.result}: {exc}", file=sys.stderr)
        return 2
    problems = validate_result(inst, result)
    for p in problems:
        print(p)
    if not problems:
        print(f"ok: {len(result.get('assignments', []))} assignments, {len(result.get('unmatched', []))} unmatched, "
              f"{len(result.get('flags', []))} flags, status {result.get('status')}"
              + (f", {len(result['blocking_pairs'])} blocking pairs" if "blocking_pairs" in result else ""))
    return 1 if problems else 0


def _cmd_generate(args) -> int:
    doc = generate(args.scale, seed=args.seed, prefecture=args.prefecture, region=args.region,
                   version=args.format_version, lead=tuple(args.lead.split(",")),
                   **({"wishing_share": args.wishing_share} if args.wishing_share is not None else {}))
    _write(doc, args.output)
    return 0


def _cmd_bench(args) -> int:
    return bench_main(args)


def _cmd_bench_versions(args) -> int:
    return versions_main(args)


def parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m matching", description="kenmu matching engine")
    sub = p.add_subparsers(dest="command", required=True)
    s = sub.add_parser("solve", help="solve INSTANCE.json (kenmu.instance/1, /2 or /3), write kenmu.result/2 "
                                     "(/3 for a version 3 instance)")
    s.add_argument("instance")
    s.add_argument("-o", "--output", default=None)
    s.add_argument("--time-limit", type=float, default=None, help="seconds (default: the instance's time_limit_s)")
    s.add_argument("--workers", type=int, default=2)
    s.add_argument("--seed", type=int, default=0)
    s.add_argument("--backend", default="scip", choices=["scip", "highs", "cbc", "cpsat"])
    s.add_argument("--progress", action="store_true", help="print progress to stderr")
    s.set_defaults(func=_cmd_solve)
    c = sub.add_parser("check", help="validate RESULT.json against INSTANCE.json without a solver (version 3: "
                                     "also the preference levels and value and the blocking pairs)")
    c.add_argument("instance")
    c.add_argument("result")
    c.set_defaults(func=_cmd_check)
    g = sub.add_parser("generate", help="generate a realistic instance from fixtures/municipalities.csv")
    g.add_argument("--scale", default="prefecture",
                   choices=["prefecture", "region", "national", "national-pool", "national-x10"])
    g.add_argument("--prefecture", default="20", help="prefecture code for --scale prefecture")
    g.add_argument("--region", default="chubu", help="region for --scale region")
    g.add_argument("--seed", type=int, default=0)
    g.add_argument("--format-version", type=int, default=1, choices=[1, 2, 3],
                   help="2: add offered fees, on-site days, the travel rate and the lead; 3: also the wishes of "
                        "both sides (preferences)")
    g.add_argument("--wishing-share", type=float, default=None,
                   help="version 3: share of needs whose municipality states wishes (default 0.8; 1: every need)")
    g.add_argument("--lead", default="priority", choices=["priority", "coverage,priority"])
    g.add_argument("-o", "--output", default=None)
    g.set_defaults(func=_cmd_generate)
    b = sub.add_parser("bench", help="benchmark the solver against the greedy baseline")
    b.add_argument("--scales", default="prefecture,region,national,national-pool",
                   help="comma-separated scales (add national-x10 for the large one)")
    b.add_argument("--seeds", default="1")
    b.add_argument("--backend", default="scip", choices=["scip", "highs", "cbc", "cpsat"])
    b.add_argument("--time-limit", type=float, default=None)
    b.add_argument("--workers", type=int, default=2)
    b.add_argument("--primary-only", action="store_true")
    b.add_argument("--stage-by-stage", action="store_true",
                   help="solve every later stage alone with rows for the earlier ones (to compare with blocks)")
    b.add_argument("--json", default=None, help="also write the rows as JSON to this file")
    b.set_defaults(func=_cmd_bench)
    v = sub.add_parser("bench-versions", help="each instance under version 1, version 2, version 2 with the "
                                              "coverage lead and version 3 (wishes on every need), side by side")
    v.add_argument("--scales", default="prefecture,national,national-pool")
    v.add_argument("--seeds", default="1,2")
    v.add_argument("--backend", default="scip", choices=["scip", "highs", "cbc", "cpsat"])
    v.add_argument("--time-limit", type=float, default=None)
    v.add_argument("--workers", type=int, default=2)
    v.add_argument("--primary-only", action="store_true", help="the lead only (for national-x10)")
    v.add_argument("--plans", default=None, help="comma-separated plans to run (default all: v1,v2,v2 coverage,v3)")
    v.add_argument("--json", default=None)
    v.set_defaults(func=_cmd_bench_versions)
    return p


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        return args.func(args)
    except InstanceError as exc:
        for problem in exc.problems:
            print(f"error: {problem}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
