"""Builds the `kenmu.instance/1` document the solver reads (../shared/spec/exchange-format.md).

This module owns the mapping from database rows to exchange-format ids and fields. Ids are
prefixed primary keys (E12, N7, V3, P40) so that a result can always be traced back.
It only reads; it never writes.
"""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Prefetch

from backend.core.choices import Skill
from backend.experts.models import Affiliation, Expert
from backend.needs.models import Need, NeedStatus
from backend.procurement.models import Procurement, Vendor

FORMAT = "kenmu.instance/1"
DEFAULT_COOLING_OFF_DAYS = 730
DEFAULT_TIME_LIMIT_S = 30


def expert_ref(pk: int) -> str:
    return f"E{pk}"


def need_ref(pk: int) -> str:
    return f"N{pk}"


def vendor_ref(pk: int) -> str:
    return f"V{pk}"


def procurement_ref(pk: int) -> str:
    return f"P{pk}"


def parse_ref(ref: str) -> int:
    return int(ref[1:])


@dataclass(frozen=True)
class InstanceOptions:
    """What a run adds to the database state: pins, forbids, overrides, fixed engagements."""

    time_limit_s: int = DEFAULT_TIME_LIMIT_S
    cooling_off_days: int = DEFAULT_COOLING_OFF_DAYS
    pins: tuple[tuple[int, int], ...] = ()
    forbids: tuple[tuple[int, int], ...] = ()
    coi_overrides: tuple[tuple[int, str, str], ...] = ()  # (expert pk, municipality code, reason)
    extra: dict = field(default_factory=dict)


def _experts(prefecture_codes: list[str]) -> list[Expert]:
    return list(
        Expert.objects.filter(active=True, serves_prefectures__in=prefecture_codes)
        .distinct()
        .select_related("base_municipality")
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
        "confidentiality_pledge": expert.pledge_signed_on is not None,
    }
    if expert.base_municipality is not None:
        doc["home"] = {"lat": expert.base_municipality.lat, "lon": expert.base_municipality.lon}
    return doc


def need_document(need: Need) -> dict:
    skills = list(need.skills.all())
    return {
        "id": need_ref(need.pk),
        "municipality": need.municipality_id,
        "prefecture": need.municipality.prefecture_id,
        "role": need.role,
        "days_per_year": need.days_per_year,
        "weekly_days": need.weekly_days,
        "weekdays": list(need.weekdays),
        "onsite_required": need.onsite_required,
        "budget": need.budget,
        "required_skills": {s.skill: s.level for s in skills if s.required},
        "desired_skills": {s.skill: s.level for s in skills if not s.required},
        "employment_forms": list(need.employment_forms),
        "priority": need.priority,
        "current_expert": None,
        "replacement_requested": False,
        "location": {"lat": need.municipality.lat, "lon": need.municipality.lon},
    }


def _procurements(municipality_codes: Iterable[str]) -> list[Procurement]:
    return list(Procurement.objects.filter(municipality_id__in=set(municipality_codes)).order_by("id"))


def _holdings(expert_ids: list[int], fiscal_year: int) -> dict[int, list]:
    """Engagements already offered or active in this fiscal year, by expert."""
    from backend.runs.models import HOLDING_STATUSES, Engagement

    by_expert: dict[int, list] = {}
    for engagement in Engagement.objects.filter(expert_id__in=expert_ids, fiscal_year=fiscal_year,
                                                status__in=HOLDING_STATUSES).order_by("id"):
        by_expert.setdefault(engagement.expert_id, []).append(engagement)
    return by_expert


def _remaining(doc: dict, holdings: list) -> dict:
    """What an expert has left once the approved engagements took their days and weekdays."""
    taken_days = {d for e in holdings if e.weekdays for d in e.weekdays}
    return {
        **doc,
        "capacity_days": max(0, doc["capacity_days"] - sum(e.days_per_year for e in holdings)),
        "max_engagements": max(0, doc["max_engagements"] - len(holdings)),
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
    procurements = _procurements(n.municipality_id for n in needs)
    vendor_ids = {a.vendor_id for e in experts for a in e.affiliations.all()}
    vendor_ids |= {p.incumbent_vendor_id for p in procurements if p.incumbent_vendor_id}
    vendors = Vendor.objects.filter(pk__in=vendor_ids).order_by("id")
    return {
        "format": FORMAT,
        "fiscal_year": fiscal_year,
        "cooling_off_days": options.cooling_off_days,
        "time_limit_s": options.time_limit_s,
        "skills": list(Skill.values),
        "experts": [_remaining(expert_document(e), holdings.get(e.pk, [])) for e in experts],
        "needs": [need_document(n) for n in needs],
        "vendors": [{"id": vendor_ref(v.pk), "name": v.name} for v in vendors],
        "procurements": [
            {"id": procurement_ref(p.pk), "municipality": p.municipality_id, "category": p.category,
             "status": p.status,
             "incumbent_vendor": vendor_ref(p.incumbent_vendor_id) if p.incumbent_vendor_id else None}
            for p in procurements
        ],
        "pins": [{"expert": expert_ref(e), "need": need_ref(n)} for e, n in options.pins],
        "forbids": [{"expert": expert_ref(e), "need": need_ref(n)} for e, n in options.forbids],
        "coi_overrides": [{"expert": expert_ref(e), "municipality": m, "reason": r}
                          for e, m, r in options.coi_overrides],
        **options.extra,
    }


