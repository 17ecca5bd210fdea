"""The greedy baseline packaged as a full result (for the benchmark and for comparison in tests)."""

from __future__ import annotations

import time

from .eligibility import ExpertTable, candidates
from .explain import unmatched
from .flags import flags_for
from .formulation import modelled_pairs
from .greedy import greedy
from .model import RESULT_FORMAT, Instance, assignment_record
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
    return {
        "format": RESULT_FORMAT, "status": "optimal" if all(x["value"] == x["bound"] for x in lead) else "feasible",
        "assignments": [assignment_record(inst, e, r, days.get((e, r), 0)) for e, r in chosen],
        "unmatched": unmatched(inst, table, cands, chosen),
        "flags": flags_for(inst, chosen),
        "objective": {"primary": primary, "primary_bound": upper, "lead": lead},
        "stats": {"wall_time_s": round(time.perf_counter() - started, 3), "solver": "greedy"},
    }


def _lead(inst: Instance, chosen, cands, primary: int, upper: int) -> list[dict]:
    """Lead entries with trivial bounds: every need, or municipality, that has an allowed expert."""
    covered = len({inst.needs[r].municipality for _, r in chosen})
    reachable = len({r.municipality for k, r in enumerate(inst.needs) if cands.empty_at[k] is None})
    entries = {"priority": {"name": "priority", "value": primary, "bound": upper},
               "coverage": {"name": "coverage", "value": covered, "bound": reachable}}
    return [entries[name] for name in inst.lead]
