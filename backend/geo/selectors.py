"""Reads of the register and of the prefectures' settings."""

from backend.geo.models import PrefectureSetting


def prefecture_setting(*, code: str) -> PrefectureSetting:
    """A prefecture's settings: its row, or the defaults (unsaved) while it has none. Reading never creates
    the row, so the instance builder and reports stay read-only; `prefecture_setting_update` creates it."""
    return PrefectureSetting.objects.filter(pk=code).first() or PrefectureSetting(prefecture_id=code)
