"""Rule 12: whether the pins and fixed engagements can all hold, and which ones are at fault.

Pins only constrain their own expert and need, so they hold together iff each pin passes rules
1-8 (and a fixed engagement names valid weekdays), no need is pinned to two experts, and each
expert's pinned needs fit its max_engagements, capacity_days and weekdays. This module finds
every such fault; it never solves.
"""

from __future__ import annotations

from collections import defaultdict

from .eligibility import pair_allowed
from .joint import Load, joint_rules_broken, named_weekdays_fit
from .model import RULE_NAMES, Instance, Pin, mask_weekdays


def _conflict(pin: Pin, rule: int, why: str) -> dict:
    kind = "fixed_assignment" if pin.fixed else "pin"
    return {"expert": pin.expert, "need": pin.need, "reason": f"rule {rule} {RULE_NAMES[rule]}: {why}",
            "kind": kind}


def _individual(inst: Instance, pin: Pin) -> list[dict]:
    e, r = inst.expert_index[pin.expert], inst.need_index[pin.need]
    ex, need = inst.experts[e], inst.needs[r]
    rule = pair_allowed(inst, e, r)
    out = []
    if rule is not None:
        out.append(_conflict(pin, rule, f"{pin.expert} is not allowed for {pin.need}"))
    if pin.fixed and not named_weekdays_fit(ex, need, pin.weekdays):
        allowed = ex.weekdays & need.weekdays
        out.append(_conflict(pin, 11, f"{pin.need} is not weekly, so its fixed weekdays must be empty"
                             if need.weekly_days == 0 else f"fixed weekdays {mask_weekdays(pin.weekdays)} are not "
                                                           f"{need.weekly_days} of {mask_weekdays(allowed)}"))
    return out


def _per_need(pins: list[Pin]) -> list[dict]:
    by_need: dict[str, list[Pin]] = defaultdict(list)
    for p in pins:
        by_need[p.need].append(p)
    out = []
    for need, group in by_need.items():
        experts = sorted({p.expert for p in group})
        if len(experts) > 1:
            out += [_conflict(p, 9, f"{need} is pinned to {len(experts)} experts ({', '.join(experts)})")
                    for p in group]
    return out


def _per_expert(inst: Instance, pins: list[Pin]) -> list[dict]:
    by_expert: dict[str, dict[str, Pin]] = defaultdict(dict)
    for p in pins:
        if p.need not in by_expert[p.expert] or p.fixed:
            by_expert[p.expert][p.need] = p
    out = []
    for expert, group in by_expert.items():
        ex = inst.experts[inst.expert_index[expert]]
        needs = [inst.needs[inst.need_index[n]] for n in group]
        ps = list(group.values())
        loads = [Load(r.days_per_year, r.weekly_days, p.weekdays if p.fixed else ex.weekdays & r.weekdays)
                 for p, r in zip(ps, needs, strict=True)]
        broken = joint_rules_broken(ex, loads)
        if 9 in broken:
            out += [_conflict(p, 9, f"{expert} has {len(ps)} pinned needs, max_engagements {ex.max_engagements}")
                    for p in ps]
        if 10 in broken:
            days = sum(r.days_per_year for r in needs)
            out += [_conflict(p, 10, f"{expert}'s pinned needs take {days} days, capacity_days {ex.capacity_days}")
                    for p in ps]
        if 11 in broken:
            out += [_conflict(p, 11, f"{expert}'s pinned weekly needs cannot get distinct weekdays "
                                     f"from {mask_weekdays(ex.weekdays)}")
                    for p, r in zip(ps, needs, strict=True) if r.weekly_days > 0]
    return out


def pin_conflicts(inst: Instance) -> list[dict]:
    """Every pin at fault with the rule it breaks, sorted; empty when all pins can hold."""
    pins = list(inst.pins)
    out = [c for p in pins for c in _individual(inst, p)] + _per_need(pins) + _per_expert(inst, pins)
    unique = {(c["expert"], c["need"], c["reason"]): c for c in out}
    return [unique[k] for k in sorted(unique)]
