"""Rules 9 to 11 for one expert: whether the needs they hold, or are to take, fit together.

A load is one need an expert serves: its days, and its weekly days with the weekdays it may take (the days
it names, when they are fixed). The pin check and the service (approval, the candidates page) ask this module;
the solver states the same rules as linear rows (formulation.py). It never solves.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from .model import Expert, Need
from .weekdays import popcount, weekdays_fit


@dataclass(frozen=True)
class Load:
    days_per_year: int
    weekly_days: int = 0
    weekdays: int = 0  # bit mask: the days it names when fixed, else the days it may take (e.weekdays ∩ r.weekdays)

    @staticmethod
    def fixed(days_per_year: int, weekdays: int) -> Load:
        """A load whose weekdays are named (an engagement, a proposal): it takes exactly those days."""
        return Load(days_per_year, popcount(weekdays), weekdays)


def joint_rules_broken(ex: Expert, loads: Sequence[Load]) -> tuple[int, ...]:
    """The rules among 9 (max_engagements), 10 (capacity_days) and 11 (one place a day) that these loads of one
    expert break together, ascending."""
    broken = []
    if len(loads) > ex.max_engagements:
        broken.append(9)
    if sum(load.days_per_year for load in loads) > ex.capacity_days:
        broken.append(10)
    if not weekdays_fit([(load.weekdays, load.weekly_days) for load in loads if load.weekly_days > 0]):
        broken.append(11)
    return tuple(broken)


def named_weekdays_fit(ex: Expert, need: Need, weekdays: int) -> bool:
    """Rule 11 for one assignment whose weekdays are named: exactly weekly_days of e.weekdays ∩ r.weekdays, and
    none for a need that is not weekly."""
    if need.weekly_days == 0:
        return weekdays == 0
    return popcount(weekdays) == need.weekly_days and not weekdays & ~(ex.weekdays & need.weekdays)
