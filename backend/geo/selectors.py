"""Reads of the register and of the prefectures' settings."""

from backend.geo.models import Municipality, Prefecture, PrefectureSetting


def prefecture_setting(*, code: str) -> PrefectureSetting:
    """A prefecture's settings: its row, or the defaults (unsaved) while it has none. Reading never creates
    the row, so the instance builder and reports stay read-only; `backend.costs.services.prefecture_setting_update` creates it."""
    return PrefectureSetting.objects.filter(pk=code).first() or PrefectureSetting(prefecture_id=code)


_names: dict[str, dict[str, str]] = {}


def place_names(kind: str) -> dict[str, str]:
    """Name by code of every prefecture ("prefecture") or municipality ("municipality"). The register does not
    change while the service runs, so it is read once per process (never cached while still empty)."""
    if not _names.get(kind):
        model = Prefecture if kind == "prefecture" else Municipality
        _names[kind] = dict(model.objects.values_list("code", "name"))
    return _names[kind]
