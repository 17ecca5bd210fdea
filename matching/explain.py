"""Unmatched needs: the spec's reason and a detail a person can act on.

This module owns the wording of unmatched details (over_budget names the lowest eligible fee and
the budget that would match; capacity names the needs that took the candidates). Reasons come
from eligibility.py; this module only explains them.
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .eligibility import Candidates, ExpertTable
from .model import CAPACITY, RULE_REASONS, Instance, mask_weekdays


def _yen(v: int) -> str:
    return f"{v:,}"


def _ids(inst: Instance, experts, limit: int = 5) -> str:
    ids = [inst.experts[int(e)].id for e in experts]
    more = f" and {len(ids) - limit} more" if len(ids) > limit else ""
    return ", ".join(ids[:limit]) + more


def _rule_detail(inst: Instance, table: ExpertTable, r: int, k: int) -> str:
    need = inst.needs[r]
    before = table.stages(need)[k - 1] if k > 0 else np.zeros(0, dtype=np.int64)
    n = len(before)
    reason = RULE_REASONS[k]
    if reason == "out_of_scope":
        return f"no expert serves prefecture {need.prefecture}"
    if reason == "no_skill":
        wanted = ", ".join(f"{s}>={lvl}" for s, lvl in sorted(need.required_skills.items()))
        return f"none of the {n} experts serving prefecture {need.prefecture} has {wanted}"
    if reason == "no_form":
        offered = sorted({f for e in before for f in inst.experts[int(e)].employment_forms})
        return f"the {n} experts with the skills offer {offered}; the need accepts {sorted(need.employment_forms)}"
    if reason == "no_onsite":
        return f"none of the {n} otherwise eligible experts ({_ids(inst, before)}) works onsite in {need.prefecture}"
    if reason == "no_weekday":
        best = max(bin(inst.experts[int(e)].weekdays & need.weekdays).count("1") for e in before)
        return (f"needs {need.weekly_days} of {mask_weekdays(need.weekdays)}; the {n} otherwise eligible "
                f"experts offer at most {best} of these days")
    if reason == "over_budget":
        fees = sorted((inst.experts[int(e)].daily_rate * need.days_per_year, inst.experts[int(e)].id) for e in before)
        fee, who = fees[0]
        return (f"lowest eligible fee {_yen(fee)} > budget {_yen(need.budget)}; a budget of {_yen(fee)} "
                f"would match {who}")
    if reason == "conflict":
        vendors = sorted({p.incumbent_vendor for p in inst.procurements
                          if p.municipality == need.municipality and p.status == "ongoing" and p.incumbent_vendor})
        return (f"all {n} eligible experts ({_ids(inst, before)}) work for an incumbent vendor of an ongoing "
                f"procurement of {need.municipality} ({', '.join(vendors)}); a coi_override would allow one")
    forbidden = sorted(inst.experts[int(e)].id for e in before
                       if (inst.experts[int(e)].id, need.id) in inst.forbids)
    parts = [f"forbidden: {', '.join(forbidden)}"] if forbidden else []
    if need.replacement_requested and need.current_expert:
        parts.append(f"current expert {need.current_expert} is to be replaced")
    return f"all {n} eligible experts are excluded ({'; '.join(parts)})"


def _capacity_detail(inst: Instance, allowed, taken_by: dict[int, list[int]]) -> str:
    parts = []
    for e in allowed[:5]:
        ex = inst.experts[int(e)]
        held = taken_by.get(int(e), [])
        if not held:
            parts.append(f"{ex.id} has no room for it (capacity_days {ex.capacity_days}, "
                         f"max_engagements {ex.max_engagements})")
            continue
        days = sum(inst.needs[r].days_per_year for r in held)
        parts.append(f"{ex.id} took {', '.join(inst.needs[r].id for r in held)} "
                     f"({len(held)}/{ex.max_engagements} engagements, {days}/{ex.capacity_days} days)")
    more = f"; and {len(allowed) - 5} more experts" if len(allowed) > 5 else ""
    return "allowed experts are needed elsewhere: " + "; ".join(parts) + more


def unmatched(inst: Instance, table: ExpertTable, cands: Candidates, assigned: list[tuple[int, int]]) -> list[dict]:
    """One entry per need not assigned, in need order, with the spec's reason and a detail."""
    filled = {r for _, r in assigned}
    taken_by: dict[int, list[int]] = defaultdict(list)
    for e, r in sorted(assigned, key=lambda p: p[1]):
        taken_by[e].append(r)
    out = []
    for r, need in enumerate(inst.needs):
        if r in filled:
            continue
        k = cands.empty_at[r]
        if k is None:
            out.append({"need": need.id, "reason": CAPACITY,
                        "detail": _capacity_detail(inst, cands.experts_of[r], taken_by)})
        else:
            out.append({"need": need.id, "reason": RULE_REASONS[k], "detail": _rule_detail(inst, table, r, k)})
    return out
