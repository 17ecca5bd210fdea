"""A run's scope: the one key that names it (prefectures, fiscal year and, for a replacement, the request) and
the one lookup of the previous run of a scope (what a re-run is compared with and keeps where it can)."""

import datetime as dt
from collections.abc import Iterable

from backend.runs.models import MatchRun, RunStatus


def scope_key(prefectures: Iterable[str], fiscal_year: int, replacement_id: int | None = None) -> str:
    """'19+20/2027', or '20/2027/replacement-4' for the run of one replacement request. At most one queued or
    running run per key (the database refuses a second)."""
    key = f"{'+'.join(sorted(prefectures))}/{fiscal_year}"
    return f"{key}/replacement-{replacement_id}" if replacement_id else key


def run_previous(*, scope_key: str, before: dt.datetime | None = None) -> MatchRun | None:
    """The last successful run of the scope (started before `before`, when given), with its instance and result
    deferred: read them only when needed."""
    runs = MatchRun.objects.filter(scope_key=scope_key, status=RunStatus.SUCCEEDED)
    if before is not None:
        runs = runs.filter(created_at__lt=before)
    return runs.defer("instance", "result").order_by("-created_at", "-id").first()
