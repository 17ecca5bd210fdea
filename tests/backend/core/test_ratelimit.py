"""Public forms are limited per client in the database every process shares (issue 21: the limit was per web
process and reset on restart)."""

import datetime as dt
from unittest import mock

from django.utils import timezone

from backend.core.models import RateLimitWindow
from backend.core.ratelimit import rate_limit_hit
from tests.backend.concurrency import race


def _hit(**kwargs) -> bool:
    return rate_limit_hit(**{"scope": "password-reset", "client": "192.0.2.1", "limit": 3, "window_s": 600,
                             **kwargs})


def test_the_use_after_the_limit_is_refused_and_other_clients_are_not(db):
    assert [_hit() for _ in range(5)] == [False, False, False, True, True]
    assert _hit(client="192.0.2.2") is False
    assert _hit(scope="expert-application") is False


def test_the_count_starts_again_when_the_window_has_passed(db):
    assert [_hit() for _ in range(4)][-1] is True
    later = timezone.now() + dt.timedelta(seconds=601)
    with mock.patch("backend.core.ratelimit.timezone.now", return_value=later):
        assert _hit() is False
    assert RateLimitWindow.objects.get().count == 1


def test_the_limit_holds_across_connections_at_the_same_moment(committed_db):
    """Each thread has its own database connection, as each gunicorn worker has: 8 uses at once, 3 allowed."""
    outcomes = race([_hit for _ in range(8)])
    assert sorted(outcomes) == [False] * 3 + [True] * 5
