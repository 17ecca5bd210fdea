"""Rule 11, one place a day: weekday feasibility for one expert and the weekday assignment.

For one expert, weekly needs r (k_r days out of the allowed set A_r = e.weekdays ∩ r.weekdays)
fit iff a bipartite b-matching needs→days saturates every need. By Hall's theorem this holds iff
for every day set T: sum of k_r over needs with A_r ⊆ T is at most |T|. `hall_sets` lists the T
that can bind, so the solver states rule 11 exactly with linear constraints and no weekday
variables; `assign_weekdays` then names the days with augmenting paths. Deterministic throughout.
"""

from __future__ import annotations

from collections.abc import Sequence

from .model import WEEKDAYS


def popcount(mask: int) -> int:
    return bin(mask).count("1")


def hall_sets(allowed: Sequence[int]) -> list[int]:
    """Day sets T (bit masks) worth a Hall constraint: all unions of the distinct allowed sets."""
    closure: set[int] = set()
    for a in sorted(set(allowed)):
        closure |= {a | t for t in closure}
        closure.add(a)
    return sorted(closure)


def weekdays_fit(items: Sequence[tuple[int, int]]) -> bool:
    """Whether weekly needs given as (allowed mask, k) can get k distinct days each, no day twice."""
    for t in hall_sets([a for a, _ in items]):
        if sum(k for a, k in items if a & ~t == 0) > popcount(t):
            return False
    return True


def assign_weekdays(items: Sequence[tuple[int, int]], prefer: Sequence[int] | None = None) -> list[int] | None:
    """Day masks for (allowed mask, k) items, or None if they do not fit.

    `prefer` (optional, one mask per item) is tried first for each item, e.g. last run's weekdays.
    """
    owner: dict[int, int] = {}  # day index -> item index
    taken = [0] * len(items)
    order = [list(range(len(WEEKDAYS))) for _ in items]
    if prefer is not None:
        for i, mask in enumerate(prefer):
            order[i].sort(key=lambda d, m=mask: (not (m >> d) & 1, d))

    def augment(i: int, seen: set[int]) -> bool:
        allowed = items[i][0]
        for d in order[i]:
            if not (allowed >> d) & 1 or d in seen or (taken[i] >> d) & 1:
                continue
            seen.add(d)
            if d not in owner or augment(owner[d], seen):
                if d in owner:
                    taken[owner[d]] &= ~(1 << d)
                owner[d] = i
                taken[i] |= 1 << d
                return True
        return False

    for i, (_, k) in enumerate(items):
        for _ in range(k):
            if not augment(i, set()):
                return None
    return taken
