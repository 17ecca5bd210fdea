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


def municipality_code_from_text(text: str) -> str:
    """What a person types for a municipality as its 団体コード: the code itself, '長野県長野市', or '長野市' when
    only one municipality has that name. Anything else comes back as typed, for the serializer to refuse naming
    the field (forms and imports ask for a place by its name, not a code)."""
    text = text.strip().replace("　", "").replace(" ", "")
    if not text or text.isdigit():
        return text
    for prefecture in Prefecture.objects.values_list("name", flat=True):
        if text.startswith(prefecture) and len(text) > len(prefecture):
            found = Municipality.objects.filter(prefecture__name=prefecture, name=text[len(prefecture):])
            return found.values_list("code", flat=True).first() or text
    codes = list(Municipality.objects.filter(name=text).values_list("code", flat=True)[:2])
    return codes[0] if len(codes) == 1 else text


def municipality_full_name(code: str | None) -> str:
    """'長野県長野市' for a code (how a form shows a chosen municipality: never ambiguous, never a code)."""
    if not code:
        return ""
    row = Municipality.objects.filter(pk=code).values_list("prefecture__name", "name").first()
    return f"{row[0]}{row[1]}" if row else code
