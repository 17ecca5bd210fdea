"""The domain model the solver works on: frozen dataclasses built once from a validated instance.

This module owns the vocabulary (weekdays, forms, categories, reasons, flag kinds) and the one
place where ids become indices (`Instance.expert_index`, `Instance.need_index`). It never reads
files and never solves anything.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from enum import StrEnum

INSTANCE_FORMAT = "kenmu.instance/1"
RESULT_FORMAT = "kenmu.result/1"

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

FLAG_KINDS: tuple[str, ...] = ("bid_restriction", "incumbent_conflict_overridden", "former_vendor_notice",
                               "pledge_required")


class Status(StrEnum):
    """Result status of the whole run: about the primary objective only."""

    OPTIMAL = "optimal"
    FEASIBLE = "feasible"
    INFEASIBLE = "infeasible"


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
    employment_forms: frozenset[str]
    priority: int
    current_expert: str | None
    replacement_requested: bool
    location: Point | None = None


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

    def procurements_of(self, municipality: str) -> list[Procurement]:
        return [p for p in self.procurements if p.municipality == municipality]

    def fee(self, e: int, r: int) -> int:
        return self.experts[e].daily_rate * self.needs[r].days_per_year
