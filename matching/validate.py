"""The executable specification: checks a `kenmu.result/2` or `/3` against its instance without a solver.

Every hard rule (1-12), every unmatched reason (and what an over_budget detail must name), every
flag (none missing, none invented, once per key), the fees, travel costs, employment forms, the
weekdays and the objective with its lead (and, for version 3, each assignment's preference levels, the
preference value and the blocking pairs) are recomputed here in plain Python, written
apart from the solver's own modules so that a bug in one is caught by the other. It never imports
OR-Tools and never changes its inputs.
"""

from __future__ import annotations

import datetime as dt
import math
import re
from collections import Counter, defaultdict
from collections.abc import Mapping
from itertools import combinations

from .loading import load_instance
from .model import (
    ACTIVE_RELATIONS,
    CATEGORIES,
    PREFERENCE_STAGE,
    RESULT_FORMAT,
    RESULT_FORMAT_V3,
    RULE_REASONS,
    WEEKDAY_BIT,
    WEEKDAYS,
    Expert,
    Instance,
    Need,
)


def spec_km(a, b) -> float:
    """The spec's km(e, r): haversine, R = 6371.0 km, double precision (the same operations as the solver's,
    so that the floor in travel_cost rounds alike)."""
    la1, lo1, la2, lo2 = math.radians(a.lat), math.radians(a.lon), math.radians(b.lat), math.radians(b.lon)
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


def spec_travel_cost(inst: Instance, ex: Expert, need: Need) -> int:
    """r.onsite_days x floor(2 x km x travel_yen_per_km + 0.5); 0 without both points or without a rate."""
    if ex.home is None or need.location is None or inst.travel_yen_per_km == 0:
        return 0
    return need.onsite_days * math.floor(2 * spec_km(ex.home, need.location) * inst.travel_yen_per_km + 0.5)


def spec_fee(ex: Expert, need: Need) -> int:
    return need.offered_fee if need.offered_fee is not None else ex.daily_rate * need.days_per_year


def spec_form(ex: Expert, need: Need) -> str | None:
    """The first form in the need's order of preference that the expert also holds."""
    for f in need.employment_forms:
        if f in ex.employment_forms:
            return f
    return None


def _mask(days) -> int:
    m = 0
    for d in days:
        m |= WEEKDAY_BIT[d]
    return m


class Rules:
    """Rules 1 to 8 for one pair, straight from the spec's wording, evaluated lazily in order."""

    def __init__(self, inst: Instance):
        self.inst = inst
        self.incumbents: dict[str, set[str]] = defaultdict(set)
        for p in inst.procurements:
            if p.status == "ongoing" and p.incumbent_vendor is not None:
                self.incumbents[p.municipality].add(p.incumbent_vendor)

    def holds(self, k: int, ex: Expert, need: Need) -> bool:
        """Whether rule k (1-8) allows expert ex for need."""
        if k == 1:
            return need.prefecture in ex.serves_prefectures
        if k == 2:
            return all(ex.skills.get(s, 0) >= lvl for s, lvl in need.required_skills.items())
        if k == 3:
            return any(f in need.employment_forms for f in ex.employment_forms)
        if k == 4:
            return (not need.onsite_required) or need.prefecture in ex.onsite_prefectures
        if k == 5:
            shared = [d for d in WEEKDAYS if ex.weekdays & WEEKDAY_BIT[d] and need.weekdays & WEEKDAY_BIT[d]]
            return need.weekly_days <= 0 or len(shared) >= need.weekly_days
        if k == 6:
            fee = spec_fee(ex, need)
            return ex.daily_rate * need.days_per_year <= fee and fee + spec_travel_cost(self.inst, ex, need) <= need.budget
        if k == 7:
            active = {a.vendor for a in ex.affiliations if a.relation in ACTIVE_RELATIONS}
            return not (active & self.incumbents.get(need.municipality, set())) \
                or (ex.id, need.municipality) in self.inst.coi_overrides
        return (ex.id, need.id) not in self.inst.forbids and not (
            need.replacement_requested and need.current_expert == ex.id)

    def broken(self, ex: Expert, need: Need) -> list[int]:
        return [k for k in range(1, 9) if not self.holds(k, ex, need)]

    def reason(self, need: Need) -> str:
        """The spec's reason for an unassigned need: first rule that empties the cumulative filter."""
        survivors = list(self.inst.experts)
        for k in range(1, 9):
            survivors = [e for e in survivors if self.holds(k, e, need)]
            if not survivors:
                return RULE_REASONS[k - 1]
        return "capacity"

    def passing(self, need: Need, upto: int) -> list[Expert]:
        return [e for e in self.inst.experts if all(self.holds(k, e, need) for k in range(1, upto + 1))]


def expected_flags(inst: Instance, pairs: list[tuple[Expert, Need]]) -> list[dict]:
    """Every flag the spec derives from the assignments, as a list of dicts (unordered)."""
    fy_start = dt.date(inst.fiscal_year, 4, 1)
    flags: dict[tuple, dict] = {}
    for ex, need in pairs:
        m = need.municipality
        active = {a.vendor for a in ex.affiliations if a.relation in ACTIVE_RELATIONS}
        planned = sorted(p.id for p in inst.procurements if p.municipality == m and p.status == "planned")
        for v in active:
            flags[("bid_restriction", ex.id, v, m)] = {
                "kind": "bid_restriction", "expert": ex.id, "vendor": v, "municipality": m,
                "categories": list(CATEGORIES), "procurements": planned}
        for p in inst.procurements:
            if (p.municipality == m and p.status == "ongoing" and p.incumbent_vendor in active
                    and (ex.id, m) in inst.coi_overrides):
                key = ("incumbent_conflict_overridden", ex.id, p.incumbent_vendor, m)
                flags[key] = {"kind": key[0], "expert": ex.id, "vendor": p.incumbent_vendor, "municipality": m}
        for a in ex.affiliations:
            if a.relation == "former_employee" and (fy_start - a.ended_on).days < inst.cooling_off_days:
                key = ("former_vendor_notice", ex.id, a.vendor, m)
                flags[key] = {"kind": key[0], "expert": ex.id, "vendor": a.vendor, "municipality": m}
        if active and not ex.confidentiality_pledge:
            key = ("pledge_required", ex.id, None, m)
            flags[key] = {"kind": key[0], "expert": ex.id, "vendor": None, "municipality": m}
        if spec_form(ex, need) == "special_part_time" and need.role == "dx_supporter":
            key = ("form_notice", ex.id, None, m, need.id)
            flags[key] = {"kind": key[0], "expert": ex.id, "vendor": None, "municipality": m, "need": need.id,
                          "form": "special_part_time"}
    return list(flags.values())


def _flag_key(f: Mapping) -> tuple:
    key = (f.get("kind"), f.get("expert"), f.get("vendor"), f.get("municipality"))
    return key + (f.get("need"),) if f.get("kind") == "form_notice" else key


def _weekdays_fit(items: list[tuple[int, int]]) -> bool:
    """Brute-force Hall check over all day subsets (at most 128)."""
    for size in range(len(WEEKDAYS) + 1):
        for subset in combinations(range(len(WEEKDAYS)), size):
            t = sum(1 << d for d in subset)
            if sum(k for a, k in items if a & ~t == 0) > size:
                return False
    return True


class _Check:
    def __init__(self, inst: Instance, result: Mapping):
        self.inst, self.result = inst, result
        self.problems: list[str] = []
        self.experts = {e.id: e for e in inst.experts}
        self.needs = {r.id: r for r in inst.needs}
        self.rules = Rules(inst)

    def fail(self, message: str) -> None:
        self.problems.append(message)

    def run(self) -> list[str]:
        res = self.result
        if not isinstance(res, Mapping):
            return ["result: must be a JSON object"]
        v3 = self.inst.version >= 3
        want_format = RESULT_FORMAT_V3 if v3 else RESULT_FORMAT
        if res.get("format") != want_format:
            self.fail(f"format must be {want_format!r}, got {res.get('format')!r}")
        for name in ("status", "assignments", "unmatched", "flags", "objective", "stats") + ("blocking_pairs",) * v3:
            if name not in res:
                self.fail(f"field {name!r} is missing")
        if not v3 and ("blocking_pairs" in res or (isinstance(res.get("objective"), Mapping)
                                                   and PREFERENCE_STAGE in res["objective"])):
            self.fail("a version 1 or 2 result has no preference and no blocking_pairs (they are version 3)")
        self._shape()
        if self.problems:
            return self.problems
        if res["status"] == "infeasible":
            self._infeasible()
            self._unmatched([])
            if v3:
                self._infeasible_v3()
        elif res["status"] in ("optimal", "feasible"):
            pairs = self._assignments()
            self._per_expert(pairs)
            self._pins(pairs)
            self._unmatched(pairs)
            self._flags(pairs)
            self._objective(pairs)
            if v3:
                self._preferences(pairs)
                self._blocking_pairs(pairs)
        else:
            self.fail(f"status must be optimal, feasible or infeasible, got {res['status']!r}")
        return self.problems

    def _shape(self) -> None:
        """Types of the result's fields, before any rule is checked (so that nothing below can crash)."""
        res = self.result
        for name in ("assignments", "unmatched", "flags"):
            if name in res and not (isinstance(res[name], list) and all(isinstance(x, Mapping) for x in res[name])):
                self.fail(f"field {name!r} must be a list of objects")
        for name in ("objective", "stats"):
            if name in res and not isinstance(res[name], Mapping):
                self.fail(f"field {name!r} must be an object")
        stats = res.get("stats")
        if isinstance(stats, Mapping) and not _is_number(stats.get("wall_time_s")):
            self.fail("stats.wall_time_s must be a number")
        for a in res.get("assignments") if isinstance(res.get("assignments"), list) else []:
            for name in ("fee", "days_per_year", "travel_cost"):
                if isinstance(a, Mapping) and not _is_int(a.get(name)):
                    self.fail(f"assignment {a.get('need')!r}: {name} must be an integer, got {a.get(name)!r}")
            if isinstance(a, Mapping) and not (isinstance(a.get("weekdays"), list)
                                               and all(isinstance(d, str) for d in a["weekdays"])):
                self.fail(f"assignment {a.get('need')!r}: weekdays must be a list of day names")
        if res.get("status") == "infeasible" and res.get("flags"):
            self.fail("an infeasible result assigns nothing, so it has no flags")

    def _assignments(self) -> list[tuple[Expert, Need, dict]]:
        pairs, seen = [], Counter()
        for a in self.result["assignments"]:
            ex, need = self.experts.get(a.get("expert")), self.needs.get(a.get("need"))
            if ex is None or need is None:
                self.fail(f"assignment {a}: unknown expert or need")
                continue
            seen[need.id] += 1
            where = f"assignment {need.id}->{ex.id}"
            for k in self.rules.broken(ex, need):
                self.fail(f"{where}: breaks rule {k} ({RULE_REASONS[k - 1]})")
            if a.get("days_per_year") != need.days_per_year:
                self.fail(f"{where}: days_per_year {a.get('days_per_year')} != {need.days_per_year}")
            if a.get("fee") != spec_fee(ex, need):
                self.fail(f"{where}: fee {a.get('fee')} != {spec_fee(ex, need)}")
            if a.get("travel_cost") != spec_travel_cost(self.inst, ex, need):
                self.fail(f"{where}: travel_cost {a.get('travel_cost')} != {spec_travel_cost(self.inst, ex, need)}")
            if a.get("employment_form") != spec_form(ex, need):
                self.fail(f"{where}: employment_form {a.get('employment_form')!r} != {spec_form(ex, need)!r} "
                          "(the need's first form the expert holds)")
            self._weekdays(where, ex, need, a.get("weekdays"))
            pairs.append((ex, need, a))
        for need_id, n in seen.items():
            if n > 1:
                self.fail(f"rule 9: need {need_id} has {n} experts")
        return pairs

    def _weekdays(self, where: str, ex: Expert, need: Need, days) -> None:
        if not isinstance(days, list) or any(d not in WEEKDAYS for d in days):
            self.fail(f"{where}: weekdays {days!r} are not a list of weekday names")
            return
        if need.weekly_days <= 0:
            if days:
                self.fail(f"{where}: rule 11: need is not weekly but names weekdays {days}")
            return
        if len(set(days)) != len(days) or len(days) != need.weekly_days:
            self.fail(f"{where}: rule 11: needs exactly {need.weekly_days} distinct weekdays, got {days}")
        allowed = ex.weekdays & need.weekdays
        if any(not allowed & WEEKDAY_BIT[d] for d in days):
            self.fail(f"{where}: rule 11: weekdays {days} not all in e.weekdays ∩ r.weekdays")

    def _per_expert(self, pairs) -> None:
        by_expert = defaultdict(list)
        for ex, need, a in pairs:
            by_expert[ex.id].append((need, a))
        for eid, items in by_expert.items():
            ex = self.experts[eid]
            if len(items) > ex.max_engagements:
                self.fail(f"rule 9: expert {eid} serves {len(items)} needs > max_engagements {ex.max_engagements}")
            days = sum(n.days_per_year for n, _ in items)
            if days > ex.capacity_days:
                self.fail(f"rule 10: expert {eid} works {days} days > capacity_days {ex.capacity_days}")
            used = Counter(d for _, a in items for d in (a.get("weekdays") or []))
            twice = sorted(d for d, c in used.items() if c > 1)
            if twice:
                self.fail(f"rule 11: expert {eid} is named twice on {twice}")

    def _pins(self, pairs) -> None:
        assigned = {(ex.id, need.id): a for ex, need, a in pairs}
        for p in self.inst.pins:
            a = assigned.get((p.expert, p.need))
            if a is None:
                self.fail(f"rule 12: pin {p.expert}->{p.need} is not assigned")
            elif p.weekdays is not None and _mask(a.get("weekdays") or []) != p.weekdays:
                self.fail(f"rule 12: fixed assignment {p.expert}->{p.need} has other weekdays {a.get('weekdays')}")

    def _unmatched(self, pairs) -> None:
        assigned = {need.id for _, need, _ in pairs}
        listed = Counter()
        for u in self.result["unmatched"]:
            need = self.needs.get(u.get("need"))
            if need is None:
                self.fail(f"unmatched {u}: unknown need")
                continue
            listed[need.id] += 1
            if need.id in assigned:
                self.fail(f"unmatched {need.id}: the need is assigned")
                continue
            want = self.rules.reason(need)
            if u.get("reason") != want:
                self.fail(f"unmatched {need.id}: reason {u.get('reason')!r}, expected {want!r}")
            if not isinstance(u.get("detail"), str) or not u["detail"]:
                self.fail(f"unmatched {need.id}: detail missing")
            elif want == "over_budget":
                for problem in self._over_budget_detail(need, u["detail"]):
                    self.fail(f"unmatched {need.id}: over_budget detail {problem}")
        for need in self.inst.needs:
            if need.id not in assigned and listed[need.id] != 1:
                self.fail(f"unmatched: need {need.id} is listed {listed[need.id]} times, expected once")

    def _over_budget_detail(self, need: Need, detail: str) -> list[str]:
        """The detail says which way rule 6 fails, with the amounts: an offered fee below what experts accept
        (the offer and the lowest accepted fee), or fee and travel over the budget (the lowest total and the
        budget)."""
        eligible = self.rules.passing(need, 5)
        numbers = {int(x.replace(",", "")) for x in re.findall(r"\d[\d,]*", detail)}
        out = []
        asks = [e.daily_rate * need.days_per_year for e in eligible]
        below = [a for a, e in zip(asks, eligible, strict=True) if a > spec_fee(e, need)]
        over = [spec_fee(e, need) + spec_travel_cost(self.inst, e, need)
                for a, e in zip(asks, eligible, strict=True) if a <= spec_fee(e, need)]
        if below and not ("accept" in detail and {need.offered_fee, min(below)} <= numbers):
            out.append(f"does not say the offered fee {need.offered_fee} is below what experts accept "
                       f"(lowest {min(below)})")
        if over and not ("budget" in detail and {min(over), need.budget} <= numbers):
            out.append(f"does not name the lowest fee and travel {min(over)} against the budget {need.budget}")
        return out

    def _flags(self, pairs) -> None:
        flags = self.result["flags"]
        keys = Counter(_flag_key(f) for f in flags)
        for key, n in keys.items():
            if n > 1:
                self.fail(f"flag {key} appears {n} times")
        want = {_flag_key(f): f for f in expected_flags(self.inst, [(ex, need) for ex, need, _ in pairs])}
        got = {_flag_key(f): f for f in flags}
        for key in sorted(set(want) - set(got), key=str):
            self.fail(f"flag missing: {key}")
        for key in sorted(set(got) - set(want), key=str):
            self.fail(f"flag invented: {key}")
        for key in set(want) & set(got):
            for field in want[key]:
                if got[key].get(field) != want[key][field]:
                    self.fail(f"flag {key}: {field} {got[key].get(field)!r}, expected {want[key][field]!r}")

    def _objective(self, pairs) -> None:
        obj = self.result["objective"]
        primary = sum(need.priority for _, need, _ in pairs)
        if obj.get("primary") != primary:
            self.fail(f"objective.primary {obj.get('primary')} != sum of priorities {primary}")
        bound = obj.get("primary_bound")
        if not isinstance(bound, int | float) or bound < primary:
            self.fail(f"objective.primary_bound {bound!r} must be a number >= primary {primary}")
        elif self.result["status"] == "optimal" and bound != primary:
            self.fail(f"status optimal but primary_bound {bound} != primary {primary}")
        values = {"priority": primary, "coverage": len({need.municipality for _, need, _ in pairs})}
        lead = obj.get("lead")
        if not isinstance(lead, list) or [x.get("name") if isinstance(x, Mapping) else None
                                          for x in lead] != list(self.inst.lead):
            self.fail(f"objective.lead must list {list(self.inst.lead)} in that order, got {lead!r}")
            return
        for entry in lead:
            name, value, bound = entry["name"], entry.get("value"), entry.get("bound")
            if value != values[name]:
                self.fail(f"objective.lead {name}: value {value!r} != {values[name]}")
            elif not _is_number(bound) or bound < value:
                self.fail(f"objective.lead {name}: bound {bound!r} must be a number >= value {value}")
            elif self.result["status"] == "optimal" and bound != value:
                self.fail(f"objective.lead {name}: status optimal but bound {bound} != value {value}")
            if name == "priority" and (value, bound) != (obj.get("primary"), obj.get("primary_bound")):
                self.fail("objective.primary and primary_bound must be the value and bound of the priority entry")

    # -- version 3 ------------------------------------------------------------------------------------------

    def _levels(self, ex: Expert, need: Need) -> tuple[int, int]:
        """(L_m, L_e) of the pair: the level each side gave it, 0 where it said nothing."""
        e, r = self.inst.expert_index[ex.id], self.inst.need_index[need.id]
        return self.inst.pref_m.get((e, r), 0), self.inst.pref_e.get((e, r), 0)

    def _preferences(self, pairs) -> None:
        """Each assignment's levels, and objective.preference: value = the sum of L_m + L_e over the
        assignments, bound a number >= value (absent only when a run option left the stage out)."""
        total = 0
        for ex, need, a in pairs:
            lm, le = self._levels(ex, need)
            total += lm + le
            got = a.get("preference")
            if got != {"municipality": lm, "expert": le}:
                self.fail(f"assignment {need.id}->{ex.id}: preference {got!r}, expected "
                          f"{{'municipality': {lm}, 'expert': {le}}}")
        pref = self.result["objective"].get(PREFERENCE_STAGE)
        if pref is None:
            return
        if not isinstance(pref, Mapping):
            self.fail(f"objective.preference must be an object {{value, bound}}, got {pref!r}")
            return
        value, bound = pref.get("value"), pref.get("bound")
        if value != total:
            self.fail(f"objective.preference value {value!r} != sum of the assignments' levels {total}")
        if not _is_number(bound) or bound < total:
            self.fail(f"objective.preference bound {bound!r} must be a number >= value {total}")

    def _blocking_pairs(self, pairs) -> None:
        """blocking_pairs must be exactly the spec's list, in its order."""
        got = self.result["blocking_pairs"]
        if not isinstance(got, list) or not all(isinstance(b, Mapping) for b in got):
            self.fail("blocking_pairs must be a list of objects")
            return
        want = spec_blocking_pairs(self.inst, self.rules, [(ex, need, a.get("weekdays") or []) for ex, need, a in pairs])
        key = lambda b: (b.get("need"), b.get("expert"))  # noqa: E731
        want_by, got_by = {key(b): b for b in want}, {key(dict(b)): dict(b) for b in got}
        for k in sorted(set(want_by) - set(got_by), key=str):
            self.fail(f"blocking pair missing: expert {k[1]} for need {k[0]} ({want_by[k]})")
        for k in sorted(set(got_by) - set(want_by), key=str):
            self.fail(f"blocking pair invented: expert {k[1]} for need {k[0]}")
        for k in sorted(set(want_by) & set(got_by), key=str):
            if got_by[k] != want_by[k]:
                self.fail(f"blocking pair {k[1]} for {k[0]}: {got_by[k]}, expected {want_by[k]}")
        if len(got_by) != len(got):
            self.fail("blocking_pairs lists a pair twice")
        elif [key(dict(b)) for b in got] != [key(b) for b in want] and set(got_by) == set(want_by):
            self.fail("blocking_pairs must be sorted by need id, then expert id")

    def _infeasible_v3(self) -> None:
        if self.result["objective"].get(PREFERENCE_STAGE) != {"value": None, "bound": None}:
            self.fail("infeasible result must have objective.preference {value: null, bound: null}")
        if self.result.get("blocking_pairs") != []:
            self.fail("infeasible result must have blocking_pairs []")

    def _infeasible(self) -> None:
        res = self.result
        if res["assignments"]:
            self.fail("infeasible result must assign nothing")
        if res["objective"].get("lead") != [] or res["objective"].get("primary") is not None:
            self.fail("infeasible result must have objective primary null and lead []")
        listed = res.get("conflicting_pins")
        if not isinstance(listed, list) or not listed:
            self.fail("infeasible result must list conflicting_pins")
            return
        pins = {(p.expert, p.need) for p in self.inst.pins}
        for c in listed:
            key = (c.get("expert"), c.get("need"))
            m = re.match(r"rule (\d+)\b", str(c.get("reason", "")))
            if key not in pins:
                self.fail(f"conflicting pin {key} is not a pin of the instance")
            elif not m or not 1 <= int(m.group(1)) <= 11:
                self.fail(f"conflicting pin {key}: reason must name a rule 1 to 11, got {c.get('reason')!r}")
            elif not self._pin_breaks(key, int(m.group(1))):
                self.fail(f"conflicting pin {key}: does not break rule {m.group(1)}")

    def _pin_breaks(self, key: tuple[str, str], rule: int) -> bool:
        """Whether pin `key` is at fault for `rule`, alone or with the other pins."""
        inst = self.inst
        ex, need = self.experts[key[0]], self.needs[key[1]]
        if rule <= 8:
            return not self.rules.holds(rule, ex, need)
        mine = {p.need: p for p in inst.pins if p.expert == ex.id}
        for p in inst.pins:
            if p.expert == ex.id and p.weekdays is not None:
                mine[p.need] = p
        needs = [self.needs[n] for n in mine]
        if rule == 9:
            return (len({p.expert for p in inst.pins if p.need == need.id}) > 1
                    or len(mine) > ex.max_engagements)
        if rule == 10:
            return sum(n.days_per_year for n in needs) > ex.capacity_days
        items = []
        for n in needs:
            p = mine[n.id]
            if p.weekdays is not None:
                if n.weekly_days == 0 and p.weekdays and n.id == need.id:
                    return True
                if n.weekly_days and (bin(p.weekdays).count("1") != n.weekly_days
                                      or p.weekdays & ~(ex.weekdays & n.weekdays)) and n.id == need.id:
                    return True
            if n.weekly_days:
                items.append((p.weekdays if p.weekdays is not None else ex.weekdays & n.weekdays, n.weekly_days))
        return not _weekdays_fit(items)


def spec_blocking_pairs(inst: Instance, rules: Rules, held: list[tuple[Expert, Need, list[str]]]) -> list[dict]:
    """The spec's blocking pairs, transcribed rule by rule (version 3, Result): `held` lists the result's
    assignments as (expert, need, weekdays as written). Only pairs with L_e >= 1 can meet rule 3, so only the
    expert side's wishes are walked."""
    pinned_or_fixed = {(p.expert, p.need) for p in inst.pins}
    holder = {need.id: ex.id for ex, need, _ in held}
    mine: dict[str, list[tuple[Need, list[str]]]] = defaultdict(list)
    for ex, need, days in held:
        mine[ex.id].append((need, days))

    def l_m(e_id, r_id) -> int:
        return 0 if e_id is None else inst.pref_m.get((inst.expert_index[e_id], inst.need_index[r_id]), 0)

    def l_e(e_id, r_id) -> int:
        return inst.pref_e.get((inst.expert_index[e_id], inst.need_index[r_id]), 0)

    def fits(ex: Expert, r: Need, assignments: list[tuple[Need, list[str]]]) -> bool:
        """3a: one more engagement, the days and, for a weekly r, r.weekly_days free shared weekdays."""
        if len(assignments) + 1 > ex.max_engagements:
            return False
        if sum(n.days_per_year for n, _ in assignments) + r.days_per_year > ex.capacity_days:
            return False
        if r.weekly_days > 0:
            named = {d for _, days in assignments for d in days}
            free = [d for d in WEEKDAYS if ex.weekdays & WEEKDAY_BIT[d] and r.weekdays & WEEKDAY_BIT[d]
                    and d not in named]
            if len(free) < r.weekly_days:
                return False
        return True

    out = []
    for (e, k), level in inst.pref_e.items():
        ex, r = inst.experts[e], inst.needs[k]
        if level < 1:
            continue
        # 1. not assigned to r, rules 1-8 allow it, r's assignment is not a pin or a fixed assignment
        a_r = holder.get(r.id)
        if a_r == ex.id or rules.broken(ex, r) or (a_r is not None and (a_r, r.id) in pinned_or_fixed):
            continue
        # 2. the municipality side prefers e for r
        if not l_m(ex.id, r.id) > l_m(a_r, r.id):
            continue
        # 3a. e can take r as the result stands; else 3b. one need released
        released = None
        if not fits(ex, r, mine[ex.id]):
            options = []
            for r2, _ in mine[ex.id]:
                if (ex.id, r2.id) in pinned_or_fixed or not l_e(ex.id, r2.id) < l_e(ex.id, r.id):
                    continue
                if fits(ex, r, [(n, d) for n, d in mine[ex.id] if n.id != r2.id]):
                    options.append((l_e(ex.id, r2.id), r2.id))
            if not options:
                continue
            released = min(options)[1]
        out.append({"expert": ex.id, "need": r.id, "municipality_level": l_m(ex.id, r.id),
                    "expert_level": l_e(ex.id, r.id), "assigned_expert": a_r, "released_need": released})
    return sorted(out, key=lambda b: (b["need"], b["expert"]))


def _is_int(v) -> bool:
    return isinstance(v, int) and not isinstance(v, bool)


def _is_number(v) -> bool:
    return isinstance(v, (int, float)) and not isinstance(v, bool)


def validate_result(instance, result: Mapping) -> list[str]:
    """Problems found in `result` for `instance` (dict, path or Instance); empty means valid."""
    return _Check(load_instance(instance), result).run()
