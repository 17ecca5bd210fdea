"""Serializer fields of the register."""

from django.utils.translation import gettext_lazy as _
from rest_framework import serializers

from backend.core.errors import ErrorCode, interpolate
from backend.core.validators import is_valid_municipality_code
from backend.geo.models import Municipality


class MunicipalityField(serializers.PrimaryKeyRelatedField):
    """A 団体コード: format and check digit are checked before the register is asked."""

    def __init__(self, **kwargs):
        kwargs.setdefault("queryset", Municipality.objects.select_related("prefecture"))
        super().__init__(**kwargs)

    def to_internal_value(self, data):
        code = str(data)
        if not code.isascii() or not code.isdigit():  # a name the page could not match: say so, not "bad code"
            raise serializers.ValidationError(interpolate(
                _("市区町村「%(text)s」が見つかりません。市区町村名（同じ名前があるときは「長野県長野市」のように都道府県から）か団体コードで入力してください。"),
                text=code[:40],
            ), code=ErrorCode.INVALID_MUNICIPALITY_CODE)
        if not is_valid_municipality_code(code):
            raise serializers.ValidationError(interpolate(
                _("団体コード %(code)s は不正です（検査数字を含む6桁の数字）。"), code=code,
            ), code=ErrorCode.INVALID_MUNICIPALITY_CODE)
        return super().to_internal_value(code)
