"""Each vocabulary has one source: the engine's values, the service's choices (with the labels screens
show) and the templates' label table must name the same things in the same order."""

import pytest
from django.utils import translation

from backend.core import choices
from backend.core.choices import RULES
from frontend.labels import UNMATCHED_REASONS
from frontend.templatetags.kenmu import LABELS
from matching import REASON_OF_RULE, RULE_NAMES, model
from matching import UNMATCHED_REASONS as ENGINE_REASONS
from matching.generate import SKILLS

PAIRS = [
    ("weekday", choices.Weekday, model.WEEKDAYS),
    ("form", choices.EmploymentForm, model.EMPLOYMENT_FORMS),
    ("role", choices.Role, model.ROLES),
    ("relation", choices.AffiliationRelation, model.RELATIONS),
    ("category", choices.ProcurementCategory, model.CATEGORIES),
    ("procurement_status", choices.ProcurementStatus, model.PROCUREMENT_STATUSES),
    ("skill", choices.Skill, SKILLS),
]


@pytest.mark.parametrize(("kind", "django_choices", "engine_values"), PAIRS, ids=[p[0] for p in PAIRS])
def test_the_service_and_the_engine_share_each_vocabulary(kind, django_choices, engine_values):
    assert tuple(django_choices.values) == tuple(engine_values)
    assert list(LABELS[kind]) == list(engine_values)


@pytest.mark.parametrize(("kind", "django_choices", "engine_values"), PAIRS, ids=[p[0] for p in PAIRS])
def test_every_value_has_a_label_in_each_language(kind, django_choices, engine_values):
    for lang in ("ja", "en"):
        with translation.override(lang):
            shown = [str(LABELS[kind][value]) for value in engine_values]
        assert all(shown) and len(set(shown)) == len(shown)
        assert not set(shown) & set(engine_values)  # a label, never the code itself
    with translation.override("en"):
        english = [str(LABELS[kind][value]) for value in engine_values]
    with translation.override("ja"):
        japanese = [str(LABELS[kind][value]) for value in engine_values]
    assert english != japanese


def test_the_rules_are_the_engines_and_each_unmatched_reason_is_worded_once():
    assert list(RULES) == list(RULE_NAMES)
    assert list(UNMATCHED_REASONS) == list(ENGINE_REASONS)
    carriers = [REASON_OF_RULE[rule] for rule, words in RULES.items() if words.unmatched is not None]
    assert sorted(carriers) == sorted(ENGINE_REASONS)  # one rule words each reason: none twice, none missing
    assert all((words.unmatched is None) == (words.fix is None) == (words.standing is None)
               for words in RULES.values())  # the candidates page words each reason by the same rule


def test_every_rule_has_its_own_word_in_each_language():
    for lang in ("ja", "en"):
        with translation.override(lang):
            words = [str(rules.word) for rules in RULES.values()]
        assert all(words) and len(set(words)) == len(words)
