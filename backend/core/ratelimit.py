"""A fixed-window limit per client for public forms and mails (django-axes watches only logins).

Counts live in PostgreSQL (`RateLimitWindow`), which every web process shares: one atomic upsert per use, so
the limit holds across gunicorn workers, machines and restarts (issue 21: the per-process memory cache let a
client have N times the limit and reset on restart).
"""

import datetime as dt

from django.db import connection
from django.utils import timezone

from backend.core.models import RateLimitWindow

_COUNT = f"""
INSERT INTO {RateLimitWindow._meta.db_table} (key, window_started_at, count) VALUES (%(key)s, %(now)s, 1)
ON CONFLICT (key) DO UPDATE SET
    count = CASE WHEN {RateLimitWindow._meta.db_table}.window_started_at <= %(expired)s THEN 1
                 ELSE {RateLimitWindow._meta.db_table}.count + 1 END,
    window_started_at = CASE WHEN {RateLimitWindow._meta.db_table}.window_started_at <= %(expired)s THEN %(now)s
                             ELSE {RateLimitWindow._meta.db_table}.window_started_at END
RETURNING count
"""


def rate_limit_hit(*, scope: str, client: str | None, limit: int, window_s: int) -> bool:
    """Count one use by `client`; True when it is over `limit` uses within the window."""
    now = timezone.now()
    with connection.cursor() as cursor:
        cursor.execute(_COUNT, {"key": f"{scope}:{client or 'unknown'}"[:200], "now": now,
                                "expired": now - dt.timedelta(seconds=window_s)})
        (count,) = cursor.fetchone()
    return count > limit
