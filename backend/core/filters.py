"""Query-string filters for the API lists: django-filter FilterSets, documented in the schema.

Each app declares its FilterSets in `filters.py`; a viewset names one as `filterset_class`. A value a filter
cannot read (a year that is not a number, a status that does not exist) is a 400 that names the parameter,
in both languages; a key filter (`expert=12`) is a plain number, so a row outside the reader's scope and a row
that does not exist look the same: an empty list.
"""

import django_filters
from django import forms
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from django_filters.rest_framework import DjangoFilterBackend

from backend.core.api import LANGS, BilingualValidationError
from backend.core.errors import ErrorCode


class ScopedFilterBackend(DjangoFilterBackend):
    def filter_queryset(self, request, queryset, view):
        filterset_class = self.get_filterset_class(view, queryset)
        if filterset_class is None:
            return queryset
        return filter_or_refuse(filterset_class, request, queryset)


def filter_or_refuse(filterset_class, request, queryset):
    """`queryset` filtered by the request's query string, or the 400 naming each parameter it cannot read. Also for
    an action whose rows are not its viewset's (a run's proposals), which declares the parameters itself."""
    if filterset_class.base_filters.keys().isdisjoint(request.query_params):
        return queryset  # nothing to filter by: no form to build on every unfiltered list request
    filterset = filterset_class(request.query_params, queryset=queryset, request=request)
    if not filterset.is_valid():
        raise BilingualValidationError(_problems_in_both(filterset))
    return filterset.qs


def _problems_in_both(filterset) -> list[dict]:
    messages = {}
    for lang in LANGS:
        with translation.override(lang):
            again = type(filterset)(filterset.data, queryset=filterset.queryset, request=filterset.request)
            again.is_valid()
            messages[lang] = {name: [str(m) for error in errors for m in error]
                              for name, errors in again.form.errors.as_data().items()}
    return [{"field": name, "code": ErrorCode.INVALID_FILTER, "ja": ja, "en": en}
            for name, texts in messages["ja"].items()
            for ja, en in zip(texts, messages["en"][name], strict=True)]


class WholeNumberFilter(django_filters.NumberFilter):
    """A whole number, as the schema documents keys and years (django-filter's NumberFilter takes 0.5)."""

    field_class = forms.IntegerField


class _TrueOrFalse(forms.Field):
    def to_python(self, value):
        if value in (None, ""):
            return None
        if value in ("true", "false"):
            return value == "true"
        raise forms.ValidationError(_("true か false で指定してください。"), code=ErrorCode.INVALID)


class TrueOrFalseFilter(django_filters.BooleanFilter):
    """`true` or `false`, as the schema documents a boolean (django-filter's also takes "null", "1", "yes")."""

    field_class = _TrueOrFalse


def key(field_name: str, **kwargs) -> WholeNumberFilter:
    """A filter on a foreign key by its number."""
    return WholeNumberFilter(field_name=field_name, **kwargs)


def code(field_name: str, **kwargs) -> django_filters.CharFilter:
    """A filter on a code (a prefecture's "20", a municipality's "202011")."""
    return django_filters.CharFilter(field_name=field_name, **kwargs)


# The years a filter takes: those a row can hold (the models' check constraints), so that a year no date has
# (0, 99999) is a 400 naming the filter rather than a 500 from the dates it would make.
YEAR_BOUNDS = {"min_value": 2000, "max_value": 2100}


def fiscal_year(**extra) -> WholeNumberFilter:
    return WholeNumberFilter(field_name="fiscal_year", **YEAR_BOUNDS, **extra)
