"""Serializer fields for the shared vocabulary, with errors that name the bad value."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.core.choices import WEEKDAY_ORDER, EmploymentForm, Skill, Weekday, value_by_label
from backend.core.errors import ErrorCode, interpolate, joined
from backend.core.fiscal import fiscal_year_named, writable_fiscal_years


class ChoiceListField(serializers.ListField):
    """A list of distinct choices, returned in the vocabulary's order."""

    def __init__(self, choices, order=None, **kwargs):
        self._order = order or [c[0] for c in choices]
        kwargs.setdefault("child", serializers.ChoiceField(choices=choices))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        values = super().to_internal_value(data)
        if len(set(values)) != len(values):
            raise serializers.ValidationError(_("同じ値が重複しています。"),
                                              code=ErrorCode.DUPLICATE)
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
                errors[skill] = [interpolate(_("スキル「%(skill)s」は一覧にありません。次から選んでください：%(known)s"),
                                             skill=skill, known=joined(Skill.labels))]
            elif not 1 <= level <= 3:
                errors[skill] = [interpolate(_("スキルのレベルは1から3で指定してください (%(level)s)。"), level=level)]
        if errors:
            raise serializers.ValidationError(errors)
        return values


def fiscal_year_refusal(year: int, *, named=None):
    """Why `year` may not be written, as a message naming the field (`named`, 年度 by default), or None: the
    current fiscal year −1 … +3."""
    allowed = writable_fiscal_years()
    if year in allowed:
        return None
    return interpolate(_("%(field)sは%(first)sから%(last)sまでの間で指定してください（%(year)sは指定できません）。"),
                       field=named or _("年度"), first=fiscal_year_named(allowed[0]),
                       last=fiscal_year_named(allowed[-1]), year=fiscal_year_named(year))


class FiscalYearField(serializers.IntegerField):
    """A fiscal year that may be written: the current one −1 … +3 (backend.core.fiscal.writable_fiscal_years).
    On an update a year left as it was passes, so an old record stays editable."""

    def __init__(self, *, named=None, **kwargs):
        self.named = named
        kwargs.setdefault("min_value", 2000)
        kwargs.setdefault("max_value", 2100)
        kwargs.setdefault("help_text", "A fiscal year (年度, from April) from the current one −1 to +3.")
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        year = super().to_internal_value(data)
        unchanged = getattr(getattr(self.parent, "instance", None), self.source or self.field_name, None)
        refusal = None if year == unchanged else fiscal_year_refusal(year, named=self.named)
        if refusal is not None:
            raise serializers.ValidationError(refusal, code=ErrorCode.FISCAL_YEAR_OUT_OF_RANGE)
        return year
