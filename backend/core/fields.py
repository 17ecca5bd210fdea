"""Serializer fields for the shared vocabulary, with errors that name the bad value."""

from django.utils import translation
from rest_framework import serializers

from backend.core.choices import WEEKDAY_ORDER, EmploymentForm, Skill, Weekday, value_by_label
from backend.core.errors import bilingual


class ChoiceListField(serializers.ListField):
    """A list of distinct choices, returned in the vocabulary's order."""

    def __init__(self, choices, order=None, **kwargs):
        self._order = order or [c[0] for c in choices]
        kwargs.setdefault("child", serializers.ChoiceField(choices=choices))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if len(set(values)) != len(values):
            raise serializers.ValidationError(bilingual("同じ値が重複しています。", "Values must not repeat."),
                                              code="duplicate")
        return sorted(values, key=self._order.index)


def weekday_list(**kwargs):
    return ChoiceListField(Weekday.choices, order=WEEKDAY_ORDER, **kwargs)


def employment_form_list(**kwargs):
    return ChoiceListField(EmploymentForm.choices, **kwargs)


class SkillLevelsField(serializers.DictField):
    """{"security": 3, "planning": 2}: keys from the skill taxonomy, levels 1 (basic) to 3 (expert)."""

    def __init__(self, **kwargs):
        super().__init__(child=serializers.IntegerField(), **kwargs)

    def to_internal_value(self, data):
        by_label = value_by_label(Skill.choices)
        values = {by_label.get(str(k).strip(), k): v for k, v in super().to_internal_value(data).items()}
        errors = {}
        for skill, level in values.items():
            if skill not in Skill.values:
                with translation.override("ja"):
                    known_ja = "、".join(str(label) for label in Skill.labels)
                with translation.override("en"):
                    known_en = ", ".join(str(label) for label in Skill.labels)
                errors[skill] = [bilingual(f"スキル「{skill}」は一覧にありません。次から選んでください：{known_ja}",
                                           f"The skill \"{skill}\" is not in the list; choose from: {known_en}")]
            elif not 1 <= level <= 3:
                errors[skill] = [bilingual(f"スキルのレベルは1から3で指定してください ({level})。",
                                            f"Skill level must be 1 to 3 (got {level}).")]
        if errors:
            raise serializers.ValidationError(errors)
        return values


class MunicipalityField(serializers.PrimaryKeyRelatedField):
    """A 団体コード: format and check digit are checked before the register is asked."""

    def __init__(self, **kwargs):
        from backend.geo.models import Municipality

        kwargs.setdefault("queryset", Municipality.objects.select_related("prefecture"))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        from backend.core.validators import is_valid_municipality_code

        code = str(data)
        if not is_valid_municipality_code(code):
            raise serializers.ValidationError(bilingual(
                f"団体コード {code} は不正です（検査数字を含む6桁の数字）。",
                f"Municipality code {code} is invalid (6 digits including the check digit).",
            ), code="invalid_municipality_code")
        return super().to_internal_value(code)
