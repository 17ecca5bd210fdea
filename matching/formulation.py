"""The solver-neutral linear model: candidate pairs, rules 9-12 as rows, one objective per stage.

This module owns the formulation. Variables are binary x (one per candidate pair) and, for the
bid-restriction stage, y (one per expert and municipality with planned procurements and
affiliations). Rule 11 is stated exactly without weekday variables through Hall's condition
(see weekdays.py); weekdays are named after the solve. It also splits the problem into
independent connected components. It never calls a solver.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

from .eligibility import Candidates
from .flags import ProcurementIndex, bid_weight
from .model import PREFERENCE_STAGE, Instance, km
from .weekdays import hall_sets, popcount

# The lexicographic order (documented in docs/matching.md).
STAGES: tuple[tuple[str, str], ...] = (
    ("primary", "max"),            # sum of priorities of filled needs
    ("filled", "max"),             # filled needs: "no gain below may cost a filled need" (spec, Objective)
    ("preference", "max"),         # version 3: sum of L_m + L_e over assigned pairs (absent below version 3)
    ("skill_fit", "max"),          # desired skills met: sum over (s, lvl) of min(level held, lvl)
    ("bid_restrictions", "min"),   # procurement ids listed by bid_restriction flags
    ("keep_current", "max"),       # needs kept with current_expert (no replacement asked)
    ("keep_previous", "max"),      # pairs kept from previous_assignments
    ("fee", "min"),                # sum of (fee + travel_cost) / budget, in 0.1 % (FEE_UNITS_PER_BUDGET)
    ("travel", "min"),             # onsite needs: km from home to location x onsite_days, in 100 km-days
)
# The primary and the number of filled needs are solved first as one objective ("lead"); the stages after
# them are the criteria a run may choose. With the instance's lead ["coverage", "priority"], coverage (the
# number of municipalities with an assigned need) comes first in that one objective (`lead_stages`).
LEAD: tuple[str, ...] = ("primary", "filled")
COVERAGE = "coverage"
EXCESS = "filled_excess"  # filled needs less covered municipalities (the lead's last term under coverage)
# The lead without its last term (filled needs, or their excess): what a first block carries in version 3, the
# last term being kept by a row (stage_blocks).
LEAD_HEAD = "lead_head"
LATER_STAGES: tuple[str, ...] = tuple(name for name, _ in STAGES[len(LEAD):])
SENSES: dict[str, str] = dict(STAGES) | {"lead": "max", LEAD_HEAD: "max", COVERAGE: "max", EXCESS: "max"}
# The spec's names of the lead criteria against the stages that hold them.
LEAD_STAGE = {"priority": "primary", "coverage": COVERAGE}


def later_stages(inst: Instance, chosen: tuple[str, ...] | None = None) -> list[tuple[str, str]]:
    """The stages after the lead this instance has, in order, limited to `chosen` (None: all). The preference
    stage exists for every version 3 instance (also without any wish) and for no other."""
    return [(n, s) for n, s in STAGES[len(LEAD):] if (chosen is None or n in chosen)
            and (n != PREFERENCE_STAGE or inst.version >= 3)]


def lead_stages(inst: Instance) -> tuple[str, ...]:
    """The stages of the lead objective, heaviest first: the instance's lead criteria, then filled needs."""
    return tuple(LEAD_STAGE[name] for name in inst.lead) + ("filled",)

# Largest product of (stage range + 1) folded into one weighted objective, per backend. Below 2**50 every
# objective value is an integer a double holds exactly (2**53), and SCIP (integral-objective cutoff) and
# CP-SAT (integer arithmetic) still tell solutions apart by one unit of the last stage: checked against
# solving stage by stage on every benchmark instance (docs/benchmarks-history.md) and by a property test.
# HiGHS lost that unit at 2**50 on 北海道 (its tolerances are relative), so it and CBC get 2**40.
MAX_BLOCK_SCALE = {"scip": 2**50, "cpsat": 2**50, "highs": 2**40, "cbc": 2**40}


# Units of the two widest stages. Their ranges multiply into the weights of a block, and at these units every
# stage after the lead fits one block for a prefecture (北海道: about 2**47), so the lead is kept by a single
# row and the whole tie-break is one solve; finer units split it into two, the second carrying dense rows
# for every earlier stage (docs/benchmarks-history.md). A fee is counted in 0.1 % of its need's budget, travel in
# 100 km-days (2 km a visit for a need of 48 days a year).
FEE_UNITS_PER_BUDGET = 1_000
TRAVEL_UNIT_KM_DAYS = 100


@dataclass
class StageBlock:
    """Consecutive lexicographic stages solved as one maximisation: sum of weight * sign * stage."""

    stages: tuple[str, ...]
    terms: list[tuple[int, int]]
    carries_lead: bool  # the lead (primary, filled needs) is its heaviest term instead of a row
    lead_row: str | None = None  # the lead's last term, kept by a row while the block carries the rest (LEAD_HEAD)


@dataclass
class Row:
    terms: list[tuple[int, int]]  # (variable, coefficient)
    lo: float
    hi: float
    name: str


@dataclass
class Component:
    """One independent piece of the problem: its pairs, needs and experts (global indices)."""

    pairs: list[tuple[int, int]]
    needs: list[int]
    experts: list[int]
    pinned: set[int] = field(default_factory=set)  # variables fixed to 1


@dataclass
class LinearModel:
    component: Component
    n_vars: int
    rows: list[Row]
    objectives: dict[str, list[tuple[int, int]]]
    y_of: dict[tuple[int, str], int]
    lead: tuple[str, ...] = LEAD  # stages folded into the lead objective, heaviest first
    z_of: dict[str, int] = field(default_factory=dict)  # coverage: a variable per municipality of several needs
    municipalities: int = 0  # municipalities of the component's needs (coverage's trivial bound)
    offered_fees: bool = False  # some need of the component has an offered_fee (stage_blocks' plan)

    @property
    def n_x(self) -> int:
        return len(self.component.pairs)


def modelled_pairs(inst: Instance, cands: Candidates) -> list[tuple[int, int]]:
    """Candidate pairs worth a variable: allowed by rules 1-8, fitting the expert alone, honouring pins."""
    pinned_to = {inst.need_index[p.need]: inst.expert_index[p.expert] for p in inst.pins}
    pairs = []
    for r, experts in enumerate(cands.experts_of):
        need = inst.needs[r]
        if r in pinned_to:
            pairs.append((pinned_to[r], r))
            continue
        for e in experts.tolist():
            ex = inst.experts[e]
            if ex.max_engagements >= 1 and need.days_per_year <= ex.capacity_days:
                pairs.append((e, r))
    return pairs


def components(inst: Instance, pairs: list[tuple[int, int]]) -> list[Component]:
    """Connected components of the expert-need graph, largest first, deterministic."""
    n_e = len(inst.experts)
    parent = list(range(n_e + len(inst.needs)))

    def find(a: int) -> int:
        while parent[a] != a:
            parent[a] = parent[parent[a]]
            a = parent[a]
        return a

    links = [(e, n_e + r) for e, r in pairs]
    if COVERAGE in lead_stages(inst):
        # Coverage counts a municipality once, so needs of one municipality must share a component.
        first_need: dict[str, int] = {}
        for _, r in pairs:
            links.append((n_e + first_need.setdefault(inst.needs[r].municipality, r), n_e + r))
    for u, v in links:
        a, b = find(u), find(v)
        if a != b:
            parent[max(a, b)] = min(a, b)
    groups: dict[int, list[tuple[int, int]]] = {}
    for e, r in pairs:
        groups.setdefault(find(e), []).append((e, r))
    comps = []
    for g in groups.values():
        g.sort(key=lambda p: (p[1], p[0]))
        comps.append(Component(g, sorted({r for _, r in g}), sorted({e for e, _ in g})))
    comps.sort(key=lambda c: (-len(c.pairs), c.needs[0]))
    return comps


def pair_scores(inst: Instance, e: int, r: int) -> dict[str, int]:
    """Per-pair coefficients of every stage except bid restrictions (which are per municipality)."""
    ex, need = inst.experts[e], inst.needs[r]
    cost = inst.fee(e, r) + inst.travel_cost(e, r)
    travel = 0
    if need.onsite_days and ex.home is not None and need.location is not None:
        travel = round(km(ex.home, need.location) * need.onsite_days / TRAVEL_UNIT_KM_DAYS)
    return {
        "primary": need.priority,
        "filled": 1,
        PREFERENCE_STAGE: inst.preference(e, r),
        "skill_fit": sum(min(ex.skills.get(s, 0), lvl) for s, lvl in need.desired_skills.items()),
        "keep_current": int(need.current_expert == ex.id and not need.replacement_requested),
        "keep_previous": int((ex.id, need.id) in inst.previous),
        "fee": (cost * FEE_UNITS_PER_BUDGET) // need.budget if need.budget else 0,
        "travel": travel,
    }


def _weekly_allowed(inst: Instance, e: int, r: int, fixed: dict[tuple[int, int], int]) -> int:
    return fixed.get((e, r), inst.experts[e].weekdays & inst.needs[r].weekdays)


def build(inst: Instance, comp: Component, procurements: ProcurementIndex) -> LinearModel:
    """Rows for rules 9-12 and the stage objectives of one component."""
    fixed = {(inst.expert_index[p.expert], inst.need_index[p.need]): p.weekdays for p in inst.pins if p.fixed}
    pinned = {(inst.expert_index[p.expert], inst.need_index[p.need]) for p in inst.pins}
    rows: list[Row] = []
    by_need: dict[int, list[int]] = {}
    by_expert: dict[int, list[int]] = {}
    for j, (e, r) in enumerate(comp.pairs):
        by_need.setdefault(r, []).append(j)
        by_expert.setdefault(e, []).append(j)
        if (e, r) in pinned:
            comp.pinned.add(j)
    for r, js in by_need.items():
        if len(js) > 1:
            rows.append(Row([(j, 1) for j in js], 0, 1, f"need_{r}"))
    for e, js in by_expert.items():
        rows += _expert_rows(inst, comp, e, js, fixed)
    objectives = {name: [] for name, _ in STAGES}
    objectives[COVERAGE] = []
    for j, (e, r) in enumerate(comp.pairs):
        for name, coef in pair_scores(inst, e, r).items():
            if coef:
                objectives[name].append((j, coef))
    n_vars, y_of = _bid_rows(inst, comp, procurements, rows, objectives)
    lead = lead_stages(inst)
    z_of: dict[str, int] = {}
    if COVERAGE in lead:
        n_vars, z_of = _coverage_rows(inst, comp, n_vars, rows, objectives)
        # Filled needs beyond one per covered municipality (see lead_terms).
        excess = {v: c for v, c in objectives["filled"]}
        for v, c in objectives[COVERAGE]:
            excess[v] = excess.get(v, 0) - c
        objectives[EXCESS] = sorted((v, c) for v, c in excess.items() if c)
    offered = any(inst.needs[r].offered_fee is not None for r in comp.needs)
    munis = len({inst.needs[r].municipality for r in comp.needs})
    model = LinearModel(comp, n_vars, rows, objectives, y_of, lead, z_of, municipalities=munis, offered_fees=offered)
    objectives["lead"] = _weighted(model, lead_terms(model))
    objectives[LEAD_HEAD] = _weighted(model, lead_terms(model)[:-1])
    return model


def _coverage_rows(inst: Instance, comp: Component, n: int, rows: list[Row],
                   objectives: dict[str, list[tuple[int, int]]]) -> tuple[int, dict[str, int]]:
    """Whether each municipality is covered. A municipality with one need (with candidates) is covered exactly
    when that need is filled, so its term is the need's x (at most one is 1); a municipality of several needs
    gets z[m] <= sum of x over the pairs of its needs, z[m] <= 1, which at an optimum says whether m is
    covered. Fewer variables and rows than a z for every municipality, and the same values."""
    by_municipality: dict[str, list[int]] = {}
    needs_of: dict[str, set[int]] = {}
    for j, (_, r) in enumerate(comp.pairs):
        m = inst.needs[r].municipality
        by_municipality.setdefault(m, []).append(j)
        needs_of.setdefault(m, set()).add(r)
    z_of = {}
    for m in sorted(by_municipality):
        if len(needs_of[m]) == 1:
            objectives[COVERAGE] += [(j, 1) for j in by_municipality[m]]
            continue
        z_of[m] = n
        objectives[COVERAGE].append((n, 1))
        rows.append(Row([(n, 1)] + [(j, -1) for j in by_municipality[m]], -math.inf, 0, f"coverage_{m}"))
        n += 1
    objectives[COVERAGE].sort()
    return n, z_of


def lead_terms(model: LinearModel) -> tuple[str, ...]:
    """The objectives weighted into the lead, heaviest first. With coverage leading, filled needs enter as
    their excess over covered municipalities (filled − coverage, at least 0): given coverage the two order the
    same solutions, and the excess ranges over Σ_m (needs of m − 1) instead of every need, which keeps the lead's
    weights, and so every block that carries it, about n times smaller. The lead is then
    W_c·coverage + W_p·primary + excess = (W_c − 1)·coverage + W_p·primary + filled."""
    return tuple(EXCESS if name == "filled" and COVERAGE in model.lead else name for name in model.lead)


def lead_weights(model: LinearModel) -> dict[str, int]:
    """The weight of each stage in the lead objective (the product of (range + 1) of the terms after it)."""
    weights, weight = {}, 1
    for name, term in reversed(list(zip(model.lead, lead_terms(model), strict=True))):
        weights[name] = weight
        weight *= stage_range(model, term) + 1
    return weights


def lead_part(model: LinearModel, weighted: int, name: str) -> int:
    """The value of one lead stage read back from a solution's value of the weighted lead objective."""
    weights = lead_weights(model)
    i = model.lead.index(name)
    above = weighted % weights[model.lead[i - 1]] if i > 0 else weighted
    return above // weights[name]


def _weighted(model: LinearModel, names: tuple[str, ...] | list[str]) -> list[tuple[int, int]]:
    """One maximisation whose weights keep `names` in lexicographic order: each weight is the product of
    (range + 1) of the stages after it, so no change below can outweigh one unit above."""
    combined: dict[int, int] = {}
    weight = 1
    for name in reversed(names):
        sign = 1 if SENSES[name] == "max" else -1
        for v, c in model.objectives[name]:
            combined[v] = combined.get(v, 0) + sign * weight * c
        weight *= stage_range(model, name) + 1
    return sorted((v, c) for v, c in combined.items() if c)


def _expert_rows(inst: Instance, comp: Component, e: int, js: list[int],
                 fixed: dict[tuple[int, int], int]) -> list[Row]:
    ex = inst.experts[e]
    needs = [comp.pairs[j][1] for j in js]
    rows = []
    if len(js) > ex.max_engagements:
        rows.append(Row([(j, 1) for j in js], 0, ex.max_engagements, f"engagements_{e}"))
    days = [inst.needs[r].days_per_year for r in needs]
    if sum(days) > ex.capacity_days:
        rows.append(Row(list(zip(js, days, strict=True)), 0, ex.capacity_days, f"capacity_{e}"))
    weekly = [(j, _weekly_allowed(inst, e, r, fixed), inst.needs[r].weekly_days)
              for j, r in zip(js, needs, strict=True) if inst.needs[r].weekly_days > 0]
    for t in hall_sets([a for _, a, _ in weekly]):
        inside = [(j, k) for j, a, k in weekly if a & ~t == 0]
        if sum(k for _, k in inside) > popcount(t) and not _dominated(inside, popcount(t), ex.max_engagements):
            rows.append(Row(inside, 0, popcount(t), f"weekdays_{e}_{t}"))
    return rows


def _dominated(inside: list[tuple[int, int]], cap: int, max_engagements: int) -> bool:
    """A Hall row is implied when the max_engagements largest day counts already fit."""
    top = sorted((k for _, k in inside), reverse=True)[:max_engagements]
    return sum(top) <= cap


def _bid_rows(inst: Instance, comp: Component, procurements: ProcurementIndex, rows: list[Row],
              objectives: dict[str, list[tuple[int, int]]]) -> tuple[int, dict[tuple[int, str], int]]:
    """y[e, m] >= x[e, r] for r in m, weighted by the procurement ids its flags would list."""
    n = len(comp.pairs)
    y_of: dict[tuple[int, str], int] = {}
    for j, (e, r) in enumerate(comp.pairs):
        m = inst.needs[r].municipality
        w = bid_weight(inst, e, m, procurements)
        if not w:
            continue
        if (e, m) not in y_of:
            y_of[e, m] = n
            objectives["bid_restrictions"].append((n, w))
            n += 1
        rows.append(Row([(y_of[e, m], 1), (j, -1)], 0, math.inf, f"bid_{e}_{m}_{j}"))
    return n, y_of


def stage_range(model: LinearModel, name: str) -> int:
    """An upper bound on how far the stage's value can move: per need the largest |coefficient| of its
    candidates (a need has at most one expert), every y term for the bid-restriction stage, and for coverage
    the component's municipalities."""
    if name == "lead":
        return math.prod(stage_range(model, n) + 1 for n in lead_terms(model)) - 1
    if name == LEAD_HEAD:
        return math.prod(stage_range(model, n) + 1 for n in lead_terms(model)[:-1]) - 1
    terms = model.objectives[name]
    if name == EXCESS:  # the needs of municipalities with several, less one per such municipality
        return len({model.component.pairs[v][1] for v, c in terms if v < model.n_x}) - len(model.z_of)
    if name == COVERAGE:  # at most every municipality of the component (the sum of its terms counts each pair)
        return model.municipalities
    if name == "bid_restrictions":
        return sum(abs(c) for _, c in terms)
    widest: dict[int, int] = {}
    for v, c in terms:
        r = model.component.pairs[v][1]
        widest[r] = max(widest.get(r, 0), abs(c))
    return sum(widest.values())


def stage_blocks(model: LinearModel, stages: list[tuple[str, str]],
                 max_scale: int = MAX_BLOCK_SCALE["scip"]) -> list[StageBlock]:
    """Group the stages after the lead into blocks whose weighted sum keeps the lexicographic order.

    Two plans are compared and the one with fewer solves wins (the first on a tie): the first block
    carries the lead (primary and filled needs) as its heaviest term, which spares it a dense lead row;
    or the lead is kept by one row and the stages start their own blocks. Each later block keeps the
    stages before it by rows. No block's weight product exceeds max_scale.

    With offered fees (version 2) the lead-first plan is taken whenever it exists: a fee that is the same
    for every candidate of a need leaves the block's LP far weaker under a lead row (北海道 v2: 7–10 s with
    the row, 1.0–1.8 s lead-first; docs/benchmarks-history.md).

    With the preference stage (version 3) the first block carries the lead without its last term (LEAD_HEAD), which
    a row keeps instead: the preference stage's range (up to 6 per need) would otherwise split the stages before
    the cost stages into two blocks, the second under dense rows (national v3: 3 s more, docs/benchmarks.md).
    That block's preference term carries a bonus per filled need (_preference_bonus), and the solver tries it
    without the row first (solver._Run._block): the row made it 4-5 times slower.
    """
    names = [name for name, _ in stages]
    head = LEAD_HEAD if PREFERENCE_STAGE in names else "lead"
    plans = [_greedy_groups(model, names, [head], max_scale), _greedy_groups(model, names, [], max_scale)]
    groups = plans[0] if model.offered_fees and plans[0] else min(plans, key=len)
    if groups and groups[0][:2] == [LEAD_HEAD, PREFERENCE_STAGE]:
        groups[0] = [LEAD_HEAD, _preference_bonus(model, groups[0], max_scale)] + groups[0][2:]
    blocks = []
    for group in groups:
        stages_only = tuple(PREFERENCE_STAGE if n == PREFERENCE_BONUS else n for n in group
                            if n not in ("lead", LEAD_HEAD))
        if stages_only:
            blocks.append(StageBlock(stages_only, _weighted(model, group), group[0] in ("lead", LEAD_HEAD),
                                     lead_terms(model)[-1] if group[0] == LEAD_HEAD else None))
    return blocks


PREFERENCE_BONUS = "preference_filled"  # the preference stage plus a bonus per filled need (_preference_bonus)
SENSES[PREFERENCE_BONUS] = "max"
MAX_FILLED_BONUS = 16


def _preference_bonus(model: LinearModel, group: list[str], max_scale: int) -> str:
    """The preference stage with b added to every pair's coefficient, b as large as the block's scale allows
    (at most MAX_FILLED_BONUS). The block keeps the filled needs by a row; among the solutions with that number of
    filled needs the bonus adds the same b * filled to each, so the order is the preference stage's. It makes a
    solution that gives up a filled need for wishes lose b, so the block solved without the row (solver._block,
    optimistic) mostly already keeps the filled needs and needs no second solve. Returns the objective's name
    (PREFERENCE_BONUS, or PREFERENCE_STAGE when no bonus fits)."""
    rest = math.prod(stage_range(model, n) + 1 for n in group if n != PREFERENCE_STAGE)
    pref = dict(model.objectives[PREFERENCE_STAGE])
    filled = model.objectives["filled"]
    for b in range(MAX_FILLED_BONUS, 0, -1):
        model.objectives[PREFERENCE_BONUS] = sorted((v, pref.get(v, 0) + b * c) for v, c in filled)
        if rest * (stage_range(model, PREFERENCE_BONUS) + 1) <= max_scale:
            return PREFERENCE_BONUS
    return PREFERENCE_STAGE


COST_START = "fee"  # the first of the cost stages (fee, travel)


def _greedy_groups(model: LinearModel, names: list[str], first: list[str], max_scale: int) -> list[list[str]]:
    groups: list[list[str]] = []
    current = list(first)
    scale = math.prod(stage_range(model, n) + 1 for n in current)
    for name in names:
        width = stage_range(model, name) + 1
        # The cost stages start a block of their own unless they fit the first: a small stage (keep_current)
        # weighted above fee and travel made that block's MIP far harder than the two apart (national pool
        # under the coverage lead: 60 s unproven for [keep_current … travel]; 7 s and 5 s as two blocks).
        if current and (scale * width > max_scale or (name == COST_START and groups)):
            groups.append(current)
            current, scale = [], 1
        current.append(name)
        scale *= width
    groups.append(current)
    return [g for g in groups if g not in (["lead"], [LEAD_HEAD])]
