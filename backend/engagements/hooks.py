"""What the apps above engagements are asked to do when an engagement's term changes (backend/core/hooks.py).

`ENGAGEMENT_ENDED` fires inside the transaction that ends an engagement before its term (its exception revoked, a
conflict, a replacement, ending mid-year) or cancels it before it began, once its new `ends_on` is saved: the visit
plan cancels the dates after it. Keyword arguments: `actor`, `engagement` (already saved) and `cancelled` (True when
it never started). Callables answer warnings for the one who acted.
"""

from backend.core.hooks import Hook

ENGAGEMENT_ENDED = Hook("engagement ended")
