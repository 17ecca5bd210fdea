"""Lexicographic solve of a kenmu instance: the public `solve` entry point.

This module owns the run: pin check, candidate pairs, independent components, the stage order
(formulation.STAGES), time budgets, progress reports and cancellation, and the assembly of the
`kenmu.result/2` (or `/3`) document. The lead (the instance's lead criteria, then filled needs) is solved and proven
for every component first; each later stage keeps every earlier stage at its achieved value. It never imports Django.
"""

from __future__ import annotations

import dataclasses
import math
import time
from collections import defaultdict
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from .backends import NO_SOLUTION, OPTIMAL, StageOutcome, make_backend
from .blocking import blocking_pair_list
from .eligibility import Candidates, ExpertTable, candidates
from .explain import unmatched
from .flags import ProcurementIndex, flags_for
from .formulation import (
    COVERAGE,
    LEAD,
    MAX_BLOCK_SCALE,
    SENSES,
    STAGES,
    Component,
    LinearModel,
    StageBlock,
    build,
    components,
    later_stages,
    lead_part,
    lead_stages,
    lead_terms,
    lead_weights,
    modelled_pairs,
    stage_blocks,
)
from .greedy import greedy
from .loading import load_instance
from .model import PREFERENCE_STAGE, Instance, Status, assignment_record
from .pins import pin_conflicts
from .weekdays import assign_weekdays

# The time limit when neither the caller nor the instance gives one (the spec's example; the service's default).
DEFAULT_TIME_LIMIT_S = 30
ProgressCallback = Callable[[dict], object]


@dataclass(frozen=True)
class SolveOptions:
    """How to solve. `backend` serves every stage: "scip" (default), "highs", "cbc" or "cpsat".
    `stages` limits the lexicographic stages run after the primary (None = all)."""

    time_limit_s: float | None = None
    workers: int = 2
    seed: int = 0
    backend: str = "scip"
    stages: tuple[str, ...] | None = None
    primary_share: float = 0.8  # share of the time limit the primary may use before later stages start
    # Largest weight product folded into one objective (None: the backend's own, MAX_BLOCK_SCALE);
    # 1 solves every later stage alone, each earlier stage kept by a row.
    max_block_scale: int | None = None


@dataclass
class _Piece:
    """One component through the stages: its model, backend, current solution and stage outcomes."""

    comp: Component
    model: LinearModel
    values: list[int]
    backend: object = None
    outcomes: dict[str, StageOutcome] = field(default_factory=dict)
    primary_bound: int = 0
    coverage_bound: int = 0
    rows_added: set[str] = field(default_factory=set)  # stages already kept by a row in the backend

    @property
    def size(self) -> int:
        return len(self.comp.pairs) + 10


def solve(instance: Instance | Mapping, *, time_limit_s: float | None = None, workers: int | None = None,
          seed: int | None = None, on_progress: ProgressCallback | None = None,
          should_stop: Callable[[], bool] | None = None, options: SolveOptions | None = None) -> dict:
    """Solve an instance (dict or Instance) and return a `kenmu.result/N` dict (N the instance's format version).

    on_progress receives dicts {"best_primary", "bound", "elapsed", "stage"}; should_stop is polled
    (also during a solver call) and ends the run early with the best solution found so far.
    Raises loading.InstanceError on invalid input.
    """
    if options is not None and (workers is not None or seed is not None):
        raise TypeError("solve(): give workers and seed inside options, not beside it (they would be ignored)")
    opts = options or SolveOptions(workers=2 if workers is None else workers, seed=0 if seed is None else seed)
    if time_limit_s is not None:
        opts = dataclasses.replace(opts, time_limit_s=time_limit_s)
    return _Run(load_instance(instance), opts, on_progress, should_stop).result()


class _Run:
    def __init__(self, inst: Instance, opts: SolveOptions, on_progress: ProgressCallback | None,
                 should_stop: Callable[[], bool] | None):
        self.inst, self.opts = inst, opts
        self.started = time.perf_counter()
        self.limit = opts.time_limit_s or inst.time_limit_s or DEFAULT_TIME_LIMIT_S
        self.on_progress, self.should_stop = on_progress, should_stop
        self.cancelled = False
        self.timings: dict[str, float] = {}
        self.lead_row_retries = 0  # blocks solved again under the row that keeps the lead's last term

    def elapsed(self) -> float:
        return time.perf_counter() - self.started

    def stopped(self) -> bool:
        if not self.cancelled and self.should_stop is not None and self.should_stop():
            self.cancelled = True
        return self.cancelled

    # -- the run ---------------------------------------------------------------------------------

    def result(self) -> dict:
        t = time.perf_counter()
        table = ExpertTable(self.inst)
        cands = candidates(self.inst, table)
        conflicts = pin_conflicts(self.inst)
        if conflicts:
            return self._infeasible(conflicts, table, cands)
        pairs = modelled_pairs(self.inst, cands)
        self.timings["candidates"] = time.perf_counter() - t
        t = time.perf_counter()
        start = greedy(self.inst, pairs)
        self.timings["greedy"] = time.perf_counter() - t
        t = time.perf_counter()
        pieces = self._pieces(pairs, start)
        self.timings["model"] = time.perf_counter() - t
        self._report(pieces, "primary")
        self._primary(pieces)
        self._later_stages(pieces)
        return self._assemble(table, cands, pieces, len(pairs))

    def _pieces(self, pairs: list[tuple[int, int]], start: list[tuple[int, int]]) -> list[_Piece]:
        procurements = ProcurementIndex(self.inst)
        chosen = set(start)
        pieces = []
        for comp in components(self.inst, pairs):
            model = build(self.inst, comp, procurements)
            values = [int(p in chosen) for p in comp.pairs] + [0] * (model.n_vars - model.n_x)
            served = {(e, self.inst.needs[r].municipality) for e, r in comp.pairs if (e, r) in chosen}
            for key, y in model.y_of.items():
                values[y] = int(key in served)
            for m, z in model.z_of.items():
                values[z] = int(any(m == municipality for _, municipality in served))
            trivial = sum(self.inst.needs[r].priority for r in comp.needs)
            pieces.append(_Piece(comp, model, values, primary_bound=trivial, coverage_bound=model.municipalities))
        return pieces

    def _backend(self, piece: _Piece, index: int, pieces: list[_Piece]):
        if piece.backend is None:
            def on_solution(value: int, bound: float) -> None:
                others = sum(_stage_value(p, "primary") for k, p in enumerate(pieces) if k != index)
                self._emit(others + lead_part(piece.model, value, "primary"), None, "primary")
            piece.backend = make_backend(self.opts.backend, piece.model, seed=self.opts.seed,
                                         workers=self.opts.workers, on_solution=on_solution)
        return piece.backend

    def _primary(self, pieces: list[_Piece]) -> None:
        """The lead objective per component: the lead criteria (coverage, priorities), then filled needs."""
        budget = self.limit * self.opts.primary_share
        left = sum(p.size for p in pieces)
        for k, piece in enumerate(pieces):
            if self.stopped() or self.elapsed() >= self.limit:
                break
            share = max(0.05, (budget - self.elapsed()) * piece.size / left)
            left -= piece.size
            terms = piece.model.objectives["lead"]
            outcome = self._backend(piece, k, pieces).solve(terms, "max", min(share, self.limit - self.elapsed()),
                                                            piece.values, self.should_stop)
            self._record(piece, "lead", outcome)
            self._lead_bounds(piece, outcome)
            proven = outcome.status == OPTIMAL
            bounds = {"primary": piece.primary_bound, COVERAGE: piece.coverage_bound}
            for name in piece.model.lead:
                value = _stage_value(piece, name)
                piece.outcomes[name] = StageOutcome(
                    outcome.status, value, value if proven else bounds.get(name), None,
                    outcome.seconds if name == piece.model.lead[0] else 0.0)
            self._report(pieces, "primary")

    @staticmethod
    def _lead_bounds(piece: _Piece, outcome: StageOutcome) -> None:
        """Bounds of the lead criteria from the bound of the weighted lead objective. A criterion's bound holds
        among the solutions that reach the criteria before it, so the primary's bound after coverage is read
        only when coverage is proven (else the trivial bound, the sum of priorities, stays)."""
        if outcome.bound is None:
            return
        model, bound = piece.model, math.floor(outcome.bound + 1e-6)
        weights = lead_weights(model)
        if model.lead[0] == COVERAGE:
            piece.coverage_bound = min(piece.coverage_bound, bound // weights[COVERAGE])
            covered = _stage_value(piece, COVERAGE)
            if covered < piece.coverage_bound:
                return
            bound -= covered * weights[COVERAGE]
        piece.primary_bound = min(piece.primary_bound, bound // weights["primary"])

    def _later_stages(self, pieces: list[_Piece]) -> None:
        """Every stage after the lead, piece by piece, in blocks solved with one weighted objective.

        A dense row "stage value >= achieved" per earlier stage makes each later MIP much harder (its LP
        has room to wander inside the row); a weighted sum whose weights exceed the range of everything
        below keeps the lexicographic order exactly without such a row. Weights are bounded by
        MAX_BLOCK_SCALE, so stages with wide ranges (fee, travel) may start a new block and the stages
        before them become rows (formulation.stage_blocks chooses the plan).
        """
        names = later_stages(self.inst, self.opts.stages)
        todo = [p for p in pieces if "lead" in p.outcomes and p.outcomes["lead"].status != NO_SOLUTION]
        scale = self.opts.max_block_scale or MAX_BLOCK_SCALE[self.opts.backend]
        plans = {id(p): stage_blocks(p.model, names, scale) for p in todo}
        left = sum(p.size * len(plans[id(p)]) for p in todo)
        for piece in todo:
            # Rows that keep the lead in later blocks. Measured (docs/benchmarks-history.md): when every stage fits
            # one block, one weighted lead row is faster (all 47 prefectures; 北海道 0.54 s against 0.81 s); a
            # block after one that carried the lead is faster with a row each for primary and filled needs
            # (national pool: 40 s against 21 s at worst).
            first = plans[id(piece)][0] if plans[id(piece)] else None
            fixed = list(lead_terms(piece.model)) if first is not None and first.carries_lead else ["lead"]
            for block in plans[id(piece)]:
                if self.stopped() or self.elapsed() >= self.limit - 0.01:
                    return
                share = max(0.05, (self.limit - self.elapsed()) * piece.size / max(1, left))
                left -= piece.size
                fixed = self._block(piece, block, fixed, share)

    def _block(self, piece: _Piece, block: StageBlock, fixed: list[str], share: float) -> list[str]:
        """Solve one block; returns the stages whose values now hold (as rows or in the objective)."""
        # A block that carries the lead without its last term (version 3) is first solved without the row that
        # keeps that term (filled needs): its optimum there is also the block's optimum whenever it reaches the
        # lead's value; else the row is added and the block solved again (below). See formulation._preference_bonus.
        for name in fixed if not block.carries_lead else []:
            if name not in piece.rows_added:
                # The value each stage holds in the current solution: its optimum, or the best found in time.
                terms = piece.model.objectives[name]
                if terms:
                    piece.backend.fix(terms, SENSES[name], _terms(terms, piece.values))
                piece.rows_added.add(name)
        outcome = piece.backend.solve(block.terms, "max", share, piece.values, self.should_stop)
        lead_ok = outcome.values is not None and (
            not block.carries_lead
            or _terms(piece.model.objectives["lead"], outcome.values) >= piece.outcomes["lead"].value)
        if block.lead_row is not None and block.lead_row not in piece.rows_added and not lead_ok and not self.stopped():
            self.lead_row_retries += 1
            terms = piece.model.objectives[block.lead_row]
            if terms:
                piece.backend.fix(terms, SENSES[block.lead_row], _terms(terms, piece.values), dense=False)
            piece.rows_added.add(block.lead_row)
            spent = outcome.seconds
            outcome = piece.backend.solve(block.terms, "max", max(0.05, share - spent), piece.values, self.should_stop)
            outcome.seconds += spent
            lead_ok = outcome.values is not None and (
                _terms(piece.model.objectives["lead"], outcome.values) >= piece.outcomes["lead"].value)
        for name in block.stages:
            terms = piece.model.objectives[name]
            seconds = outcome.seconds if name == block.stages[0] else 0.0
            if not lead_ok:  # no solution, or one that gave up the lead: keep the previous solution
                piece.outcomes[name] = StageOutcome(NO_SOLUTION, _terms(terms, piece.values), None, None, seconds)
                continue
            value = _terms(terms, outcome.values)
            proven = outcome.status == OPTIMAL
            piece.outcomes[name] = StageOutcome(outcome.status, value, value if proven else None, None, seconds)
        if lead_ok:
            piece.values = outcome.values
        return list(fixed) + list(block.stages)

    def _record(self, piece: _Piece, name: str, outcome: StageOutcome) -> None:
        if outcome.status == NO_SOLUTION:
            value = _terms(piece.model.objectives[name], piece.values)
            outcome = StageOutcome(NO_SOLUTION, value, outcome.bound, None, outcome.seconds)
        else:
            piece.values = outcome.values
        piece.outcomes[name] = outcome

    # -- progress ----------------------------------------------------------------------------------

    def _emit(self, best: int, bound: int | None, stage: str) -> None:
        if self.on_progress is not None:
            self.on_progress({"best_primary": best, "bound": bound, "elapsed": round(self.elapsed(), 3),
                              "stage": stage})

    def _report(self, pieces: list[_Piece], stage: str) -> None:
        best = sum(_terms(p.model.objectives["primary"], p.values) for p in pieces)
        self._emit(best, sum(p.primary_bound for p in pieces), stage)

    # -- the result --------------------------------------------------------------------------------

    def _assemble(self, table: ExpertTable, cands: Candidates, pieces: list[_Piece], n_modelled: int) -> dict:
        chosen = sorted((p for piece in pieces for p in _chosen(piece)), key=lambda p: p[1])
        assignments = self._assignments(chosen)
        primary = sum(self.inst.needs[r].priority for _, r in chosen)
        bound = sum(p.primary_bound for p in pieces)
        proven = all(p.outcomes.get("primary") and p.outcomes["primary"].status == OPTIMAL for p in pieces)
        bound = primary if proven else max(bound, primary)
        covered = len({self.inst.needs[r].municipality for _, r in chosen})
        coverage_bound = covered if proven else max(covered, sum(p.coverage_bound for p in pieces))
        lead = {"priority": {"name": "priority", "value": primary, "bound": bound},
                "coverage": {"name": "coverage", "value": covered, "bound": coverage_bound}}
        stages = self._stage_stats(pieces, primary, bound)
        objective = {"primary": primary, "primary_bound": bound, "lead": [lead[name] for name in self.inst.lead]}
        if self.inst.version >= 3 and (self.opts.stages is None or PREFERENCE_STAGE in self.opts.stages):
            objective[PREFERENCE_STAGE] = self._preference(pieces, chosen)
        objective["stages"] = {s["name"]: s["value"] for s in stages}
        result = {
            "format": self.inst.result_format,
            "status": (Status.OPTIMAL if proven else Status.FEASIBLE).value,
            "assignments": assignments,
            "unmatched": unmatched(self.inst, table, cands, chosen),
            "flags": flags_for(self.inst, chosen),
            "objective": objective,
            "stats": {"wall_time_s": round(self.elapsed(), 3), "stages": stages,
                      "preprocessing_s": {k: round(v, 3) for k, v in self.timings.items()},
                      "candidate_pairs": cands.pair_count, "modelled_pairs": n_modelled,
                      "components": len(pieces), "backend": self.opts.backend, "workers": self.opts.workers,
                      "seed": self.opts.seed, "time_limit_s": self.limit, "cancelled": self.cancelled,
                      "lead_row_retries": self.lead_row_retries},
        }
        if self.inst.version >= 3:
            result["blocking_pairs"] = blocking_pair_list(self.inst, assignments)
        return result

    def _preference(self, pieces: list[_Piece], chosen: list[tuple[int, int]]) -> dict:
        """The preference stage's value and a proven bound among the results that reach the lead's values and
        assign as many needs: a piece whose stage was solved to optimality gives its value; any other its trivial
        bound, the sum over its needs of the best L_m + L_e among their modelled pairs (a valid upper bound
        whatever the lead)."""
        value = sum(self.inst.preference(e, r) for e, r in chosen)
        bound = 0
        for piece in pieces:
            outcome = piece.outcomes.get(PREFERENCE_STAGE)
            if outcome is not None and outcome.status == OPTIMAL:
                bound += _stage_value(piece, PREFERENCE_STAGE)
                continue
            best: dict[int, int] = {}
            for e, r in piece.comp.pairs:
                best[r] = max(best.get(r, 0), self.inst.preference(e, r))
            bound += sum(best.values())
        return {"value": value, "bound": max(bound, value)}

    def _assignments(self, chosen: list[tuple[int, int]]) -> list[dict]:
        inst = self.inst
        fixed = {(inst.expert_index[p.expert], inst.need_index[p.need]): p.weekdays for p in inst.pins if p.fixed}
        days: dict[tuple[int, int], int] = {}
        by_expert: dict[int, list[int]] = defaultdict(list)
        for e, r in chosen:
            if inst.needs[r].weekly_days:
                by_expert[e].append(r)
        for e, rs in by_expert.items():
            items = [(fixed.get((e, r), inst.experts[e].weekdays & inst.needs[r].weekdays), inst.needs[r].weekly_days)
                     for r in rs]
            masks = assign_weekdays(items)
            if masks is None:
                raise RuntimeError(f"internal error: weekdays of expert {inst.experts[e].id} do not fit")
            days.update({(e, r): m for r, m in zip(rs, masks, strict=True)})
        return [assignment_record(inst, e, r, days.get((e, r), 0)) for e, r in chosen]

    def _stage_stats(self, pieces: list[_Piece], primary: int, bound: int) -> list[dict]:
        out = []
        order = (STAGES[:len(LEAD)] + ((COVERAGE, "max"),) * (COVERAGE in lead_stages(self.inst))
                 + tuple(later_stages(self.inst)))
        for name, sense in order:
            ran = [p.outcomes[name] for p in pieces if name in p.outcomes]
            value = sum(_terms(p.model.objectives[name], p.values) for p in pieces)
            if name == "primary":
                status = "optimal" if primary == bound else ("feasible" if ran else "not_run")
                out.append({"name": name, "sense": sense, "status": status, "value": value, "bound": bound,
                            "gap": round((bound - primary) / max(1, abs(bound)), 6),
                            "seconds": round(sum(o.seconds for o in ran), 3), "solves": len(ran)})
                continue
            skipped = [p for p in pieces if p.model.objectives[name] and name not in p.outcomes]
            statuses = {o.status for o in ran}
            status = ("not_run" if not ran and skipped else "optimal" if statuses <= {OPTIMAL} and not skipped
                      else "feasible")
            entry = {"name": name, "sense": sense, "status": status, "value": value,
                     "seconds": round(sum(o.seconds for o in ran), 3), "solves": len(ran)}
            if ran and all(o.bound is not None for o in ran) and not skipped:
                stage_bound = sum(o.bound for o in ran) + sum(
                    _terms(p.model.objectives[name], p.values) for p in pieces if name not in p.outcomes)
                entry["bound"] = round(stage_bound, 3)
                entry["gap"] = round(abs(stage_bound - value) / max(1.0, abs(stage_bound)), 6)
            out.append(entry)
        return out

    def _infeasible(self, conflicts: list[dict], table: ExpertTable, cands: Candidates) -> dict:
        # Nothing is assigned, so every need is unmatched: listed with its reason like any other result.
        result = {
            "format": self.inst.result_format, "status": Status.INFEASIBLE.value, "assignments": [],
            "unmatched": unmatched(self.inst, table, cands, [], pins_conflict=True),
            "flags": [], "conflicting_pins": conflicts,
            "objective": {"primary": None, "primary_bound": None, "lead": []},
            "stats": {"wall_time_s": round(self.elapsed(), 3), "stages": [], "cancelled": False,
                      "seed": self.opts.seed, "workers": self.opts.workers, "backend": self.opts.backend},
        }
        if self.inst.version >= 3:
            result["objective"][PREFERENCE_STAGE] = {"value": None, "bound": None}
            result["blocking_pairs"] = []
        return result


def _terms(terms: list[tuple[int, int]], values: list[int]) -> int:
    return sum(c * values[v] for v, c in terms)


def _stage_value(piece: _Piece, name: str) -> int:
    return _terms(piece.model.objectives[name], piece.values)


def _chosen(piece: _Piece) -> list[tuple[int, int]]:
    return [piece.comp.pairs[j] for j in range(piece.model.n_x) if piece.values[j]]
