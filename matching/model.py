"""The domain model the solver works on: frozen dataclasses built once from a validated instance.

This module owns the vocabulary (weekdays, forms, categories, reasons, flag kinds) and the one
place where ids become indices (`Instance.expert_index`, `Instance.need_index`). It never reads
files and never solves anything.
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass, field
from enum import StrEnum

INSTANCE_FORMAT = "kenmu.instance/2"
RESULT_FORMAT = "kenmu.result/2"  # the answer to an instance of version 1 or 2
# Version 3 (issue 25): wishes from both sides, the `preference` stage after the lead, the blocking-pair report.
INSTANCE_FORMAT_V3 = "kenmu.instance/3"
# Version 1 reads with v2 defaults; version 3 is version 2 with `preferences` (answered with RESULT_FORMAT_V3).
INSTANCE_FORMATS: tuple[str, ...] = ("kenmu.instance/1", "kenmu.instance/2", INSTANCE_FORMAT_V3)
RESULT_FORMAT_V3 = "kenmu.result/3"
PREFERENCE_SIDES: tuple[str, ...] = ("municipality", "expert")
PREFERENCE_LEVELS: tuple[int, ...] = (1, 2, 3)  # 1 可, 2 希望, 3 第一希望; a side that says nothing: 0
PREFERENCE_STAGE = "preference"

WEEKDAYS: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
WEEKDAY_BIT = {d: 1 << i for i, d in enumerate(WEEKDAYS)}
EMPLOYMENT_FORMS: tuple[str, ...] = ("special_part_time", "fixed_term_short", "fiscal_year", "contract", "commission")
ROLES: tuple[str, ...] = ("cio_adviser", "ciso_adviser", "dx_supporter", "other")
RELATIONS: tuple[str, ...] = ("employee", "side_job", "former_employee")
ACTIVE_RELATIONS = frozenset({"employee", "side_job"})
CATEGORIES: tuple[str, ...] = ("planning_support", "design_development", "operations", "audit")
PROCUREMENT_STATUSES: tuple[str, ...] = ("planned", "ongoing")

# Unmatched reasons in the order of the spec: the first rule that leaves a need without experts.
RULE_REASONS: tuple[str, ...] = ("out_of_scope", "no_skill", "no_form", "no_onsite", "no_weekday",
                                 "over_budget", "conflict", "forbidden")
CAPACITY = "capacity"
RULE_NAMES = {1: "scope", 2: "skills", 3: "form", 4: "onsite", 5: "weekdays", 6: "budget", 7: "conflict",
              8: "forbids and replacement", 9: "one expert per need, max_engagements", 10: "capacity",
              11: "weekday schedule"}
# Every reason a result may give for an unmatched need, and the one each hard rule leaves a need unmatched by:
# rules 1-8 each have their own; 9-11 (engagement limit, capacity, weekday clash) are capacity to the engine.
UNMATCHED_REASONS: tuple[str, ...] = (*RULE_REASONS, CAPACITY)
REASON_OF_RULE: dict[int, str] = {rule: RULE_REASONS[rule - 1] if rule <= len(RULE_REASONS) else CAPACITY
                                  for rule in RULE_NAMES}

FLAG_KINDS: tuple[str, ...] = ("bid_restriction", "incumbent_conflict_overridden", "former_vendor_notice",
                               "pledge_required", "form_notice")
# form_notice: 特別職非常勤職員 is for posts that advise (地方公務員法 第3条第3項第3号), not hands-on support work.
FORM_NOTICE_FORM, FORM_NOTICE_ROLE = "special_part_time", "dx_supporter"

# The lead: the criteria solved and proven before everything else, in order (spec, Objective).
LEAD_CRITERIA: tuple[str, ...] = ("priority", "coverage")
ALLOWED_LEADS: tuple[tuple[str, ...], ...] = (("priority",), ("coverage", "priority"))
DEFAULT_LEAD: tuple[str, ...] = ("priority",)

EARTH_RADIUS_KM = 6371.0


class Status(StrEnum):
    """Result status of the whole run: about the primary objective only."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"


def accepted_fee(daily_rate, days_per_year):
    """The least an expert accepts for a need (rule 6): daily_rate x days_per_year. Works elementwise on arrays."""
    return daily_rate * days_per_year


def common_forms(expert_forms, need_forms) -> list[str]:
    """The employment forms both sides accept, in the need's order of preference: rule 3 holds when there is one,
    and an assignment takes the first."""
    return [f for f in need_forms if f in expert_forms]


def weekday_mask(days) -> int:
    mask = 0
    for d in days:
        mask |= WEEKDAY_BIT[d]
    return mask


def mask_weekdays(mask: int) -> list[str]:
    return [d for d in WEEKDAYS if mask & WEEKDAY_BIT[d]]


@dataclass(frozen=True)
class Point:
    lat: float
    lon: float


@dataclass(frozen=True)
class Affiliation:
    vendor: str
    relation: str
    ended_on: dt.date | None = None

    @property
    def active(self) -> bool:
        return self.relation in ACTIVE_RELATIONS


@dataclass(frozen=True)
class Expert:
    id: str
    serves_prefectures: frozenset[str]
    onsite_prefectures: frozenset[str]
    capacity_days: int
    weekdays: int  # bit mask over WEEKDAYS
    max_engagements: int
    daily_rate: int
    skills: dict[str, int]
    employment_forms: frozenset[str]
    affiliations: tuple[Affiliation, ...]
    confidentiality_pledge: bool
    home: Point | None = None

    @property
    def active_vendors(self) -> tuple[str, ...]:
        return tuple(sorted({a.vendor for a in self.affiliations if a.active}))


@dataclass(frozen=True)
class Need:
    id: str
    municipality: str
    prefecture: str
    role: str
    days_per_year: int
    weekly_days: int
    weekdays: int  # bit mask over WEEKDAYS
    onsite_required: bool
    budget: int
    required_skills: dict[str, int]
    desired_skills: dict[str, int]
    employment_forms: tuple[str, ...]  # in the municipality's order of preference, each once
    priority: int
    current_expert: str | None
    replacement_requested: bool
    location: Point | None = None
    offered_fee: int | None = None  # yearly fee the municipality pays; None: the expert's daily_rate x days
    onsite_days: int = 0            # days of days_per_year worked at the municipality


@dataclass(frozen=True)
class Procurement:
    id: str
    municipality: str
    category: str
    status: str
    incumbent_vendor: str | None


@dataclass(frozen=True)
class Pin:
    """A pin, or a fixed engagement when `weekdays` is not None (a pin that also fixes weekdays)."""

    expert: str
    need: str
    weekdays: int | None = None

    @property
    def fixed(self) -> bool:
        return self.weekdays is not None


@dataclass(frozen=True)
class Instance:
    fiscal_year: int
    cooling_off_days: int
    time_limit_s: float | None
    experts: tuple[Expert, ...]
    needs: tuple[Need, ...]
    vendors: tuple[str, ...]
    procurements: tuple[Procurement, ...]
    pins: tuple[Pin, ...]
    forbids: frozenset[tuple[str, str]]
    coi_overrides: frozenset[tuple[str, str]]
    previous: frozenset[tuple[str, str]] = frozenset()
    travel_yen_per_km: int = 0
    lead: tuple[str, ...] = DEFAULT_LEAD
    version: int = 2  # the instance's format version (1 reads as 2); 3 carries preferences
    # Version 3 wishes by (expert index, need index): the municipality side's level L_m and the expert's L_e
    # (1-3; a pair a side said nothing about is absent, level 0).
    pref_m: dict[tuple[int, int], int] = field(default_factory=dict, compare=False)
    pref_e: dict[tuple[int, int], int] = field(default_factory=dict, compare=False)
    expert_index: dict[str, int] = field(default_factory=dict, compare=False)
    need_index: dict[str, int] = field(default_factory=dict, compare=False)

    @staticmethod
    def build(**kwargs) -> Instance:
        experts, needs = kwargs["experts"], kwargs["needs"]
        return Instance(**kwargs, expert_index={e.id: i for i, e in enumerate(experts)},
                        need_index={r.id: i for i, r in enumerate(needs)})

    @property
    def fiscal_start(self) -> dt.date:
        return dt.date(self.fiscal_year, 4, 1)

    def accepted_fee(self, e: int, r: int) -> int:
        """The least the expert accepts for the need: daily_rate x days_per_year."""
        return accepted_fee(self.experts[e].daily_rate, self.needs[r].days_per_year)

    def fee(self, e: int, r: int) -> int:
        """fee(e, r): the need's offered_fee when set, else what the expert asks."""
        offered = self.needs[r].offered_fee
        return offered if offered is not None else self.accepted_fee(e, r)

    def travel_cost(self, e: int, r: int) -> int:
        """travel_cost(e, r) = onsite_days x floor(2 km x travel_yen_per_km + 0.5): a round trip per onsite day."""
        ex, need = self.experts[e], self.needs[r]
        if not self.travel_yen_per_km or not need.onsite_days or ex.home is None or need.location is None:
            return 0
        return need.onsite_days * math.floor(2 * km(ex.home, need.location) * self.travel_yen_per_km + 0.5)

    @property
    def result_format(self) -> str:
        return RESULT_FORMAT_V3 if self.version >= 3 else RESULT_FORMAT

    def preference(self, e: int, r: int) -> int:
        """L_m(e, r) + L_e(e, r): the pair's term in the preference stage (0 below version 3)."""
        return self.pref_m.get((e, r), 0) + self.pref_e.get((e, r), 0)

    def employment_form(self, e: int, r: int) -> str | None:
        """The first form of the need's order of preference that the expert also holds."""
        return next(iter(common_forms(self.experts[e].employment_forms, self.needs[r].employment_forms)), None)


def km(a: Point, b: Point) -> float:
    """Great-circle distance by the haversine formula, R = 6371.0 km, in double precision."""
    la1, lo1, la2, lo2 = map(math.radians, (a.lat, a.lon, b.lat, b.lon))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * EARTH_RADIUS_KM * math.asin(min(1.0, math.sqrt(h)))


def assignment_record(inst: Instance, e: int, r: int, weekdays: int) -> dict:
    """One entry of a result's `assignments`."""
    need = inst.needs[r]
    record = {"need": need.id, "expert": inst.experts[e].id, "weekdays": mask_weekdays(weekdays),
              "days_per_year": need.days_per_year, "fee": inst.fee(e, r), "travel_cost": inst.travel_cost(e, r),
              "employment_form": inst.employment_form(e, r)}
    if inst.version >= 3:
        record["preference"] = {"municipality": inst.pref_m.get((e, r), 0), "expert": inst.pref_e.get((e, r), 0)}
    return record
