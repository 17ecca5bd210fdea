"""kenmu matching engine: assigns shared digital experts to municipal needs
(kenmu.instance/1 or /2 → kenmu.result/2; kenmu.instance/3, with both sides' preferences → kenmu.result/3).

Public API:
    solve(instance, *, time_limit_s=None, workers=2, seed=0, on_progress=None, should_stop=None) -> dict
    load_instance(dict | path | Instance) -> Instance         (raises InstanceError)
    validate_result(instance, result) -> list[str]           (empty list: valid)
    SolveOptions, InstanceError, greedy_solve
    blocking_rules(instance) -> {(expert id, need id): reason or None}   (rules 1-8, no solver)
    placement_check(instance, expert=, need=, weekdays=, holdings=, travel_cost=) -> PlacementCheck   (rules 1-11
        for one placement next to what the expert holds: approval asks it)
    need_standing(instance, need id) -> {expert id: reason or None}   (rules 1-8, then capacity: the candidates)
    conflicting_procurements(instance, expert=, municipality=) -> procurement ids behind rule 7
    accepted_fee(daily_rate, days_per_year) -> the least an expert accepts (rule 6)
    common_forms(expert forms, need forms) -> the employment forms both accept, the need's first first (rule 3)
    blocking_pairs(instance, assignments) -> the spec's `blocking_pairs` for a result's assignments (version 3;
        [] below it): every pair both sides would rather have had, sorted by need id, then expert id
Vocabulary for the service: INSTANCE_FORMAT (the one to write), INSTANCE_FORMATS (read), RESULT_FORMAT,
    INSTANCE_FORMAT_V3, RESULT_FORMAT_V3, PREFERENCE_SIDES, PREFERENCE_LEVELS, PREFERENCE_STAGE (version 3),
    LEAD_CRITERIA and ALLOWED_LEADS (an instance's `lead`), LEAD_STAGES (stages solved as the lead),
    LATER_STAGES (the stages a run may choose), EMPLOYMENT_FORMS, ROLES, FLAG_KINDS, RULE_REASONS,
    RULE_NAMES, UNMATCHED_REASONS (RULE_REASONS and capacity), REASON_OF_RULE.

Pure Python + OR-Tools; never imports Django.
"""

from .baseline import greedy_result
from .blocking import blocking_pairs
from .eligibility import pair_allowed
from .formulation import LATER_STAGES
from .loading import InstanceError, load_instance
from .model import (
    ALLOWED_LEADS,
    DEFAULT_LEAD,
    EMPLOYMENT_FORMS,
    FLAG_KINDS,
    INSTANCE_FORMAT,
    INSTANCE_FORMAT_V3,
    INSTANCE_FORMATS,
    LEAD_CRITERIA,
    PREFERENCE_LEVELS,
    PREFERENCE_SIDES,
    PREFERENCE_STAGE,
    REASON_OF_RULE,
    RESULT_FORMAT,
    RESULT_FORMAT_V3,
    ROLES,
    RULE_NAMES,
    RULE_REASONS,
    UNMATCHED_REASONS,
    accepted_fee,
    common_forms,
)
from .placement import PlacementCheck, conflicting_procurements, need_standing, placement_check
from .solver import DEFAULT_TIME_LIMIT_S, SolveOptions, solve
from .validate import validate_result


def greedy_solve(instance) -> dict:
    """The greedy baseline as a kenmu.result/2 dict (status "feasible", bound = trivial upper bound)."""
    return greedy_result(load_instance(instance))


def blocking_rules(instance) -> dict[tuple[str, str], str | None]:
    """For every (expert, need) pair of the instance, the unmatched reason of the first hard rule (1-8)
    that forbids it (out_of_scope ... forbidden), or None when the pair is allowed. No solver."""
    inst = load_instance(instance)
    out = {}
    for e, expert in enumerate(inst.experts):
        for r, need in enumerate(inst.needs):
            k = pair_allowed(inst, e, r)
            out[(expert.id, need.id)] = None if k is None else RULE_REASONS[k - 1]
    return out


# The stages of the lead objective, heaviest first, for each allowed lead: the lead criteria, then filled needs.
LEAD_STAGES: dict[tuple[str, ...], tuple[str, ...]] = {
    lead: tuple("primary" if name == "priority" else name for name in lead) + ("filled",) for lead in ALLOWED_LEADS}

__all__ = ["ALLOWED_LEADS", "DEFAULT_LEAD", "DEFAULT_TIME_LIMIT_S", "EMPLOYMENT_FORMS", "FLAG_KINDS", "INSTANCE_FORMAT", "INSTANCE_FORMATS",
           "INSTANCE_FORMAT_V3", "LATER_STAGES", "LEAD_CRITERIA", "LEAD_STAGES", "PREFERENCE_LEVELS", "PREFERENCE_SIDES",
           "PREFERENCE_STAGE", "REASON_OF_RULE", "RESULT_FORMAT", "RESULT_FORMAT_V3", "ROLES",
           "RULE_NAMES", "RULE_REASONS", "UNMATCHED_REASONS",
           "InstanceError", "PlacementCheck", "SolveOptions", "accepted_fee", "blocking_pairs", "blocking_rules", "common_forms", "conflicting_procurements", "greedy_solve",
           "load_instance", "need_standing", "placement_check", "solve", "validate_result"]
