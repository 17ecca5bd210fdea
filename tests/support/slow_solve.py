"""`manage.py` for tests that must catch a match run mid-solve: every solve first waits
KENMU_SLOW_SOLVE_S seconds, beating its heartbeat, then solves as usual.

    python -m tests.support.slow_solve run_worker --no-startup-delay      (KENMU_SLOW_SOLVE_S=120)

The wait lives here, in the tests, rather than as a switch in the production path.
"""

import os
import sys
import time

PROGRESS = {"best_primary": None, "bound": None, "elapsed_s": 0}


def slowed(solve, seconds: float):
    def solve_later(instance, *, beat, **kwargs):
        end = time.monotonic() + seconds
        while time.monotonic() < end:
            beat(PROGRESS)
            time.sleep(min(0.2, max(0.0, end - time.monotonic())))
        return solve(instance, beat=beat, **kwargs)

    return solve_later


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.config.settings.test")
    import django

    django.setup()
    from django.core.management import execute_from_command_line

    from backend.placement import execution

    seconds = float(os.environ.get("KENMU_SLOW_SOLVE_S", "0"))
    if seconds:
        execution.solve_with_heartbeat = slowed(execution.solve_with_heartbeat, seconds)
    execute_from_command_line(["manage.py", *sys.argv[1:]])


if __name__ == "__main__":
    main()
