"""Run callables at the same moment in threads, each with its own database connection (real PostgreSQL)."""

import threading

from django.db import connection


def race(calls, *, expected: tuple[type[BaseException], ...] = ()) -> list:
    """Start every call together; return their results in order (an `expected` exception counts as a result)."""
    barrier = threading.Barrier(len(calls))
    outcomes = [None] * len(calls)

    def worker(index, call):
        try:
            barrier.wait()
            outcomes[index] = call()
        except expected as exc:
            outcomes[index] = exc
        finally:
            connection.close()

    threads = [threading.Thread(target=worker, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return outcomes
