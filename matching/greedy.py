"""The greedy baseline: pins first, then needs by priority, each to the cheapest allowed expert with room.

It is the benchmark's point of comparison and the solver's first solution (a valid hint for
every component). It never breaks a hard rule; it does not try to be clever.
"""

from __future__ import annotations

from collections import defaultdict

from .model import Instance
from .weekdays import weekdays_fit


class Room:
    """What each expert has left: engagements, days and weekly (allowed days, k) items."""

    def __init__(self, inst: Instance):
        self.inst = inst
        self.count: dict[int, int] = defaultdict(int)
        self.days: dict[int, int] = defaultdict(int)
        self.weekly: dict[int, list[tuple[int, int]]] = defaultdict(list)
        self.fixed = {(inst.expert_index[p.expert], inst.need_index[p.need]): p.weekdays
                      for p in inst.pins if p.fixed}

    def item(self, e: int, r: int) -> tuple[int, int]:
        need = self.inst.needs[r]
        return self.fixed.get((e, r), self.inst.experts[e].weekdays & need.weekdays), need.weekly_days

    def fits(self, e: int, r: int) -> bool:
        ex, need = self.inst.experts[e], self.inst.needs[r]
        if self.count[e] + 1 > ex.max_engagements or self.days[e] + need.days_per_year > ex.capacity_days:
            return False
        return need.weekly_days == 0 or weekdays_fit(self.weekly[e] + [self.item(e, r)])

    def take(self, e: int, r: int) -> None:
        need = self.inst.needs[r]
        self.count[e] += 1
        self.days[e] += need.days_per_year
        if need.weekly_days:
            self.weekly[e].append(self.item(e, r))


def greedy(inst: Instance, pairs: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """A feasible assignment (list of (expert, need) indices) using only the given candidate pairs."""
    by_need: dict[int, list[int]] = defaultdict(list)
    for e, r in pairs:
        by_need[r].append(e)
    room = Room(inst)
    chosen: list[tuple[int, int]] = []
    for p in inst.pins:
        e, r = inst.expert_index[p.expert], inst.need_index[p.need]
        if all(r != r2 for _, r2 in chosen):
            room.take(e, r)
            chosen.append((e, r))
    done = {r for _, r in chosen}
    order = sorted(by_need, key=lambda r: (-inst.needs[r].priority, r))
    for r in order:
        if r in done:
            continue
        for e in sorted(by_need[r], key=lambda e: (inst.experts[e].daily_rate, e)):
            if room.fits(e, r):
                room.take(e, r)
                chosen.append((e, r))
                break
    return chosen
