"""Builds the `kenmu.instance/3` document the engine reads (../shared/spec/exchange-format.md): from the database
rows of needs, experts, vendors and procurements, the engagements already held and the exceptions in force
(backend.engagements), a run's pins, forbids and previous proposals (backend.runs), and both sides' wishes and vetoes
(backend.wishes, read by backend.placement.preferences).

This module owns the mapping from database rows to the exchange format's fields; the ids are backend.runs.refs'.
The row conversions (`instance_document`, `expert_document`, `need_document`, `holding_document`,
`procurement_document`) serve approval too (backend.placement.rules). It only reads; it never writes.
"""

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Prefetch

import matching
from backend.core.choices import Skill
from backend.engagements.selectors import (
    coi_overrides_in_force_for_instance,
    engagement_holdings_for_instance,
)
from backend.engagements.terms import amounts_in_year, successor_terms
from backend.experts.commitments import commitments_by_expert, expert_less_commitments
from backend.experts.models import Affiliation, Expert
from backend.geo.selectors import prefecture_setting
from backend.needs.models import Need, NeedStatus
from backend.placement.preferences import preference_documents, veto_forbids
from backend.procurement.models import Procurement, Vendor
from backend.runs.models import DecisionKind, MatchRun, PairDecision
from backend.runs.params import RunParams
from backend.runs.refs import expert_ref, need_ref, parse_ref, procurement_ref, vendor_ref
from backend.runs.scope import run_previous

FORMAT = matching.INSTANCE_FORMAT_V3
DEFAULT_COOLING_OFF_DAYS = 730


@dataclass(frozen=True)
class InstanceOptions:
    """What a run adds to the database state: pins, forbids, overrides, fixed engagements."""

    time_limit_s: int = matching.DEFAULT_TIME_LIMIT_S
    cooling_off_days: int = DEFAULT_COOLING_OFF_DAYS
    pins: tuple[tuple[int, int], ...] = ()
    forbids: tuple[tuple[int, int], ...] = ()
    coi_overrides: tuple[tuple[int, str, str], ...] = ()  # (expert pk, municipality code, reason)
    travel_yen_per_km: int = 0
    lead: tuple[str, ...] = matching.DEFAULT_LEAD


def _experts(prefecture_codes: list[str]) -> list[Expert]:
    return list(
        Expert.objects.filter(listed=True, serves_prefectures__in=prefecture_codes)
        .distinct()
        .select_related("home_municipality")
        .prefetch_related(
            "skills", "serves_prefectures", "onsite_prefectures",
            Prefetch("affiliations", queryset=Affiliation.objects.order_by("vendor_id", "relation")),
        )
        .order_by("id")
    )


def _needs(prefecture_codes: list[str], fiscal_year: int) -> list[Need]:
    return list(
        Need.objects.filter(
            municipality__prefecture_id__in=prefecture_codes, fiscal_year=fiscal_year, status=NeedStatus.OPEN
        )
        .select_related("municipality")
        .prefetch_related("skills")
        .order_by("id")
    )


def expert_document(expert: Expert) -> dict:
    doc = {
        "id": expert_ref(expert.pk),
        "name": expert.name,
        "serves_prefectures": sorted(p.code for p in expert.serves_prefectures.all()),
        "onsite_prefectures": sorted(p.code for p in expert.onsite_prefectures.all()),
        "capacity_days": expert.capacity_days,
        "weekdays": list(expert.weekdays),
        "max_engagements": expert.max_engagements,
        "daily_rate": expert.daily_rate,
        "skills": {s.skill: s.level for s in expert.skills.all()},
        "employment_forms": list(expert.employment_forms),
        "affiliations": [
            {"vendor": vendor_ref(a.vendor_id), "relation": a.relation,
             **({"ended_on": a.ended_on.isoformat()} if a.ended_on else {})}
            for a in expert.affiliations.all()
        ],
        "confidentiality_pledge": expert.pool_pledge_signed_on is not None,
    }
    if expert.home_municipality is not None:
        doc["home"] = {"lat": expert.home_municipality.lat, "lon": expert.home_municipality.lon}
    return doc


def need_document(need: Need) -> dict:
    skills = list(need.skills.all())
    doc = {
        "id": need_ref(need.pk),
        "municipality": need.municipality_id,
        "prefecture": need.municipality.prefecture_id,
        "role": need.role,
        "days_per_year": need.days_per_year,
        "weekly_days": need.weekly_days,
        "weekdays": list(need.weekdays),
        "onsite_required": need.onsite_required,
        "onsite_days": need.onsite_days,
        "budget": need.budget,
        "required_skills": {s.skill: s.level for s in skills if s.required},
        "desired_skills": {s.skill: s.level for s in skills if not s.required},
        "employment_forms": list(need.employment_forms),
        # The coordinator's adjustment, when there is one, is the priority the engine weighs.
        "priority": need.adjusted_priority or need.priority,
        # A confirmed renewal keeps its expert unless a rule or the expert says otherwise.
        "current_expert": expert_ref(need.current_expert_id) if need.current_expert_id else None,
        "replacement_requested": False,
        "location": {"lat": need.municipality.lat, "lon": need.municipality.lon},
    }
    if need.offered_fee is not None:
        doc["offered_fee"] = need.offered_fee
    return doc


def _procurements(municipality_codes: Iterable[str]) -> list[Procurement]:
    return list(Procurement.objects.filter(municipality_id__in=set(municipality_codes)).order_by("id"))


def _holdings(expert_ids: list[int], fiscal_year: int) -> dict[int, list]:
    """Engagements already offered or active in this fiscal year, by expert: those of earlier years whose term
    runs into it too (a multi-year 任期付短時間職員 is fixed in every year it covers)."""
    by_expert: dict[int, list] = {}
    for engagement in engagement_holdings_for_instance(expert_ids=expert_ids, fiscal_year=fiscal_year):
        by_expert.setdefault(engagement.expert_id, []).append(engagement)
    return by_expert


def holding_document(engagement, *, fiscal_year: int) -> dict:
    """What an engagement already held takes from its expert in `fiscal_year`: its days there (an engagement of
    an earlier year, the months of its term in this one) and its weekdays."""
    return {"days_per_year": amounts_in_year(engagement, fiscal_year)["days_per_year"],
            "weekdays": list(engagement.weekdays or [])}


def procurement_document(procurement: Procurement) -> dict:
    p = procurement
    return {"id": procurement_ref(p.pk), "municipality": p.municipality_id, "category": p.category, "status": p.status,
            "incumbent_vendor": vendor_ref(p.incumbent_vendor_id) if p.incumbent_vendor_id else None}


def _remaining(doc: dict, holdings: list, fiscal_year: int, commitments: list | None = None) -> dict:
    """What an expert has left once the approved engagements took their days and weekdays, and their
    commitments elsewhere that year theirs (issue 25: the same function as the approval's check)."""
    doc = expert_less_commitments(doc, commitments or [])
    held = [holding_document(e, fiscal_year=fiscal_year) for e in holdings]
    taken_days = {d for h in held for d in h["weekdays"]}
    return {
        **doc,
        "capacity_days": max(0, doc["capacity_days"] - sum(h["days_per_year"] for h in held)),
        "max_engagements": max(0, doc["max_engagements"] - len(held)),
        "weekdays": [d for d in doc["weekdays"] if d not in taken_days],
    }


def instance_build(*, prefecture_codes: list[str], fiscal_year: int,
                   options: InstanceOptions = InstanceOptions(), needs: list[Need] | None = None) -> dict:
    """The instance for the open needs of these prefectures in this fiscal year.

    Approved engagements stay fixed: their days, weekdays and engagement slots are taken from
    the experts before the solver sees them.
    """
    experts = _experts(prefecture_codes)
    needs = _needs(prefecture_codes, fiscal_year) if needs is None else needs
    holdings = _holdings([e.pk for e in experts], fiscal_year)
    commitments = commitments_by_expert(expert_ids=[e.pk for e in experts], fiscal_year=fiscal_year)
    procurements = _procurements(n.municipality_id for n in needs)
    return instance_document(fiscal_year=fiscal_year, options=options, procurements=procurements,
                             experts=[_remaining(expert_document(e), holdings.get(e.pk, []), fiscal_year,
                                                 commitments.get(e.pk))
                                      for e in experts],
                             needs=[need_document(n) for n in needs])


def instance_document(*, fiscal_year: int, options: InstanceOptions, experts: list[dict], needs: list[dict],
                      procurements: list[Procurement], preferences: list[dict] | None = None,
                      vetoes: list[dict] | None = None) -> dict:
    """The instance of these expert and need documents, with the procurements, the vendors they and the experts
    name, the options' pins, forbids and overrides, both sides' wishes (`preferences`) and the vetoes in force
    (forbids naming who vetoed, when and why)."""
    vendor_ids = {parse_ref(a["vendor"]) for e in experts for a in e["affiliations"]}
    vendor_ids |= {p.incumbent_vendor_id for p in procurements if p.incumbent_vendor_id}
    vendors = Vendor.objects.filter(pk__in=vendor_ids).order_by("id")
    return {
        "format": FORMAT,
        "fiscal_year": fiscal_year,
        "cooling_off_days": options.cooling_off_days,
        "time_limit_s": options.time_limit_s,
        "lead": list(options.lead),
        "travel_yen_per_km": options.travel_yen_per_km,
        "skills": list(Skill.values),
        "experts": experts,
        "needs": needs,
        "vendors": [{"id": vendor_ref(v.pk), "name": v.name} for v in vendors],
        "procurements": [procurement_document(p) for p in procurements],
        "pins": [{"expert": expert_ref(e), "need": need_ref(n)} for e, n in options.pins],
        "forbids": [{"expert": expert_ref(e), "need": need_ref(n)} for e, n in options.forbids] + list(vetoes or []),
        "coi_overrides": [{"expert": expert_ref(e), "municipality": m, "reason": r}
                          for e, m, r in options.coi_overrides],
        "preferences": list(preferences or []),
    }


# -- the instance a run solves: the one builder (the worker and `manage.py export_instance` both use it) ------

def scope_instance(*, prefecture_codes: list[str], fiscal_year: int, time_limit_s: int = matching.DEFAULT_TIME_LIMIT_S,
                   replacement=None, previous_run=None, run_by: str | None = None,
                   lead: tuple[str, ...] = matching.DEFAULT_LEAD) -> dict:
    """The instance for these prefectures and fiscal year as a run would solve it today: open needs (or the
    one need of a replacement, with what is left of it), experts less what they already hold (fixed
    engagements), the coordinators' pins and forbids (declines included), the exceptions in force, and
    what the previous run of the same scope proposed. Travel is reimbursed at the rate of the prefecture
    that runs the match (`run_by`, by default the first of the scope); `lead` is the run's lead."""
    needs = [replacement.engagement.need] if replacement is not None else None
    decisions = PairDecision.objects.filter(need__municipality__prefecture_id__in=prefecture_codes,
                                            need__fiscal_year=fiscal_year)
    overrides = coi_overrides_in_force_for_instance(fiscal_year=fiscal_year, prefecture_codes=prefecture_codes)
    options = InstanceOptions(
        time_limit_s=time_limit_s,
        pins=tuple((d.expert_id, d.need_id) for d in decisions if d.kind == DecisionKind.PIN),
        forbids=tuple((d.expert_id, d.need_id) for d in decisions if d.kind == DecisionKind.FORBID),
        coi_overrides=tuple((o.expert_id, o.municipality_id, o.reason) for o in overrides),
        travel_yen_per_km=prefecture_setting(code=run_by or prefecture_codes[0]).travel_yen_per_km,
        lead=lead,
    )
    instance = instance_build(prefecture_codes=prefecture_codes, fiscal_year=fiscal_year, options=options,
                              needs=needs)
    _add_wishes_and_vetoes(instance)
    if replacement is not None:
        (need_doc,) = instance["needs"]
        current = replacement.engagement
        need_doc["current_expert"] = expert_ref(current.expert_id)
        need_doc["replacement_requested"] = True
        need_doc.update(successor_terms(current))
    previous_result = (previous_run.result or {}) if previous_run else {}  # one read of the deferred result
    instance["previous_assignments"] = [{"expert": a["expert"], "need": a["need"]}
                                        for a in previous_result.get("assignments", [])]
    _drop_dangling_decisions(instance)
    return instance


def run_instance(run: MatchRun) -> dict:
    """The instance this run solves (its scope, fiscal year, parameters and replacement; a second round's run,
    only the needs its round published that are still open)."""
    params = RunParams.from_stored(run.params)
    instance = scope_instance(prefecture_codes=run.scope, fiscal_year=run.fiscal_year, time_limit_s=params.time_limit_s,
                          replacement=run.replacement if run.replacement_id else None,
                          previous_run=run_previous(scope_key=run.scope_key, before=run.created_at),
                          run_by=run.prefecture_id, lead=params.lead)
    if run.round_id:
        _only_round_needs(instance, run.round)
    return instance


# -- the second round (二次調整, issue 25) ------------------------------------------------------------------------

def _only_round_needs(instance: dict, round) -> None:  # noqa: A002
    """Narrow a run's instance to the round's published needs (the open ones: the instance has no other), and
    every list that names a need (pins, forbids, previous assignments, preferences ...) to those needs. The
    experts keep what they have left: every approved engagement stays fixed, as in any run."""
    published = {need_ref(pk) for pk in round.needs.values_list("pk", flat=True)}
    instance["needs"] = [n for n in instance["needs"] if n["id"] in published]
    kept = {n["id"] for n in instance["needs"]}
    for key, value in instance.items():
        if key != "needs" and isinstance(value, list):
            instance[key] = [v for v in value if not (isinstance(v, dict) and "need" in v and v["need"] not in kept)]
    municipalities = {n["municipality"] for n in instance["needs"]}
    instance["procurements"] = [p for p in instance["procurements"] if p["municipality"] in municipalities]


def _add_wishes_and_vetoes(instance: dict) -> None:
    """Both sides' say about the pairs of this instance: wishes as `preferences`, vetoes in force as forbids."""
    expert_refs = {e["id"] for e in instance["experts"]}
    instance["preferences"] = preference_documents(need_refs={n["id"] for n in instance["needs"]},
                                                   expert_refs=expert_refs)
    instance["forbids"] += veto_forbids(needs=instance["needs"], expert_refs=expert_refs)


def _drop_dangling_decisions(instance: dict) -> None:
    """Decisions on needs or experts outside this instance (filled needs, retired experts) do not apply."""
    experts = {e["id"] for e in instance["experts"]}
    needs = {n["id"] for n in instance["needs"]}
    for key in ("pins", "forbids", "preferences"):
        instance[key] = [d for d in instance.get(key, []) if d["expert"] in experts and d["need"] in needs]
    instance["coi_overrides"] = [o for o in instance["coi_overrides"] if o["expert"] in experts]
    instance["previous_assignments"] = [p for p in instance.get("previous_assignments", [])
                                        if p["expert"] in experts and p["need"] in needs]
    for need in instance["needs"]:  # a renewal's expert who has left the pool is nobody's current expert
        if need.get("current_expert") not in experts:
            need["current_expert"] = None
