"""gunicorn settings for the web: `gunicorn backend.config.wsgi --config python:backend.config.gunicorn`.

`kenmu.py serve` and the systemd unit in docs/operations.md pass it. It owns how a web worker process is
tuned, not what it serves: bind address, workers and threads stay on the command line, which wins over this
module anyway. Measured with `python -m benchmarks.load` (docs/benchmarks-history.md, "Load").
"""

import gc
import os

# A request checks its persistent database connection with a `SELECT 1` before its first query when
# CONN_HEALTH_CHECKS is on: one more round trip on every request. The web does without it; after the
# database restarts, a worker's first request on the dead connection fails (500) and the connection is
# replaced for the next one. The task worker keeps the check (it holds its connection for hours).
# An operator who prefers the check sets CONN_HEALTH_CHECKS=true in the environment.
os.environ.setdefault("CONN_HEALTH_CHECKS", "false")


def post_worker_init(worker):
    """Once the worker has imported Django and the app: move those long-lived objects out of the cyclic
    garbage collector's sight and let it run less often. A page of 50 rows allocates tens of thousands of
    objects; with the defaults the collector ran many times per request and rescanned every module, class
    and URL pattern each time a full collection came round."""
    gc.collect()
    gc.freeze()
    gc.set_threshold(50_000, 20, 100)
