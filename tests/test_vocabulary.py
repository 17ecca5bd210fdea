"""Each vocabulary has one source: the engine's values, the service's choices (with the labels screens
show) and the templates' label table must name the same things in the same order."""

import pytest
from django.utils import translation

from backend.core import choices
from frontend.templatetags.kenmu import LABELS
from matching import model
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
