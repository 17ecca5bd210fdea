"""What the apps above the calendar are asked to do when a closed day is added (backend/core/hooks.py).

`CLOSED_DAY_ADDED` fires inside the transaction that adds a prefecture's or a municipality's closed day, once it is
saved: the visit plan moves the visits planned on it. Keyword arguments: `actor` and `closed_day`. Callables answer
warnings for the one who acted.
"""

from backend.core.hooks import Hook

CLOSED_DAY_ADDED = Hook("closed day added")
