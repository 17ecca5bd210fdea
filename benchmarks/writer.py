"""A clerk at work while `benchmarks.load --writer` measures: one need changed every second through the service.

    DJANGO_SETTINGS_MODULE=... DATABASE_URL=... python -m benchmarks.writer [--every 1.0]

Signs nothing in: it calls `need_update` (backend/needs/services.py) as the demo's municipal staff user
(`demo-municipal`) on one open need of that user's municipality, toggling the need's description between two
texts, so every write is a real save with its audit row, committed in its own transaction on this process's own
database connection. It runs until SIGTERM or SIGINT, then prints one JSON line: {"writes": n, "failures": m,
"seconds": s}. A failed write (a conflict, the database gone for a moment) is counted and the loop goes on.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import time

WRITER_USERNAME = "demo-municipal"
TEXTS = ("（負荷計測の書き込み）", "（負荷計測の書き込み・更新）")


class _Stop(Exception):
    pass


def _stop(signum, frame):
    raise _Stop


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.writer", description=__doc__.splitlines()[0])
    parser.add_argument("--every", type=float, default=1.0, help="seconds between writes (default 1)")
    args = parser.parse_args(argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings.local")
    import django

    django.setup()
    from backend.accounts.models import User
    from backend.needs.models import Need
    from backend.needs.services import EDITABLE_STATUSES, need_update

    clerk = User.objects.get(username=WRITER_USERNAME)
    need = (Need.objects.filter(municipality_id=clerk.municipality_id, status__in=EDITABLE_STATUSES)
            .order_by("pk").first())
    if need is None:
        print(json.dumps({"error": f"no open need of {WRITER_USERNAME}'s municipality to change"}), flush=True)
        return 2
    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    writes = failures = 0
    started = time.monotonic()
    try:
        while True:
            try:
                need_update(actor=clerk, need=need, data={"description": TEXTS[writes % 2]})
                writes += 1
            except _Stop:
                raise
            except Exception as exc:  # counted, not fatal: the measurement goes on
                failures += 1
                print(f"[writer] write failed: {type(exc).__name__}: {exc}", file=sys.stderr, flush=True)
            time.sleep(max(0.0, started + (writes + failures) * args.every - time.monotonic()))
    except _Stop:
        pass
    print(json.dumps({"writes": writes, "failures": failures, "need": need.pk,
                      "seconds": round(time.monotonic() - started, 1)}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
