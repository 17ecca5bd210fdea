"""Reading and validating a `kenmu.instance/1`, `/2` or `/3` document into an `Instance`.

This module owns every input check of the exchange format: a missing field, a wrong type, an
out-of-range value or a dangling id becomes an `InstanceError` whose message names the field and
the id. It never solves and never raises anything else on bad input. A version 1 document is read
as a version 2 one with every new field at its default: its new fields (offered_fee, onsite_days,
travel_yen_per_km, lead) are not read, as version 1 ignores unknown fields. Version 3 adds `preferences`
(wishes of both sides); versions 1 and 2 ignore that field.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from .model import (
    ALLOWED_LEADS,
    CATEGORIES,
    DEFAULT_LEAD,
    EMPLOYMENT_FORMS,
    INSTANCE_FORMAT_V3,
    INSTANCE_FORMATS,
    PREFERENCE_LEVELS,
    PREFERENCE_SIDES,
    PROCUREMENT_STATUSES,
    RELATIONS,
    ROLES,
    WEEKDAYS,
    Affiliation,
    Expert,
    Instance,
    Need,
    Pin,
    Point,
    Procurement,
    weekday_mask,
)

_MISSING = object()


class InstanceError(ValueError):
    """Bad input: `problems` lists every message found (field path, id, what is wrong)."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__("invalid instance: " + "; ".join(problems[:20])
                         + (f"; and {len(problems) - 20} more" if len(problems) > 20 else ""))


class _Reader:
    """Collects problems while reading one object; `where` is e.g. 'experts[3] (id "E004")'."""

    def __init__(self, problems: list[str]):
        self.problems = problems

    def fail(self, where: str, name: str, message: str) -> None:
        self.problems.append(f"{where}: field '{name}' {message}")

    def get(self, obj: Mapping, where: str, name: str, check: Callable[[Any], str | None],
            default: Any = _MISSING) -> Any:
        value = obj.get(name, _MISSING)
        if value is _MISSING or (value is None and default is not _MISSING and default is None):
            if default is _MISSING:
                self.fail(where, name, "is missing")
                return None
            return default
        problem = check(value)
        if problem:
            self.fail(where, name, f"{problem}, got {json.dumps(value, ensure_ascii=False, default=str)[:80]}")
            return default if default is not _MISSING else None
        return value


# Upper limits far above any real value, so that products such as daily_rate * days_per_year stay exact in
# 64-bit arithmetic and dates stay in range: 1 trillion yen, and 100,000 engagements or days.
MAX_YEN = 10**12
MAX_COUNT = 100_000


def _int(lo: int | None = None, hi: int | None = None) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if isinstance(v, bool) or not isinstance(v, int):
            return "must be an integer"
        if lo is not None and v < lo:
            return f"must be at least {lo}"
        if hi is not None and v > hi:
            return f"must be at most {hi}"
        return None
    return check


def _number(v: Any) -> str | None:
    if isinstance(v, bool) or not isinstance(v, int | float) or v != v:
        return "must be a number"
    return None


def _bool(v: Any) -> str | None:
    return None if isinstance(v, bool) else "must be true or false"


def _str(v: Any) -> str | None:
    return None if isinstance(v, str) and v != "" else "must be a non-empty string"


def _opt_str(v: Any) -> str | None:
    return None if v is None or (isinstance(v, str) and v != "") else "must be a non-empty string or null"


def _list_of(allowed: tuple[str, ...] | None = None) -> Callable[[Any], str | None]:
    """A list of non-empty strings; a value listed twice counts once (the spec does not forbid it)."""
    def check(v: Any) -> str | None:
        if not isinstance(v, list) or not all(isinstance(x, str) and x for x in v):
            return "must be a list of strings"
        if allowed is not None and any(x not in allowed for x in v):
            bad = sorted({x for x in v if x not in allowed})
            return f"has unknown value(s) {bad}; allowed: {list(allowed)}"
        return None
    return check


def _one_of(allowed: tuple[str, ...]) -> Callable[[Any], str | None]:
    return lambda v: None if v in allowed else f"must be one of {list(allowed)}"


def _skill_map(skills: set[str] | None) -> Callable[[Any], str | None]:
    def check(v: Any) -> str | None:
        if not isinstance(v, dict):
            return "must be an object {skill: level}"
        for name, level in v.items():
            if skills is not None and name not in skills:
                return f"names skill '{name}' that is not in the instance's 'skills' list"
            if isinstance(level, bool) or not isinstance(level, int) or not 0 <= level <= 3:
                return f"gives skill '{name}' level {level!r}; levels are integers 0 (lacks it) to 3"
        return None
    return check


def _date(v: Any) -> str | None:
    try:
        dt.date.fromisoformat(v)
    except (TypeError, ValueError):
        return "must be a date YYYY-MM-DD"
    return None


def _where(kind: str, i: int, obj: Any) -> str:
    ident = obj.get("id") if isinstance(obj, dict) else None
    return f'{kind}[{i}] (id "{ident}")' if ident is not None else f"{kind}[{i}]"


def _point(reader: _Reader, obj: Mapping, where: str, name: str) -> Point | None:
    value = obj.get(name)
    if value is None:
        return None
    if not isinstance(value, dict):
        reader.fail(where, name, "must be an object {lat, lon} or null")
        return None
    lat, lon = value.get("lat"), value.get("lon")
    if lat is None or lon is None:
        return None  # an unknown location is allowed: it only affects the travel objective
    if _number(lat) or _number(lon) or not (-90 <= lat <= 90 and -180 <= lon <= 180):
        reader.fail(where, name, f"must hold numbers lat in [-90, 90] and lon in [-180, 180], got {value}")
        return None
    return Point(float(lat), float(lon))


def _affiliations(reader: _Reader, obj: Mapping, where: str) -> tuple[Affiliation, ...]:
    raw = obj.get("affiliations", [])
    if raw is None:
        raw = []
    if not isinstance(raw, list):
        reader.fail(where, "affiliations", "must be a list")
        return ()
    out = []
    for j, a in enumerate(raw):
        w = f"{where}.affiliations[{j}]"
        if not isinstance(a, dict):
            reader.fail(w, "affiliations", "must be an object")
            continue
        vendor = reader.get(a, w, "vendor", _str)
        relation = reader.get(a, w, "relation", _one_of(RELATIONS))
        ended = a.get("ended_on")
        if relation == "former_employee" or ended is not None:
            ended = reader.get(a, w, "ended_on", _date)
        if vendor and relation:
            out.append(Affiliation(vendor, relation, dt.date.fromisoformat(ended) if ended else None))
    return tuple(out)


def _expert(reader: _Reader, obj: Any, i: int, skills: set[str] | None) -> Expert | None:
    where = _where("experts", i, obj)
    if not isinstance(obj, dict):
        reader.problems.append(f"{where}: must be an object")
        return None
    g = reader.get
    n0 = len(reader.problems)
    fields = dict(
        id=g(obj, where, "id", _str),
        serves_prefectures=g(obj, where, "serves_prefectures", _list_of()),
        onsite_prefectures=g(obj, where, "onsite_prefectures", _list_of(), default=[]),
        capacity_days=g(obj, where, "capacity_days", _int(0, 366)),
        weekdays=g(obj, where, "weekdays", _list_of(WEEKDAYS)),
        max_engagements=g(obj, where, "max_engagements", _int(0, MAX_COUNT)),
        daily_rate=g(obj, where, "daily_rate", _int(0, MAX_YEN)),
        skills=g(obj, where, "skills", _skill_map(skills), default={}),
        employment_forms=g(obj, where, "employment_forms", _list_of(EMPLOYMENT_FORMS)),
        confidentiality_pledge=g(obj, where, "confidentiality_pledge", _bool, default=False),
    )
    affiliations = _affiliations(reader, obj, where)
    home = _point(reader, obj, where, "home")
    if len(reader.problems) > n0:
        return None
    return Expert(
        id=fields["id"], serves_prefectures=frozenset(fields["serves_prefectures"]),
        onsite_prefectures=frozenset(fields["onsite_prefectures"]), capacity_days=fields["capacity_days"],
        weekdays=weekday_mask(fields["weekdays"]), max_engagements=fields["max_engagements"],
        daily_rate=fields["daily_rate"], skills=dict(fields["skills"]),
        employment_forms=frozenset(fields["employment_forms"]), affiliations=affiliations,
        confidentiality_pledge=fields["confidentiality_pledge"], home=home)


def _need(reader: _Reader, obj: Any, i: int, skills: set[str] | None, version: int) -> Need | None:
    where = _where("needs", i, obj)
    if not isinstance(obj, dict):
        reader.problems.append(f"{where}: must be an object")
        return None
    g = reader.get
    n0 = len(reader.problems)
    f = dict(
        id=g(obj, where, "id", _str),
        municipality=g(obj, where, "municipality", _str),
        prefecture=g(obj, where, "prefecture", _str),
        role=g(obj, where, "role", _one_of(ROLES), default="other"),
        days_per_year=g(obj, where, "days_per_year", _int(1, 366)),
        weekly_days=g(obj, where, "weekly_days", _int(0, 7)),
        weekdays=g(obj, where, "weekdays", _list_of(WEEKDAYS), default=[]),
        onsite_required=g(obj, where, "onsite_required", _bool, default=False),
        budget=g(obj, where, "budget", _int(0, MAX_YEN)),
        required_skills=g(obj, where, "required_skills", _skill_map(skills), default={}),
        desired_skills=g(obj, where, "desired_skills", _skill_map(skills), default={}),
        employment_forms=g(obj, where, "employment_forms", _list_of(EMPLOYMENT_FORMS)),
        priority=g(obj, where, "priority", _int(1, 5)),
        current_expert=g(obj, where, "current_expert", _opt_str, default=None),
        replacement_requested=g(obj, where, "replacement_requested", _bool, default=False),
    )
    location = _point(reader, obj, where, "location")
    offered_fee, onsite_days = _fee_and_onsite(reader, obj, where, f, version)
    if len(reader.problems) > n0:
        return None
    return Need(
        id=f["id"], municipality=f["municipality"], prefecture=f["prefecture"], role=f["role"],
        days_per_year=f["days_per_year"], weekly_days=f["weekly_days"], weekdays=weekday_mask(f["weekdays"]),
        onsite_required=f["onsite_required"], budget=f["budget"], required_skills=dict(f["required_skills"]),
        desired_skills=dict(f["desired_skills"]), employment_forms=tuple(dict.fromkeys(f["employment_forms"])),
        priority=f["priority"], current_expert=f["current_expert"],
        replacement_requested=f["replacement_requested"], location=location, offered_fee=offered_fee,
        onsite_days=onsite_days)


def _fee_and_onsite(reader: _Reader, obj: Mapping, where: str, f: dict, version: int) -> tuple[int | None, int]:
    """offered_fee (at most the budget) and onsite_days (0 off site, 1 to days_per_year on site)."""
    onsite, days, budget = f["onsite_required"], f["days_per_year"], f["budget"]
    default_days = days if onsite and days is not None else 0
    if version < 2:
        return None, default_days
    offered = reader.get(obj, where, "offered_fee", _int(0, MAX_YEN), default=None)
    if offered is not None and budget is not None and offered > budget:
        reader.fail(where, "offered_fee", f"must not exceed the budget {budget}, got {offered}")
    onsite_days = reader.get(obj, where, "onsite_days", _int(0, 366), default=None)
    if onsite_days is None:
        return offered, default_days
    if onsite is False and onsite_days != 0:
        reader.fail(where, "onsite_days", f"must be 0 when onsite_required is false, got {onsite_days}")
    elif onsite is True and days is not None and not 1 <= onsite_days <= days:
        reader.fail(where, "onsite_days", f"must be between 1 and days_per_year ({days}) when onsite_required "
                                          f"is true, got {onsite_days}")
    return offered, onsite_days


def _lead(v: Any) -> str | None:
    if not isinstance(v, list) or tuple(v) not in ALLOWED_LEADS:
        return f"must be one of {[list(lead) for lead in ALLOWED_LEADS]}"
    return None


def _procurement(reader: _Reader, obj: Any, i: int) -> Procurement | None:
    where = _where("procurements", i, obj)
    if not isinstance(obj, dict):
        reader.problems.append(f"{where}: must be an object")
        return None
    g = reader.get
    n0 = len(reader.problems)
    f = dict(id=g(obj, where, "id", _str), municipality=g(obj, where, "municipality", _str),
             category=g(obj, where, "category", _one_of(CATEGORIES)),
             status=g(obj, where, "status", _one_of(PROCUREMENT_STATUSES)),
             incumbent_vendor=g(obj, where, "incumbent_vendor", _opt_str, default=None))
    return None if len(reader.problems) > n0 else Procurement(**f)


def _list(reader: _Reader, doc: Mapping, name: str, required: bool) -> list:
    value = doc.get(name, _MISSING)
    if value is _MISSING or value is None:
        if required:
            reader.problems.append(f"instance: field '{name}' is missing")
        return []
    if not isinstance(value, list):
        reader.problems.append(f"instance: field '{name}' must be a list")
        return []
    return value


def _unique_ids(reader: _Reader, kind: str, items: list) -> None:
    seen: set[str] = set()
    for i, item in enumerate(items):
        if item.id in seen:
            reader.problems.append(f'{kind}[{i}] (id "{item.id}"): duplicate id')
        seen.add(item.id)


def _pairs(reader: _Reader, doc: Mapping, name: str, second: str, firsts: set[str],
           seconds: set[str] | None) -> list[dict]:
    """Pins, forbids, overrides, fixed and previous assignments: objects naming an expert and a second id."""
    out = []
    for i, obj in enumerate(_list(reader, doc, name, required=False)):
        where = f"{name}[{i}]"
        if not isinstance(obj, dict):
            reader.problems.append(f"{where}: must be an object")
            continue
        expert = reader.get(obj, where, "expert", _str)
        other = reader.get(obj, where, second, _str)
        if expert is not None and expert not in firsts:
            reader.problems.append(f'{where}: field \'expert\' names unknown expert id "{expert}"')
            continue
        if other is not None and seconds is not None and other not in seconds:
            reader.problems.append(f'{where}: field \'{second}\' names unknown {second} id "{other}"')
            continue
        if expert is not None and other is not None:
            out.append(obj)
    return out


def _references(reader: _Reader, experts: list[Expert], needs: list[Need], vendors: set[str],
                procurements: list[Procurement]) -> None:
    expert_ids = {e.id for e in experts}
    for i, e in enumerate(experts):
        for j, a in enumerate(e.affiliations):
            if a.vendor not in vendors:
                reader.problems.append(f'experts[{i}] (id "{e.id}"): field \'affiliations[{j}].vendor\' '
                                       f'names unknown vendor id "{a.vendor}"')
    for i, r in enumerate(needs):
        if r.current_expert is not None and r.current_expert not in expert_ids:
            reader.problems.append(f'needs[{i}] (id "{r.id}"): field \'current_expert\' names unknown expert id '
                                   f'"{r.current_expert}"')
    for i, p in enumerate(procurements):
        if p.incumbent_vendor is not None and p.incumbent_vendor not in vendors:
            reader.problems.append(f'procurements[{i}] (id "{p.id}"): field \'incumbent_vendor\' names unknown '
                                   f'vendor id "{p.incumbent_vendor}"')


def _fixed(reader: _Reader, doc: Mapping, experts: set[str], needs: set[str]) -> list[Pin]:
    out = []
    for i, obj in enumerate(_pairs(reader, doc, "fixed_assignments", "need", experts, needs)):
        days = reader.get(obj, f"fixed_assignments[{i}]", "weekdays", _list_of(WEEKDAYS), default=[])
        out.append(Pin(obj["expert"], obj["need"], weekday_mask(days or [])))
    return out


class _EntryReader(_Reader):
    """Names a field as `preferences[3].level`: the entry and its field in one path."""

    def fail(self, where: str, name: str, message: str) -> None:
        self.problems.append(f"{where}.{name}: {message}")


def _preferences(reader: _Reader, doc: Mapping, experts: list[Expert], needs: list[Need]
                 ) -> tuple[dict[tuple[int, int], int], dict[tuple[int, int], int]]:
    """Version 3 `preferences`: the levels of each side by (expert index, need index). A duplicate
    (need, expert, side), a level outside 1-3, an unknown side or a dangling id is rejected, naming the entry."""
    expert_index = {e.id: i for i, e in enumerate(experts)}
    need_index = {r.id: i for i, r in enumerate(needs)}
    levels: dict[str, dict[tuple[int, int], int]] = {side: {} for side in PREFERENCE_SIDES}
    reader = _EntryReader(reader.problems)
    first: dict[tuple[str, str, str], int] = {}
    for i, obj in enumerate(_list(reader, doc, "preferences", required=False)):
        where = f"preferences[{i}]"
        if not isinstance(obj, dict):
            reader.problems.append(f"{where}: must be an object")
            continue
        n0 = len(reader.problems)
        need = reader.get(obj, where, "need", _str)
        expert = reader.get(obj, where, "expert", _str)
        side = reader.get(obj, where, "side", _one_of(PREFERENCE_SIDES))
        level = reader.get(obj, where, "level", _int(PREFERENCE_LEVELS[0], PREFERENCE_LEVELS[-1]))
        if need is not None and need not in need_index:
            reader.problems.append(f'{where}.need: names unknown need id "{need}"')
        if expert is not None and expert not in expert_index:
            reader.problems.append(f'{where}.expert: names unknown expert id "{expert}"')
        if len(reader.problems) > n0:
            continue
        key = (need, expert, side)
        if key in first:
            reader.problems.append(f"{where}: duplicate of preferences[{first[key]}] (need \"{need}\", expert "
                                   f"\"{expert}\", side \"{side}\"); at most one entry per need, expert and side")
            continue
        first[key] = i
        levels[side][expert_index[expert], need_index[need]] = level
    return levels["municipality"], levels["expert"]


def instance_from_dict(doc: Any) -> Instance:
    """Validate a parsed instance document; raise InstanceError naming every bad field and id."""
    if not isinstance(doc, dict):
        raise InstanceError(["instance: must be a JSON object"])
    problems: list[str] = []
    reader = _Reader(problems)
    if doc.get("format") not in INSTANCE_FORMATS:
        problems.append(f"instance: field 'format' must be one of {list(INSTANCE_FORMATS)}, got {doc.get('format')!r}")
    version = {INSTANCE_FORMATS[0]: 1, INSTANCE_FORMAT_V3: 3}.get(doc.get("format"), 2)
    travel_rate, lead = 0, list(DEFAULT_LEAD)
    if version >= 2:
        # Yen per km; at most 100,000 so that travel costs stay exact integers in 64-bit arithmetic.
        travel_rate = reader.get(doc, "instance", "travel_yen_per_km", _int(0, MAX_COUNT), default=0)
        lead = reader.get(doc, "instance", "lead", _lead, default=list(DEFAULT_LEAD))
    fiscal_year = reader.get(doc, "instance", "fiscal_year", _int(1900, 2999))
    cooling = reader.get(doc, "instance", "cooling_off_days", _int(0, MAX_COUNT))
    time_limit = reader.get(doc, "instance", "time_limit_s", _number, default=None)
    skill_list = reader.get(doc, "instance", "skills", _list_of(), default=None)
    skills = set(skill_list) if skill_list is not None else None
    experts = [e for i, o in enumerate(_list(reader, doc, "experts", True)) if (e := _expert(reader, o, i, skills))]
    needs = [r for i, o in enumerate(_list(reader, doc, "needs", True))
             if (r := _need(reader, o, i, skills, version))]
    vendor_docs = _list(reader, doc, "vendors", required=False)
    vendors = []
    for i, v in enumerate(vendor_docs):
        ident = reader.get(v, f"vendors[{i}]", "id", _str) if isinstance(v, dict) else None
        if ident is None and not isinstance(v, dict):
            problems.append(f"vendors[{i}]: must be an object with an 'id'")
        elif ident is not None:
            vendors.append(ident)
    procurements = [p for i, o in enumerate(_list(reader, doc, "procurements", False))
                    if (p := _procurement(reader, o, i))]
    if problems:
        raise InstanceError(problems)
    _unique_ids(reader, "experts", experts)
    _unique_ids(reader, "needs", needs)
    _unique_ids(reader, "procurements", procurements)
    if len(set(vendors)) != len(vendors):
        problems.append("vendors: duplicate id " + str(sorted({v for v in vendors if vendors.count(v) > 1})))
    _references(reader, experts, needs, set(vendors), procurements)
    expert_ids, need_ids = {e.id for e in experts}, {r.id for r in needs}
    pins = [Pin(o["expert"], o["need"]) for o in _pairs(reader, doc, "pins", "need", expert_ids, need_ids)]
    pins += _fixed(reader, doc, expert_ids, need_ids)
    forbids = {(o["expert"], o["need"]) for o in _pairs(reader, doc, "forbids", "need", expert_ids, need_ids)}
    overrides = {(o["expert"], o["municipality"])
                 for o in _pairs(reader, doc, "coi_overrides", "municipality", expert_ids, None)}
    previous = {(o["expert"], o["need"])
                for o in _pairs(reader, doc, "previous_assignments", "need", expert_ids, need_ids)}
    pref_m, pref_e = _preferences(reader, doc, experts, needs) if version >= 3 else ({}, {})
    if problems:
        raise InstanceError(problems)
    return Instance.build(
        fiscal_year=fiscal_year, cooling_off_days=cooling,
        time_limit_s=float(time_limit) if time_limit is not None else None,
        experts=tuple(experts), needs=tuple(needs), vendors=tuple(vendors), procurements=tuple(procurements),
        pins=tuple(dict.fromkeys(pins)), forbids=frozenset(forbids), coi_overrides=frozenset(overrides),
        previous=frozenset(previous), travel_yen_per_km=travel_rate or 0,
        lead=tuple(lead or DEFAULT_LEAD), version=version, pref_m=pref_m, pref_e=pref_e)


def load_instance(source: Instance | Mapping | str | Path) -> Instance:
    """An Instance from an Instance, a parsed dict, or a path to a JSON file."""
    if isinstance(source, Instance):
        return source
    if isinstance(source, str | Path):
        try:
            text = Path(source).read_text(encoding="utf-8")
        except OSError as exc:
            raise InstanceError([f"instance file {source}: cannot be read ({exc.strerror})"]) from None
        try:
            source = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InstanceError([f"instance file {source}: not valid JSON ({exc.msg} at line {exc.lineno})"]) from None
    return instance_from_dict(source)
