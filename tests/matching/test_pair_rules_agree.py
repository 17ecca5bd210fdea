"""The engine decides rules 1-8 twice: `ExpertTable.stages`, the vectorised filter the solver uses, and
`pair_rules_broken` (`pair_allowed`), the plain one the pins, the candidates page and approval use. On random
instances they agree pair by pair, and the plain one agrees with the validator, rule by rule."""

from hypothesis import HealthCheck, given, settings

from matching import load_instance
from matching.eligibility import ExpertTable, pair_allowed, pair_rules_broken
from matching.validate import Rules

from .test_properties import instances, version2_instances


def _first_rule_of_the_filter(stages, e: int) -> int | None:
    """The rule (1-8) at whose stage expert e leaves the cumulative filter, or None if e survives them all."""
    return next((k for k, survivors in enumerate(stages, start=1) if e not in set(survivors.tolist())), None)


def _agree(doc) -> None:
    inst = load_instance(doc)
    table, rules = ExpertTable(inst), Rules(inst)
    for r, need in enumerate(inst.needs):
        stages = table.stages(need)
        for e, expert in enumerate(inst.experts):
            assert pair_allowed(inst, e, r) == _first_rule_of_the_filter(stages, e), (expert.id, need.id)
            assert list(pair_rules_broken(inst, e, r)) == rules.broken(expert, need), (expert.id, need.id)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(instances())
def test_pair_allowed_equals_the_vectorised_filter_pair_by_pair(doc):
    _agree(doc)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(version2_instances())
def test_pair_allowed_equals_the_vectorised_filter_with_offered_fees_and_travel(doc):
    _agree(doc)
