"""The greedy baseline packaged as a full result (for the benchmark and for comparison in tests)."""

from __future__ import annotations

import time

from .blocking import blocking_pair_list
from .eligibility import ExpertTable, candidates
from .explain import unmatched
from .flags import flags_for
from .formulation import modelled_pairs
from .greedy import greedy
from .model import PREFERENCE_STAGE, Instance, assignment_record
from .weekdays import assign_weekdays


def greedy_result(inst: Instance) -> dict:
    started = time.perf_counter()
    table = ExpertTable(inst)
    cands = candidates(inst, table)
    chosen = sorted(greedy(inst, modelled_pairs(inst, cands)), key=lambda p: p[1])
    fixed = {(inst.expert_index[p.expert], inst.need_index[p.need]): p.weekdays for p in inst.pins if p.fixed}
    days: dict[tuple[int, int], int] = {}
    by_expert: dict[int, list[int]] = {}
    for e, r in chosen:
        if inst.needs[r].weekly_days:
            by_expert.setdefault(e, []).append(r)
    for e, rs in by_expert.items():
        masks = assign_weekdays([(fixed.get((e, r), inst.experts[e].weekdays & inst.needs[r].weekdays),
                                  inst.needs[r].weekly_days) for r in rs])
        days.update(zip(((e, r) for r in rs), masks, strict=True))
    primary = sum(inst.needs[r].priority for _, r in chosen)
    upper = sum(r.priority for k, r in enumerate(inst.needs) if cands.empty_at[k] is None)
    lead = _lead(inst, chosen, cands, primary, upper)
    assignments = [assignment_record(inst, e, r, days.get((e, r), 0)) for e, r in chosen]
    result = {
        "format": inst.result_format, "status": "optimal" if all(x["value"] == x["bound"] for x in lead) else "feasible",
        "assignments": assignments,
        "unmatched": unmatched(inst, table, cands, chosen),
        "flags": flags_for(inst, chosen),
        "objective": {"primary": primary, "primary_bound": upper, "lead": lead},
        "stats": {"wall_time_s": round(time.perf_counter() - started, 3), "solver": "greedy"},
    }
    if inst.version >= 3:
        # The trivial bound: per need, the best L_m + L_e among its allowed experts.
        best = [max((inst.preference(int(e), r) for e in cands.experts_of[r]), default=0)
                for r in range(len(inst.needs))]
        value = sum(inst.preference(e, r) for e, r in chosen)
        result["objective"][PREFERENCE_STAGE] = {"value": value, "bound": max(value, sum(best))}
        result["blocking_pairs"] = blocking_pair_list(inst, assignments)
    return result


def _lead(inst: Instance, chosen, cands, primary: int, upper: int) -> list[dict]:
    """Lead entries with trivial bounds: every need, or municipality, that has an allowed expert."""
    covered = len({inst.needs[r].municipality for _, r in chosen})
    reachable = len({r.municipality for k, r in enumerate(inst.needs) if cands.empty_at[k] is None})
    entries = {"priority": {"name": "priority", "value": primary, "bound": upper},
               "coverage": {"name": "coverage", "value": covered, "bound": reachable}}
    return [entries[name] for name in inst.lead]
