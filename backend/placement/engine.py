"""The one place a run calls the matching engine's solve (the engine never imports Django); the run's execution
(backend.placement.execution) is its only caller.

The solve runs in a helper thread; the calling thread keeps the run's heartbeat and progress in
the database and turns a cancel request into the engine's stop signal. Database access stays in
the calling thread.
"""

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import matching


@dataclass
class SolveProgress:
    best_primary: int | None = None
    bound: int | None = None
    elapsed_s: float = 0.0
    stage: str | None = None
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def update(self, best_primary=None, bound=None, elapsed=None, stage=None, **_ignored) -> None:
        with self.lock:
            if stage is not None:
                self.stage = stage
            if best_primary is not None:
                self.best_primary = best_primary
            if bound is not None:
                self.bound = bound
            if elapsed is not None:
                self.elapsed_s = float(elapsed)

    def snapshot(self) -> dict:
        with self.lock:
            return {"best_primary": self.best_primary, "bound": self.bound, "elapsed_s": round(self.elapsed_s, 2),
                    "stage": self.stage}


def solve_with_heartbeat(instance: dict, *, time_limit_s: float, seed: int, workers: int,
                         beat: Callable[[dict], bool], interval_s: float,
                         stages: list[str] | None = None) -> dict:
    """Solve; call beat(progress) every interval. beat returns True when the run should stop."""
    progress = SolveProgress()
    stop = threading.Event()
    outcome: dict = {}

    def on_progress(report: dict) -> None:
        progress.update(**report)

    def target():
        try:
            options = matching.SolveOptions(time_limit_s=time_limit_s, seed=seed, workers=workers,
                                            stages=None if stages is None else tuple(stages))
            outcome["result"] = matching.solve(instance, options=options, on_progress=on_progress,
                                               should_stop=stop.is_set)
        except BaseException as exc:  # re-raised in the calling thread
            outcome["error"] = exc

    started = time.monotonic()
    thread = threading.Thread(target=target, name="kenmu-solve", daemon=True)
    thread.start()
    while thread.is_alive():
        thread.join(timeout=interval_s)
        progress.update(elapsed=max(progress.elapsed_s, time.monotonic() - started))
        if beat(progress.snapshot()):
            stop.set()
    if "error" in outcome:
        raise outcome["error"]
    return outcome["result"]


def solve_briefly(instance: dict, *, time_limit_s: float, seed: int, workers: int,
                  stages: list[str] | None = None) -> dict:
    """One short solve without heartbeat or cancel: the counterfactuals of a run's preference report
    (backend.placement.outweighed), each a few seconds, inside the run the worker is already executing."""
    options = matching.SolveOptions(time_limit_s=time_limit_s, seed=seed, workers=workers,
                                    stages=None if stages is None else tuple(stages))
    return matching.solve(instance, options=options)
