"""A simple fixed-window limit per client address for public forms (django-axes watches only logins).

Counts live in the default cache: one memory cache per web process, so with N gunicorn workers a client
gets at most N times the limit per window. That bounds abuse of a form; it is no lock-out.
"""

from django.core.cache import cache


def rate_limit_hit(*, scope: str, client: str | None, limit: int, window_s: int) -> bool:
    """Count one use by `client`; True when it is over `limit` uses within the window."""
    key = f"ratelimit:{scope}:{client or 'unknown'}"
    if cache.add(key, 1, timeout=window_s):
        return False
    try:
        return cache.incr(key) > limit
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout=window_s)
        return False
