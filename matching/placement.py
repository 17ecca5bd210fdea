"""The hard rules asked one pair at a time: a placement checked against all of them, and the standing of every
expert for one need. The service asks these at approval and on the candidates page, so that it words the rules
but never decides them.

Rules 1-8 come from eligibility.pair_rules_broken and rules 9-11 from joint.joint_rules_broken, the functions
the engine itself uses; this module only gathers the facts a refusal names. It never solves.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from .eligibility import conflicting_procurements as _conflicting
from .eligibility import pair_allowed, pair_rules_broken, short_skills
from .joint import Load, joint_rules_broken, named_weekdays_fit
from .loading import load_instance
from .model import CAPACITY, RULE_REASONS, WEEKDAY_BIT, WEEKDAYS, mask_weekdays, weekday_mask


@dataclass(frozen=True)
class PlacementCheck:
    """Every hard rule a placement breaks, and what each refusal names."""

    broken: tuple[int, ...]  # rules 1-11, ascending; empty: the placement may stand
    weekdays_fit: bool  # the named weekdays are weekly_days of e.weekdays ∩ r.weekdays (rule 11, this assignment)
    weekdays_twice: tuple[str, ...]  # weekdays the expert would work in two places (rule 11, one place a day)
    short_skills: tuple[str, ...]  # rule 2: required skills below the level asked
    accepted_fee: int  # rule 6: the least the expert accepts ...
    fee: int  # ... the fee paid ...
    travel_cost: int  # ... and the travel reimbursed from the same budget
    conflicting: tuple[str, ...]  # rule 7: procurement ids whose incumbent employs the expert (overridden or not)
    held_days: int  # rule 10: the days of what the expert already holds


def placement_check(instance, *, expert: str, need: str, weekdays: Sequence[str] = (),
                    holdings: Sequence[Mapping] = (), travel_cost: int | None = None) -> PlacementCheck:
    """Expert `expert` on need `need` of the instance, working `weekdays`, next to `holdings` (what the expert
    already holds: {"days_per_year", "weekdays"} each; the instance's expert is their whole self, nothing taken
    away). `travel_cost` is a reimbursement already agreed (a proposal's); by default the instance's."""
    inst = load_instance(instance)
    e, r = inst.expert_index[expert], inst.need_index[need]
    ex, nd = inst.experts[e], inst.needs[r]
    named = weekday_mask(weekdays)
    loads = [Load.fixed(h["days_per_year"], weekday_mask(h["weekdays"])) for h in holdings]
    loads.append(Load.fixed(nd.days_per_year, named))
    fit = named_weekdays_fit(ex, nd, named)
    broken = set(pair_rules_broken(inst, e, r, travel_cost=travel_cost)) | set(joint_rules_broken(ex, loads))
    if not fit:
        broken.add(11)
    named_by = Counter(d for load in loads for d in WEEKDAYS if load.weekdays & WEEKDAY_BIT[d])
    return PlacementCheck(
        broken=tuple(sorted(broken)), weekdays_fit=fit,
        weekdays_twice=tuple(mask_weekdays(weekday_mask(d for d, n in named_by.items() if n > 1))),
        short_skills=short_skills(ex, nd), accepted_fee=inst.accepted_fee(e, r), fee=inst.fee(e, r),
        travel_cost=inst.travel_cost(e, r) if travel_cost is None else travel_cost,
        conflicting=_conflicting(inst, e, nd.municipality),
        held_days=sum(h["days_per_year"] for h in holdings))


def need_standing(instance, need: str) -> dict[str, str | None]:
    """For every expert of the instance, why they cannot take `need` as things stand: the unmatched reason of the
    first of rules 1-8 that forbids the pair, else `capacity` when the need alone does not fit what the expert has
    left (rules 9-11: the instance's experts carry only what their engagements leave), else None."""
    inst = load_instance(instance)
    r = inst.need_index[need]
    nd = inst.needs[r]
    out = {}
    for e, ex in enumerate(inst.experts):
        k = pair_allowed(inst, e, r)
        if k is not None:
            out[ex.id] = RULE_REASONS[k - 1]
        else:
            alone = Load(nd.days_per_year, nd.weekly_days, ex.weekdays & nd.weekdays)
            out[ex.id] = CAPACITY if joint_rules_broken(ex, [alone]) else None
    return out


def conflicting_procurements(instance, *, expert: str, municipality: str) -> tuple[str, ...]:
    """Rule 7's procurements for an expert in a municipality: ongoing, with an incumbent vendor that employs the
    expert (an active affiliation), by id; a coi_override lifts the rule but does not change the list."""
    inst = load_instance(instance)
    return _conflicting(inst, inst.expert_index[expert], municipality)
