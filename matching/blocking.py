"""Blocking pairs of a version 3 result (exchange format, "Version 3", Result): every pair (e, r) that both
sides would rather have had than what the result gives them.

Pure: it reads an instance and a result's assignments as written (the weekdays they name, nothing re-dayed)
and never solves. The solver reports it in `blocking_pairs`; the service calls it to explain a run. The
checker (validate.py) recomputes the same set by its own, plainer transcription of the spec.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from .eligibility import pair_allowed
from .loading import load_instance
from .model import Instance, weekday_mask


def _popcount(mask: int) -> int:
    return bin(mask).count("1")


class _Holdings:
    """What one expert holds in the result: needs (indices), their days and the weekdays each names."""

    def __init__(self) -> None:
        self.needs: list[int] = []
        self.days: dict[int, int] = {}

    def used(self, without: int | None = None) -> int:
        mask = 0
        for r, days in self.days.items():
            if r != without:
                mask |= days
        return mask


def _fits(inst: Instance, e: int, r: int, held: _Holdings, release: int | None) -> bool:
    """Rule 3a (release None) or the fit of 3b: e's assignments (without `release`) plus r fit max_engagements,
    capacity_days and, for a weekly r, r.weekly_days weekdays of e.weekdays ∩ r.weekdays named by none of them."""
    ex, need = inst.experts[e], inst.needs[r]
    kept = [n for n in held.needs if n != release]
    if len(kept) + 1 > ex.max_engagements:
        return False
    if sum(inst.needs[n].days_per_year for n in kept) + need.days_per_year > ex.capacity_days:
        return False
    if need.weekly_days > 0:
        free = ex.weekdays & need.weekdays & ~held.used(without=release)
        if _popcount(free) < need.weekly_days:
            return False
    return True


def blocking_pair_list(inst: Instance, assignments: Iterable[Mapping]) -> list[dict]:
    """The spec's `blocking_pairs` for `assignments` (result entries: need, expert, weekdays), sorted by need id,
    then expert id. Only pairs the expert side wants (L_e >= 1) can block, so only those are examined."""
    held: dict[int, _Holdings] = {}
    assigned: dict[int, int] = {}
    for a in assignments:
        e, r = inst.expert_index.get(a.get("expert")), inst.need_index.get(a.get("need"))
        if e is None or r is None:
            continue
        h = held.setdefault(e, _Holdings())
        h.needs.append(r)
        h.days[r] = h.days.get(r, 0) | weekday_mask(a.get("weekdays") or [])
        assigned[r] = e
    fixed = {(inst.expert_index[p.expert], inst.need_index[p.need]) for p in inst.pins}
    out = []
    for (e, r), level_e in inst.pref_e.items():
        if level_e < 1 or assigned.get(r) == e:
            continue
        holder = assigned.get(r)
        if holder is not None and (holder, r) in fixed:
            continue
        level_m = inst.pref_m.get((e, r), 0)
        if level_m <= (inst.pref_m.get((holder, r), 0) if holder is not None else 0):
            continue
        if pair_allowed(inst, e, r) is not None:
            continue
        h = held.get(e, _Holdings())
        release = None
        if not _fits(inst, e, r, h, None):
            options = [n for n in h.needs if (e, n) not in fixed and inst.pref_e.get((e, n), 0) < level_e
                       and _fits(inst, e, r, h, n)]
            if not options:
                continue
            release = min(options, key=lambda n: (inst.pref_e.get((e, n), 0), inst.needs[n].id))
        out.append({"expert": inst.experts[e].id, "need": inst.needs[r].id, "municipality_level": level_m,
                    "expert_level": level_e,
                    "assigned_expert": inst.experts[holder].id if holder is not None else None,
                    "released_need": inst.needs[release].id if release is not None else None})
    out.sort(key=lambda b: (b["need"], b["expert"]))
    return out


def blocking_pairs(instance, assignments: Iterable[Mapping]) -> list[dict]:
    """`blocking_pairs` of a result whose `assignments` are given, for an instance (dict, path or Instance).
    Below version 3 no side has a say, so there are none."""
    inst = load_instance(instance)
    return blocking_pair_list(inst, assignments) if inst.version >= 3 else []
