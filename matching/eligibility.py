"""Hard rules 1 to 8: which experts may serve which need, and why a need has none.

This module owns the pair filter (vectorised per need over the experts that serve its
prefecture, so a national instance never loops over all expert-need pairs in Python) and the
cumulative unmatched reason of the spec. It knows nothing of capacity, weekdays schedules or
solvers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from .model import ACTIVE_RELATIONS, EMPLOYMENT_FORMS, RULE_REASONS, Expert, Instance, Need, accepted_fee

_POPCOUNT = np.array([bin(i).count("1") for i in range(128)], dtype=np.int8)
_FORM_BIT = {f: 1 << i for i, f in enumerate(EMPLOYMENT_FORMS)}


def _form_mask(forms) -> int:
    mask = 0
    for f in forms:
        mask |= _FORM_BIT[f]
    return mask


@dataclass(frozen=True)
class Candidates:
    """Allowed pairs (rules 1-8) and, for needs without any, the index of the first rule that empties them."""

    experts_of: tuple[np.ndarray, ...]  # per need: sorted expert indices allowed by rules 1-8
    empty_at: tuple[int | None, ...]    # per need: 0-based index into RULE_REASONS, or None

    def reason(self, r: int) -> str | None:
        k = self.empty_at[r]
        return None if k is None else RULE_REASONS[k]

    @property
    def pair_count(self) -> int:
        return int(sum(len(a) for a in self.experts_of))


class ExpertTable:
    """Column arrays of the experts, indexed for the per-need filter."""

    def __init__(self, inst: Instance):
        experts = inst.experts
        n = len(experts)
        self.inst = inst
        self.skill_names = sorted({s for e in experts for s in e.skills}
                                  | {s for r in inst.needs for s in r.required_skills})
        col = {s: j for j, s in enumerate(self.skill_names)}
        self.skills = np.zeros((n, max(1, len(self.skill_names))), dtype=np.int8)
        for i, e in enumerate(experts):
            for s, lvl in e.skills.items():
                self.skills[i, col[s]] = lvl
        self.skill_col = col
        self.forms = np.array([_form_mask(e.employment_forms) for e in experts], dtype=np.int16)
        self.weekdays = np.array([e.weekdays for e in experts], dtype=np.int16)
        self.rate = np.array([e.daily_rate for e in experts], dtype=np.int64)
        serves: dict[str, list[int]] = {}
        for i, e in enumerate(experts):
            for p in e.serves_prefectures:
                serves.setdefault(p, []).append(i)
        self.serves = {p: np.array(v, dtype=np.int64) for p, v in serves.items()}
        self._conflicted = self._conflicts(inst)
        self._forbidden: dict[str, set[int]] = {}
        for e, r in inst.forbids:
            self._forbidden.setdefault(r, set()).add(inst.expert_index[e])

    @staticmethod
    def _conflicts(inst: Instance) -> dict[str, set[int]]:
        """Per municipality: experts with an active affiliation to an ongoing incumbent, minus overrides."""
        incumbents: dict[str, set[str]] = {}
        for p in inst.procurements:
            if p.status == "ongoing" and p.incumbent_vendor is not None:
                incumbents.setdefault(p.municipality, set()).add(p.incumbent_vendor)
        by_vendor: dict[str, set[int]] = {}
        for i, e in enumerate(inst.experts):
            for a in e.affiliations:
                if a.relation in ACTIVE_RELATIONS:
                    by_vendor.setdefault(a.vendor, set()).add(i)
        out = {}
        for m, vendors in incumbents.items():
            hit = set().union(*(by_vendor.get(v, set()) for v in vendors))
            out[m] = {i for i in hit if (inst.experts[i].id, m) not in inst.coi_overrides}
        return out

    def stages(self, r: Need) -> list[np.ndarray]:
        """Survivors after rules 1, 2, ... 8 applied cumulatively (eight arrays of expert indices)."""
        out = []
        cand = self.serves.get(r.prefecture, np.zeros(0, dtype=np.int64))
        out.append(cand)
        if r.required_skills and len(cand):
            keep = np.ones(len(cand), dtype=bool)
            for s, lvl in r.required_skills.items():
                j = self.skill_col[s]
                keep &= self.skills[cand, j] >= lvl
            cand = cand[keep]
        out.append(cand)
        cand = cand[(self.forms[cand] & _form_mask(r.employment_forms)) != 0]
        out.append(cand)
        if r.onsite_required and len(cand):
            cand = cand[np.array([r.prefecture in self.inst.experts[i].onsite_prefectures for i in cand], dtype=bool)]
        out.append(cand)
        if r.weekly_days > 0:
            cand = cand[_POPCOUNT[self.weekdays[cand] & r.weekdays] >= r.weekly_days]
        out.append(cand)
        cand = cand[self.within_budget(r, cand)]
        out.append(cand)
        bad = self._conflicted.get(r.municipality)
        if bad and len(cand):
            cand = cand[np.array([i not in bad for i in cand], dtype=bool)]
        out.append(cand)
        bad = set(self._forbidden.get(r.id, ()))
        if r.replacement_requested and r.current_expert is not None:
            bad.add(self.inst.expert_index[r.current_expert])
        if bad and len(cand):
            cand = cand[np.array([i not in bad for i in cand], dtype=bool)]
        out.append(cand)
        return out

    def costs(self, r: Need, cand: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per candidate: what the expert accepts (daily_rate x days), fee(e, r) and travel_cost(e, r)."""
        accepted = accepted_fee(self.rate[cand], r.days_per_year)
        fee = accepted if r.offered_fee is None else np.full(len(cand), r.offered_fee, dtype=np.int64)
        if self.inst.travel_yen_per_km and r.onsite_days and r.location is not None and len(cand):
            k = self.inst.need_index[r.id]
            travel = np.array([self.inst.travel_cost(int(e), k) for e in cand], dtype=np.int64)
        else:
            travel = np.zeros(len(cand), dtype=np.int64)
        return accepted, fee, travel

    def within_budget(self, r: Need, cand: np.ndarray) -> np.ndarray:
        """Rule 6: the expert accepts the fee, and fee and travel fit the budget."""
        return fits_budget(*self.costs(r, cand), r.budget)


def candidates(inst: Instance, table: ExpertTable | None = None) -> Candidates:
    """Allowed experts per need and the cumulative reason for needs that have none."""
    table = table or ExpertTable(inst)
    experts_of, empty_at = [], []
    for r in inst.needs:
        stages = table.stages(r)
        experts_of.append(np.sort(stages[-1]))
        empty_at.append(next((k for k, s in enumerate(stages) if len(s) == 0), None))
    return Candidates(tuple(experts_of), tuple(empty_at))


def pair_rules_broken(inst: Instance, e: int, r: int, *, travel_cost: int | None = None) -> Iterator[int]:
    """Each rule (1-8) that forbids expert e for need r, in order and lazily (the first costs only its own check).
    Plain Python, the rules as the spec words them; `ExpertTable.stages` is the vectorised filter and a property
    test holds the two equal. `travel_cost` is a reimbursement already agreed (a proposal's); by default the
    instance's travel_cost(e, r)."""
    ex, need = inst.experts[e], inst.needs[r]
    travel = inst.travel_cost(e, r) if travel_cost is None else travel_cost
    checks = (
        lambda: need.prefecture in ex.serves_prefectures,
        lambda: not short_skills(ex, need),
        lambda: inst.employment_form(e, r) is not None,
        lambda: not need.onsite_required or need.prefecture in ex.onsite_prefectures,
        lambda: need.weekly_days == 0 or bin(ex.weekdays & need.weekdays).count("1") >= need.weekly_days,
        lambda: fits_budget(inst.accepted_fee(e, r), inst.fee(e, r), travel, need.budget),
        lambda: not conflicting_procurements(inst, e, need.municipality)
        or (ex.id, need.municipality) in inst.coi_overrides,
        lambda: (ex.id, need.id) not in inst.forbids
        and not (need.replacement_requested and need.current_expert == ex.id),
    )
    for k, ok in enumerate(checks, start=1):
        if not ok():
            yield k


def pair_allowed(inst: Instance, e: int, r: int) -> int | None:
    """The first rule (1-8) that forbids expert e for need r, or None if the pair is allowed."""
    return next(pair_rules_broken(inst, e, r), None)


def short_skills(ex: Expert, need: Need) -> tuple[str, ...]:
    """Rule 2: the required skills the expert lacks at the level the need asks, in the need's order."""
    return tuple(s for s, lvl in need.required_skills.items() if ex.skills.get(s, 0) < lvl)


def fits_budget(accepted, fee, travel, budget):
    """Rule 6: the expert accepts the fee, and fee and travel fit the budget. Works elementwise on arrays."""
    return (accepted <= fee) & (fee + travel <= budget)


def conflicting_procurements(inst: Instance, e: int, municipality: str) -> tuple[str, ...]:
    """Rule 7: the ongoing procurements of the municipality whose incumbent vendor employs expert e (an active
    affiliation), by id. A coi_override of (e, municipality) lifts the rule; it does not change this list."""
    active = {a.vendor for a in inst.experts[e].affiliations if a.active}
    return tuple(p.id for p in inst.procurements if p.municipality == municipality and p.status == "ongoing"
                 and p.incumbent_vendor in active)
