"""Solver backends for a LinearModel: MIP through OR-Tools' linear solver wrapper (SCIP, HiGHS,
CBC) and CP-SAT. Each backend keeps one model across the lexicographic stages: it optimises one
stage objective, then `fix` turns the achieved value into a constraint for the next stage.

This module owns solver parameters (time limit, workers, seed, exact gap) and the mapping of
solver statuses to `StageOutcome.status`. It never reads instances or writes results.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from ortools.linear_solver import pywraplp
from ortools.sat.python import cp_model

from .formulation import LinearModel

OPTIMAL, FEASIBLE, NO_SOLUTION = "optimal", "feasible", "no_solution"

# SCIP once rows keep earlier stages (fix). Those rows run over every pair, and SCIP reads most of them as
# knapsacks: separating and propagating them took 3 of the 5 s of the national pool's fee block and closed
# little of its gap. Such a block also starts cold: no hint and no solution kept from the block before
# (INCREMENTALITY_OFF). That solution is optimal for other weights, and starting from it cost the pool's fee
# block up to 1.4 s more; on the national instances it saved up to 0.1 s. Measured per block and end to end
# in docs/benchmarks-history.md ("Stop 13").
SCIP_DENSE_ROWS = "constraints/knapsack/sepafreq = -1\nconstraints/knapsack/propfreq = -1\n"


@dataclass
class StageOutcome:
    status: str            # optimal | feasible | no_solution
    value: int | None      # objective of the returned solution
    bound: float | None    # proven bound in the stage's own sense
    values: list[int] | None
    seconds: float


class _StopWatcher:
    """Polls should_stop in a thread while a solver runs and interrupts it."""

    def __init__(self, should_stop: Callable[[], bool] | None, interrupt: Callable[[], object]):
        self.should_stop, self.interrupt = should_stop, interrupt
        self.done = threading.Event()
        self.thread = None

    def __enter__(self):
        if self.should_stop is not None:
            self.thread = threading.Thread(target=self._run, daemon=True, name="kenmu-stop-watch")
            self.thread.start()
        return self

    def _run(self):
        while not self.done.wait(0.05):
            if self.should_stop():
                self.interrupt()
                return

    def __exit__(self, *exc):
        self.done.set()
        if self.thread is not None:
            self.thread.join()


def _terms_value(terms: list[tuple[int, int]], values: list[int]) -> int:
    return sum(c * values[v] for v, c in terms)


class MipBackend:
    """SCIP, HiGHS or CBC through pywraplp; single-threaded, deterministic."""

    def __init__(self, model: LinearModel, solver_id: str = "SCIP", seed: int = 0):
        self.pywraplp = pywraplp
        self.model = model
        self.solver = pywraplp.Solver.CreateSolver(solver_id)
        if self.solver is None:
            raise RuntimeError(f"OR-Tools solver {solver_id} is not available")
        self.solver.SuppressOutput()
        self.solver_id = solver_id
        self.seed = seed
        self.dense_rows = False  # a row keeps an earlier stage (fix): SCIP switches to SCIP_DENSE_ROWS
        self._scip_params()
        s = self.solver
        self.vars = [s.BoolVar(f"x{j}") for j in range(model.n_x)]
        self.vars += [s.NumVar(0, 1, f"y{j}") for j in range(model.n_x, model.n_vars)]
        for row in model.rows:
            c = s.RowConstraint(row.lo if row.lo != -math.inf else -s.infinity(),
                                row.hi if row.hi != math.inf else s.infinity(), row.name)
            for v, coef in row.terms:
                c.SetCoefficient(self.vars[v], coef)
        for j in model.component.pinned:
            self.vars[j].SetLb(1)

    def _scip_params(self) -> None:
        if self.solver_id == "SCIP":
            self.solver.SetSolverSpecificParametersAsString(
                f"randomization/randomseedshift = {self.seed}\n" + SCIP_DENSE_ROWS * self.dense_rows)

    def solve(self, terms: list[tuple[int, int]], sense: str, time_limit_s: float,
              hint: list[int] | None = None, should_stop: Callable[[], bool] | None = None) -> StageOutcome:
        s, started = self.solver, time.perf_counter()
        objective = s.Objective()
        objective.Clear()
        for v, coef in terms:
            objective.SetCoefficient(self.vars[v], coef)
        objective.SetMaximization() if sense == "max" else objective.SetMinimization()
        s.SetTimeLimit(max(1, int(time_limit_s * 1000)))
        cold = self.solver_id == "SCIP" and self.dense_rows  # no hint, no solution kept: see SCIP_DENSE_ROWS
        if self.solver_id != "HIGHS":  # OR-Tools' HiGHS wrapper crashes on hints
            if hint is None or cold:
                s.SetHint([], [])
            else:
                s.SetHint(self.vars, [float(v) for v in hint])
        params = self.pywraplp.MPSolverParameters()
        params.SetDoubleParam(params.RELATIVE_MIP_GAP, 0.0)
        if cold:
            params.SetIntegerParam(params.INCREMENTALITY, params.INCREMENTALITY_OFF)
        with _StopWatcher(should_stop, s.InterruptSolve):
            status = s.Solve(params)
        seconds = time.perf_counter() - started
        if status not in (s.OPTIMAL, s.FEASIBLE):
            return StageOutcome(NO_SOLUTION, None, None, None, seconds)
        values = [int(round(v.solution_value())) for v in self.vars]
        value = _terms_value(terms, values)
        bound = objective.BestBound() if status != s.OPTIMAL else value
        proven = status == s.OPTIMAL or _closes(value, bound, sense)
        return StageOutcome(OPTIMAL if proven else FEASIBLE, value, value if proven else bound, values, seconds)

    def fix(self, terms: list[tuple[int, int]], sense: str, value: int, dense: bool = True) -> None:
        """A row that keeps a stage at `value`. `dense=False`: a row SCIP handles well with its defaults and the
        hint (the number of filled needs under a block that carries the rest of the lead)."""
        s = self.solver
        if dense and not self.dense_rows:
            self.dense_rows = True
            self._scip_params()
        c = s.RowConstraint(value, s.infinity()) if sense == "max" else s.RowConstraint(-s.infinity(), value)
        for v, coef in terms:
            c.SetCoefficient(self.vars[v], coef)


def _closes(value: int, bound: float | None, sense: str) -> bool:
    """An integer objective is proven optimal when no integer lies strictly between value and bound."""
    if bound is None or not math.isfinite(bound):
        return False
    return bound < value + 1 - 1e-6 if sense == "max" else bound > value - 1 + 1e-6


class CpSatBackend:
    """CP-SAT with `workers` threads; with more than one worker, interleaved search keeps it deterministic."""

    def __init__(self, model: LinearModel, seed: int = 0, workers: int = 2,
                 on_solution: Callable[[int, float], None] | None = None):
        self.cp_model = cp_model
        self.model = model
        self.seed, self.workers = seed, workers
        self.on_solution = on_solution
        m = self.cp = cp_model.CpModel()
        self.vars = [m.new_bool_var(f"x{j}") for j in range(model.n_vars)]
        for row in model.rows:
            expr = cp_model.LinearExpr.weighted_sum([self.vars[v] for v, _ in row.terms],
                                                    [c for _, c in row.terms])
            lo = None if row.lo == -math.inf else int(row.lo)
            hi = None if row.hi == math.inf else int(row.hi)
            if lo is not None and hi is not None:
                m.add_linear_constraint(expr, lo, hi)
            elif lo is not None:
                m.add(expr >= lo)
            else:
                m.add(expr <= hi)
        for j in model.component.pinned:
            m.add(self.vars[j] == 1)
        self.solver = None

    def _expr(self, terms):
        return self.cp_model.LinearExpr.weighted_sum([self.vars[v] for v, _ in terms], [c for _, c in terms])

    def solve(self, terms: list[tuple[int, int]], sense: str, time_limit_s: float,
              hint: list[int] | None = None, should_stop: Callable[[], bool] | None = None) -> StageOutcome:
        cp_model, m, started = self.cp_model, self.cp, time.perf_counter()
        expr = self._expr(terms)
        m.maximize(expr) if sense == "max" else m.minimize(expr)
        m.clear_hints()
        if hint is not None:
            for var, val in zip(self.vars, hint, strict=True):
                m.add_hint(var, bool(val))
        solver = self.solver = cp_model.CpSolver()
        p = solver.parameters
        p.max_time_in_seconds = max(0.01, time_limit_s)
        p.num_workers = self.workers
        p.random_seed = self.seed
        if self.workers > 1:
            p.interleave_search = True
        callback = _Callback(self.on_solution) if self.on_solution else None
        with _StopWatcher(should_stop, solver.stop_search):
            status = solver.solve(m, callback)
        seconds = time.perf_counter() - started
        if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
            return StageOutcome(NO_SOLUTION, None, None, None, seconds)
        values = [int(solver.boolean_value(v)) for v in self.vars]
        value = _terms_value(terms, values)
        proven = status == cp_model.OPTIMAL
        bound = value if proven else solver.best_objective_bound
        return StageOutcome(OPTIMAL if proven else FEASIBLE, value, bound, values, seconds)

    def fix(self, terms: list[tuple[int, int]], sense: str, value: int, dense: bool = True) -> None:
        expr = self._expr(terms)
        self.cp.add(expr >= value) if sense == "max" else self.cp.add(expr <= value)


class _Callback(cp_model.CpSolverSolutionCallback):
    """Reports each solution CP-SAT finds (objective and bound) to `on_solution`."""

    def __init__(self, on_solution):
        super().__init__()
        self._on_solution = on_solution

    def on_solution_callback(self):
        self._on_solution(int(round(self.objective_value)), self.best_objective_bound)


def make_backend(name: str, model: LinearModel, *, seed: int, workers: int,
                 on_solution: Callable[[int, float], None] | None = None):
    if name == "cpsat":
        return CpSatBackend(model, seed=seed, workers=workers, on_solution=on_solution)
    return MipBackend(model, {"scip": "SCIP", "highs": "HIGHS", "cbc": "CBC"}[name], seed=seed)
