"""Realistic kenmu instances from the real municipal register (fixtures/municipalities.csv).

This module owns the synthetic distributions (documented in docs/matching.md, section
"Generator"): work patterns after the survey (週1日 32.8%, 週2–3日 24.3%, 月1日 16.1%, the rest a few
days a year), fees of 140–696万円 a year for one day a week (daily rate ≈ fee / 48), skills by
role, employment forms, vendors, procurements and affiliations. Everything is drawn from one
`random.Random(seed)`: the same arguments give the same instance, byte for byte. A version 2
instance is the version 1 instance of the same seed plus the new fields (offered fees, on-site days,
the travel rate, the lead), drawn from a second generator so that the two differ in nothing else. A version 3
instance is the version 2 instance of the same seed plus the wishes of both sides (`preferences`), from a third.
"""

from __future__ import annotations

import csv
import datetime as dt
import math
import random
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from .eligibility import candidates
from .loading import load_instance
from .model import DEFAULT_LEAD, EMPLOYMENT_FORMS, INSTANCE_FORMAT_V3, INSTANCE_FORMATS, WEEKDAYS

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SKILLS = ("planning", "procurement", "security", "network", "data", "ai_rpa", "standardization", "bpr",
          "training", "strategy")
REGIONS = {
    "hokkaido": ["01"], "tohoku": ["02", "03", "04", "05", "06", "07"],
    "kanto": ["08", "09", "10", "11", "12", "13", "14"],
    "chubu": ["15", "16", "17", "18", "19", "20", "21", "22", "23"],
    "kinki": ["24", "25", "26", "27", "28", "29", "30"], "chugoku": ["31", "32", "33", "34", "35"],
    "shikoku": ["36", "37", "38", "39"], "kyushu": ["40", "41", "42", "43", "44", "45", "46", "47"],
}
REGION_OF = {p: r for r, ps in REGIONS.items() for p in ps}
ROLE_SKILLS = {
    "cio_adviser": ("planning", "strategy", "procurement", "bpr", "standardization"),
    "ciso_adviser": ("security", "network", "training"),
    "dx_supporter": ("data", "ai_rpa", "bpr", "training", "standardization"),
    "other": SKILLS,
}
# Survey work patterns: share, kind, days. "few" = a few days a year (not weekly, no weekdays).
PATTERNS = ((0.328, "weekly", 1), (0.243, "weekly", 2), (0.0, "weekly", 3), (0.161, "monthly", 1),
            (0.268, "few", 0))
FEE_MIN, FEE_MAX = 1_400_000, 6_960_000  # yen a year for one day a week
# Version 2: a municipality's offered fee, yen a year per weekly day (or for a post of a few days a year).
OFFER_MIN, OFFER_MAX = 1_000_000, 7_000_000
OFFERED_SHARE = 0.75          # needs with an offered fee; the others pay the expert's daily rate
TRAVEL_YEN_PER_KM = 37        # the usual rate for a private car on official business
# Version 3 wishes. A municipality that states wishes names one first choice (第一希望) in most cases and a few
# 希望 / 可 among the experts eligible for its need; an expert that states interest names a few needs it is eligible
# for, one of them (often) first.
WISHING_SHARE = 0.8       # needs whose municipality states wishes
FIRST_CHOICE_SHARE = 0.85  # of those, the share that names a first choice
INTERESTED_SHARE = 0.6    # experts who state interest in some needs
ONSITE_SHARES = (1.0, 0.5, 0.25)  # share of days_per_year worked on site, for needs that require it


@dataclass(frozen=True)
class Municipality:
    code: str
    prefecture: str
    kind: str
    population: int
    lat: float
    lon: float


@dataclass(frozen=True)
class Scale:
    """needs_per_municipality: expected needs; experts_per_need; pool shares serve the country / region."""

    needs_per_municipality: float
    experts_per_need: float
    national_share: float = 0.0
    region_share: float = 0.0
    neighbour_share: float = 0.35


SCALES = {
    "prefecture": Scale(1.1, 0.65),
    "region": Scale(0.63, 0.64),
    "national": Scale(0.63, 0.64),
    "national-pool": Scale(0.63, 0.64, national_share=0.10, region_share=0.30),
    "national-x10": Scale(3.0, 0.957, national_share=0.05, region_share=0.15),
}


@lru_cache(maxsize=1)
def municipalities() -> tuple[Municipality, ...]:
    with open(FIXTURES / "municipalities.csv", encoding="utf-8") as f:
        return tuple(Municipality(row["code"], row["prefecture_code"], row["kind"], int(row["population"] or 0),
                                  float(row["lat"]), float(row["lon"])) for row in csv.DictReader(f))


def _km(a: tuple[float, float], b: tuple[float, float]) -> float:
    la1, lo1, la2, lo2 = map(math.radians, (*a, *b))
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin((lo2 - lo1) / 2) ** 2
    return 2 * 6371.0 * math.asin(min(1.0, math.sqrt(h)))


@lru_cache(maxsize=1)
def neighbours() -> dict[str, tuple[str, ...]]:
    """Approximate neighbouring prefectures: the 3 nearest population-weighted centroids within 250 km."""
    acc: dict[str, list[float]] = {}
    for m in municipalities():
        a = acc.setdefault(m.prefecture, [0.0, 0.0, 0.0])
        w = max(1, m.population)
        a[0] += w * m.lat
        a[1] += w * m.lon
        a[2] += w
    centre = {p: (a[0] / a[2], a[1] / a[2]) for p, a in acc.items()}
    out = {}
    for p, c in centre.items():
        near = sorted((_km(c, c2), q) for q, c2 in centre.items() if q != p)
        out[p] = tuple(sorted(q for d, q in near[:3] if d < 250) or [near[0][1]])
    return out


class _Gen:
    def __init__(self, scale: Scale, munis: list[Municipality], seed: int):
        self.scale, self.munis, self.rng = scale, munis, random.Random(seed)
        self.prefs = sorted({m.prefecture for m in munis})
        self.vendors = [f"V{i:03d}" for i in range(1, 21 + 8 * len({REGION_OF[p] for p in self.prefs}) + 1)]
        self.vendor_region = {v: (None if i < 20 else sorted({REGION_OF[p] for p in self.prefs})[(i - 20) % len(
            {REGION_OF[p] for p in self.prefs})]) for i, v in enumerate(self.vendors)}

    def _vendor_for(self, prefecture: str) -> str:
        local = [v for v, r in self.vendor_region.items() if r == REGION_OF[prefecture]]
        pool = local if local and self.rng.random() < 0.6 else self.vendors[:20]
        return self.rng.choice(pool)

    def _skills(self, role: str, n: int, lo: int, hi: int) -> dict[str, int]:
        names = self.rng.sample(ROLE_SKILLS[role], min(n, len(ROLE_SKILLS[role])))
        return {s: self.rng.randint(lo, hi) for s in sorted(names)}

    def _pattern(self) -> tuple[int, int]:
        """(days_per_year, weekly_days) after the survey shares."""
        x, acc = self.rng.random(), 0.0
        for share, kind, k in PATTERNS:
            acc += share
            if x < acc:
                if kind == "weekly":
                    k = k if k == 1 else self.rng.choice((2, 2, 3))
                    return 48 * k, k
                if kind == "monthly":
                    return 12 * k, 0
                break
        return self.rng.choice((3, 4, 6, 8)), 0

    def _daily_rate(self) -> int:
        """A yearly fee for one day a week in 140–696万円 (skewed to the low end), divided by 48."""
        fee = FEE_MIN + (FEE_MAX - FEE_MIN) * self.rng.betavariate(1.6, 3.2)
        return int(round(fee / 48, -2))

    def need(self, i: int, m: Municipality) -> dict:
        rng = self.rng
        role = rng.choices(list(ROLE_SKILLS), weights=(40, 15, 35, 10))[0]
        days, weekly = self._pattern()
        weekdays = list(WEEKDAYS[:5]) if rng.random() < 0.75 else sorted(
            rng.sample(WEEKDAYS[:5], max(weekly, rng.randint(2, 3))), key=WEEKDAYS.index)
        small = m.kind in ("町", "村")
        rate = self._daily_rate() * (0.85 if small else 1.1) * rng.uniform(0.8, 1.5)
        forms = sorted(rng.sample(EMPLOYMENT_FORMS, rng.choices((1, 2, 3), weights=(3, 4, 2))[0]),
                       key=EMPLOYMENT_FORMS.index)
        required = self._skills(role, rng.choices((0, 1, 2), weights=(2, 5, 3))[0], 1, 3)
        desired = {s: v for s, v in self._skills(role, rng.randint(1, 3), 1, 3).items() if s not in required}
        return {
            "id": f"N{i:05d}", "municipality": m.code, "prefecture": m.prefecture, "role": role,
            "days_per_year": days, "weekly_days": weekly, "weekdays": weekdays if weekly else [],
            "onsite_required": rng.random() < (0.45 if small else 0.3),
            "budget": int(round(rate * days, -4)), "required_skills": required, "desired_skills": desired,
            "employment_forms": forms, "priority": rng.choices((1, 2, 3, 4, 5), weights=(10, 20, 35, 22, 13))[0],
            "current_expert": None, "replacement_requested": False,
            "location": {"lat": m.lat, "lon": m.lon},
        }

    def expert(self, i: int, home: Municipality) -> dict:
        rng, scale = self.rng, self.scale
        p = home.prefecture
        x = rng.random()
        if x < scale.national_share:
            serves = sorted(REGION_OF)
        elif x < scale.national_share + scale.region_share:
            serves = sorted(REGIONS[REGION_OF[p]])
        else:
            serves = sorted({p, *(neighbours()[p] if rng.random() < scale.neighbour_share else ())})
        onsite = sorted({p, *(q for q in neighbours()[p] if q in serves and rng.random() < 0.5)})
        n_days = rng.choices((1, 2, 3, 4, 5), weights=(15, 30, 25, 15, 15))[0]
        weekdays = sorted(rng.sample(WEEKDAYS[:5], n_days), key=WEEKDAYS.index)
        if rng.random() < 0.05:
            weekdays.append("sat")
        role = rng.choice(list(ROLE_SKILLS))
        skills = self._skills(role, rng.randint(2, 4), 1, 3)
        skills.update({s: lvl for s, lvl in self._skills("other", rng.randint(0, 2), 1, 2).items() if s not in skills})
        affiliations = []
        if rng.random() < 0.35:
            affiliations.append({"vendor": self._vendor_for(p), "relation": rng.choice(("employee", "side_job"))})
        if rng.random() < 0.15:
            ended = dt.date(2023, 4, 1) + dt.timedelta(days=rng.randint(0, 4 * 365))
            affiliations.append({"vendor": self._vendor_for(p), "relation": "former_employee",
                                 "ended_on": ended.isoformat()})
        affiliations = list({a["vendor"] + a["relation"]: a for a in affiliations}.values())
        return {
            "id": f"E{i:04d}", "serves_prefectures": serves, "onsite_prefectures": onsite,
            "capacity_days": 48 * n_days + rng.choice((0, 0, 12, 24)), "weekdays": weekdays,
            "max_engagements": rng.choices((1, 2, 3, 4, 5), weights=(10, 25, 35, 20, 10))[0],
            "daily_rate": self._daily_rate(), "skills": dict(sorted(skills.items())),
            "employment_forms": sorted(rng.sample(EMPLOYMENT_FORMS, rng.choices((1, 2, 3), weights=(3, 4, 2))[0]),
                                       key=EMPLOYMENT_FORMS.index),
            "affiliations": affiliations, "confidentiality_pledge": rng.random() < 0.7,
            "home": {"lat": home.lat, "lon": home.lon},
        }

    def procurements(self, munis: list[Municipality]) -> list[dict]:
        out = []
        for m in munis:
            for status, share in (("ongoing", 0.7), ("planned", 0.35), ("ongoing", 0.2)):
                if self.rng.random() < share:
                    out.append({"id": f"P{len(out) + 1:05d}", "municipality": m.code,
                                "category": self.rng.choice(("planning_support", "design_development",
                                                             "operations", "audit")),
                                "status": status,
                                "incumbent_vendor": self._vendor_for(m.prefecture) if status == "ongoing" else None})
        return out


def _needs_per(m: Municipality, scale: Scale, rng: random.Random) -> int:
    if scale.needs_per_municipality >= 3:
        return 3
    weight = 1.4 if m.kind in ("政令指定都市", "中核市", "特別区") else 1.0
    n = scale.needs_per_municipality * weight
    return int(n) + (1 if rng.random() < n - int(n) else 0)


def _select(scale_name: str, prefecture: str, region: str) -> list[Municipality]:
    munis = municipalities()
    if scale_name == "prefecture":
        chosen = [m for m in munis if m.prefecture == prefecture]
    elif scale_name == "region":
        if region not in REGIONS:
            raise ValueError(f"unknown region {region!r}; one of {sorted(REGIONS)}")
        chosen = [m for m in munis if m.prefecture in REGIONS[region]]
    else:
        chosen = list(munis)
    if not chosen:
        raise ValueError(f"no municipality in prefecture {prefecture!r}")
    return chosen


def generate(scale_name: str = "prefecture", *, seed: int = 0, prefecture: str = "20", region: str = "chubu",
             fiscal_year: int = 2027, version: int = 1, lead: tuple[str, ...] = DEFAULT_LEAD,
             wishing_share: float = WISHING_SHARE) -> dict:
    """A kenmu.instance/1 dict (or /2 with `version=2`, /3 with `version=3`) at the given scale; deterministic in
    all arguments. `wishing_share` (version 3): the share of needs whose municipality states wishes (1.0: every
    need that has an eligible expert)."""
    scale = SCALES[scale_name]
    munis = _select(scale_name, prefecture, region)
    gen = _Gen(scale, munis, seed)
    rng = gen.rng
    needs = []
    for m in munis:
        for _ in range(_needs_per(m, scale, rng)):
            needs.append(gen.need(len(needs) + 1, m))
    n_experts = max(3, round(len(needs) * scale.experts_per_need))
    weights = [math.sqrt(max(1, m.population)) for m in munis]
    homes = rng.choices(munis, weights=weights, k=n_experts)
    experts = [gen.expert(i + 1, h) for i, h in enumerate(homes)]
    _current_experts(needs, experts, rng)
    procurements = gen.procurements(sorted({m for m in munis if any(n["municipality"] == m.code for n in needs)},
                                           key=lambda m: m.code))
    doc = {
        "format": INSTANCE_FORMATS[0], "fiscal_year": fiscal_year, "cooling_off_days": 730, "time_limit_s": 60,
        "skills": list(SKILLS), "experts": experts, "needs": needs,
        "vendors": [{"id": v, "name": f"Vendor {v}"} for v in gen.vendors],
        "procurements": procurements, "pins": [], "forbids": [], "coi_overrides": _overrides(experts, procurements, rng),
        "generator": {"scale": scale_name, "seed": seed, "prefecture": prefecture if scale_name == "prefecture" else None,
                      "region": region if scale_name == "region" else None},
    }
    if version == 1:
        return doc
    doc = _version2(doc, seed, lead)
    return doc if version == 2 else _version3(doc, seed, wishing_share)


def _version2(doc: dict, seed: int, lead: tuple[str, ...]) -> dict:
    """The new fields of version 2 over a version 1 instance: offered fees of 100万–700万円 a year per weekly
    day (skewed low, rounded to 10,000 yen) for 75% of needs, budgets that hold the offer plus 0–15% for
    travel, on-site days (all, half or a quarter of the days), 37 yen per km, and the lead."""
    rng = random.Random(f"v2-{seed}")
    for n in doc["needs"]:
        if n["onsite_required"]:
            n["onsite_days"] = max(1, round(n["days_per_year"] * rng.choice(ONSITE_SHARES)))
        if rng.random() < OFFERED_SHARE:
            offer = OFFER_MIN + (OFFER_MAX - OFFER_MIN) * rng.betavariate(1.6, 3.2)
            n["offered_fee"] = int(round(offer * max(1, n["weekly_days"]), -4))
            n["budget"] = max(n["budget"] if n["offered_fee"] <= n["budget"] else 0,
                              int(round(n["offered_fee"] * rng.uniform(1.0, 1.15), -4)))
    generator = doc.pop("generator")
    return {**doc, "format": INSTANCE_FORMATS[1], "lead": list(lead), "travel_yen_per_km": TRAVEL_YEN_PER_KM,
            "generator": {**generator, "version": 2}}


def _version3(doc: dict, seed: int, wishing_share: float) -> dict:
    """The wishes of both sides over a version 2 instance, among the pairs rules 1-8 allow: a municipality
    (with probability `wishing_share` per need) names a first choice (85%), 0-2 希望 and 0-2 可; an expert (60%)
    names 1-4 of the needs it may serve: the first at 第一希望 (70%) or 希望, the rest 希望 or 可. Drawn from a
    third generator, so that the instance is the version 2 one of the same seed plus `preferences`."""
    rng = random.Random(f"v3-{seed}")
    inst = load_instance(doc)
    allowed = candidates(inst).experts_of
    prefs: list[dict] = []
    needs_of: dict[int, list[int]] = {}
    for r, experts in enumerate(allowed):
        eligible = experts.tolist()
        for e in eligible:
            needs_of.setdefault(e, []).append(r)
        if not eligible or rng.random() >= wishing_share:
            continue
        levels = ([3] if rng.random() < FIRST_CHOICE_SHARE else []) + [2] * rng.randint(0, 2) + [1] * rng.randint(0, 2)
        for e, level in zip(rng.sample(eligible, min(len(eligible), len(levels))), levels, strict=False):
            prefs.append({"need": inst.needs[r].id, "expert": inst.experts[e].id, "side": "municipality",
                          "level": level})
    for e in sorted(needs_of):
        if rng.random() >= INTERESTED_SHARE:
            continue
        chosen = rng.sample(needs_of[e], min(len(needs_of[e]), rng.randint(1, 4)))
        for k, r in enumerate(chosen):
            level = (3 if rng.random() < 0.7 else 2) if k == 0 else rng.choice((2, 1))
            prefs.append({"need": inst.needs[r].id, "expert": inst.experts[e].id, "side": "expert", "level": level})
    prefs.sort(key=lambda p: (p["need"], p["expert"], p["side"]))
    generator = doc.pop("generator")
    return {**doc, "format": INSTANCE_FORMAT_V3, "preferences": prefs,
            "generator": {**generator, "version": 3, "wishing_share": wishing_share}}


def _current_experts(needs: list[dict], experts: list[dict], rng: random.Random) -> None:
    """About 20% of needs have a current expert serving their prefecture; 15% of those ask for a replacement."""
    by_pref: dict[str, list[str]] = {}
    for e in experts:
        for p in e["serves_prefectures"]:
            by_pref.setdefault(p, []).append(e["id"])
    for n in needs:
        pool = by_pref.get(n["prefecture"])
        if pool and rng.random() < 0.2:
            n["current_expert"] = rng.choice(pool)
            n["replacement_requested"] = rng.random() < 0.15


def _overrides(experts: list[dict], procurements: list[dict], rng: random.Random) -> list[dict]:
    """A few recorded exceptions for experts whose vendor is an incumbent (about 5% of such pairs)."""
    by_vendor: dict[str, list[str]] = {}
    for e in experts:
        for a in e["affiliations"]:
            if a["relation"] in ("employee", "side_job"):
                by_vendor.setdefault(a["vendor"], []).append(e["id"])
    out = {}
    for p in procurements:
        if p["status"] == "ongoing" and p["incumbent_vendor"]:
            for e in by_vendor.get(p["incumbent_vendor"], []):
                if rng.random() < 0.05:
                    out[(e, p["municipality"])] = {"expert": e, "municipality": p["municipality"],
                                                   "reason": "承認済みの例外（調達に関与しない）"}
    return [out[k] for k in sorted(out)]
