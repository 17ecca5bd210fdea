"""The current figures: one command that measures the engine and the service and writes docs/benchmarks.md.

    .venv/bin/python -m benchmarks.current               # engine, runs, run pages, imports, load (about 20 minutes)
    .venv/bin/python -m benchmarks.current --quick       # all but the load (about 5 minutes)

Each part is one of the benchmark commands the history describes (docs/benchmarks-history.md), run as it is,
and its printed table is copied into the page with the command, the commit, the date and the machine load
before it started. Run it on an idle machine: the figures are only as quiet as the machine was. The page is
written whole; what was measured before lives in the history, side by side with what changed it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import platform
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PAGE = ROOT / "docs" / "benchmarks.md"
PY = sys.executable

ENGINE = [PY, "-m", "matching", "bench-versions", "--scales", "prefecture,national,national-pool", "--seeds", "1,2",
          "--time-limit", "60"]
RUNS = [PY, "manage.py", "bench_runs"]
# bench_runs writes into the database the settings name (kenmu.py serve's own by default) and rolls back: it
# needs the tables and the register first, which these make sure of (both are no-ops when done).
RUNS_PREPARE = [[PY, "manage.py", "migrate", "--no-input", "-v", "0"], [PY, "manage.py", "load_register"]]
# bench_imports, like bench_runs, writes into the settings' database and rolls back (issue 26, step 4)
IMPORTS = [PY, "manage.py", "bench_imports"]
# bench_run_pages, too (issue 26, step 3): a prefecture and a national run, built, timed per view, rolled back
RUN_PAGES = [PY, "manage.py", "bench_run_pages", "--repeat", "10"]
IN_DATABASE = (RUNS, IMPORTS, RUN_PAGES)
# Under writes, as people work: a clerk saves a need every second while each endpoint is measured (issue 26).
LOAD = [PY, "-m", "benchmarks.load", "--duration", "15", "--writer", "--gunicorn-args",
        "--config python:backend.config.gunicorn"]

PARTS = [
    ("The engine (exchange format versions 1, 2 and 3, lead and later stages, validated)", ENGINE,
     "Total seconds per instance and version; every result checked by the validator. Targets: prefecture and "
     "national ≤ 1 s, national pool ≤ 5 s (issue 13); the full order on every national instance ≤ 2 s, coverage "
     "lead and wide pools included (issue 26); version 3 no slower than version 2 (issue 25)."),
    ("Match runs in the service (instance from the database, solve, store)", RUNS,
     "End to end as the worker runs it; the command rolls everything back. Target: a prefecture run ≤ 3 s."),
    ("Run pages at national scale (stored results, paged proposals)", RUN_PAGES,
     "Median ms, queries and reads of the stored instance/result/report per view, a national run (1,100+ needs) "
     "beside a prefecture run. Target (issue 26): every view of the national run within 2× the prefecture run's."),
    ("Imports in the service (file, rows, validation, stored rows and audit)", IMPORTS,
     "A valid 2,000-row file of each kind, end to end through the function the API and the page call, rolled back; "
     "memory is the peak resident set above idle. Target (issue 26): ≤ 10 s and ≤ 100 MB, still all or nothing."),
    ("Load: API lists and pages under 50 clients, reused reads", LOAD,
     "req/s and p95 per endpoint, gunicorn with the production configuration, while the writer saves a need "
     "every second. Target (issue 26): every list and page ≥ 70 % of the vendors list's req/s (×req/s ≥ 0.7) "
     "and p95 ≤ 2× its p95 (×p95 ≤ 2), in the same run."),
]


def _run(command: list[str]) -> tuple[str, float]:
    started = dt.datetime.now()
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=False)
    output = done.stdout.strip() or done.stderr.strip()
    if done.returncode:
        output += f"\n(exit {done.returncode})\n{done.stderr.strip()[-2000:]}"
    return output, (dt.datetime.now() - started).total_seconds()


def _commit() -> str:
    done = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True)
    return done.stdout.strip() or "unknown"


def page(sections: list[tuple[str, list[str], str, str, float]], *, commit: str, when: dt.datetime,
         load: tuple[float, float, float]) -> str:
    lines = [
        "# Benchmarks: current figures",
        "",
        f"Measured by `.venv/bin/python -m benchmarks.current` at commit {commit} on {when:%Y-%m-%d %H:%M} UTC, "
        f"{os.cpu_count()} cores, {platform.python_version()}; load average before it started "
        f"{load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f}. The page is written whole by that command; what was "
        "measured before, and what each change did, is in [the history](benchmarks-history.md). Tests never "
        "assert times: these commands measure them.",
        "",
    ]
    for title, command, note, output, seconds in sections:
        shown = " ".join(part if part.startswith("-") or " " not in part else f'"{part}"'
                         for part in [".venv/bin/python", *command[1:]])
        lines += [f"## {title}", "", note, "", "```bash", shown, "```", "",
                  f"({seconds:.0f} s)", "", "```", output, "```", ""]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="all but the load")
    args = parser.parse_args(argv)
    load = os.getloadavg()
    when = dt.datetime.now(dt.UTC)
    sections = []
    for title, command, note in PARTS[:-1] if args.quick else PARTS:
        print(f"[benchmarks] {title}: {' '.join(command[1:])}", flush=True)
        for prepare in RUNS_PREPARE if command in IN_DATABASE else []:
            _run(prepare)
        output, seconds = _run(command)
        sections.append((title, command, note, output, seconds))
    PAGE.write_text(page(sections, commit=_commit(), when=when, load=load), encoding="utf-8")
    print(f"[benchmarks] wrote {PAGE.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
