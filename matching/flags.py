"""Procurement flags: bid restrictions and notices, fully determined by the assignments.

This module owns the five flag kinds of the spec (four per expert and municipality, form_notice per
assignment), keyed and sorted deterministically, and the
per-(expert, municipality) bid-restriction weight the solver minimises. It never solves.
"""

from __future__ import annotations

from collections.abc import Iterable

from .model import CATEGORIES, FLAG_KINDS, FORM_NOTICE_FORM, FORM_NOTICE_ROLE, Instance

_KIND_RANK = {k: i for i, k in enumerate(FLAG_KINDS)}


class ProcurementIndex:
    """Per municipality: planned procurement ids and ongoing incumbent vendors."""

    def __init__(self, inst: Instance):
        self.planned: dict[str, list[str]] = {}
        self.incumbents: dict[str, set[str]] = {}
        for p in inst.procurements:
            if p.status == "planned":
                self.planned.setdefault(p.municipality, []).append(p.id)
            elif p.incumbent_vendor is not None:
                self.incumbents.setdefault(p.municipality, set()).add(p.incumbent_vendor)
        for ids in self.planned.values():
            ids.sort()


def flags_for(inst: Instance, pairs: Iterable[tuple[int, int]], index: ProcurementIndex | None = None) -> list[dict]:
    """All flags for the assigned (expert index, need index) pairs, each once per key, sorted."""
    index = index or ProcurementIndex(inst)
    pairs = list(pairs)
    served = sorted({(inst.experts[e].id, inst.needs[r].municipality, e) for e, r in pairs})
    out: list[dict] = []
    start = inst.fiscal_start
    for expert_id, m, e in served:
        ex = inst.experts[e]
        active = ex.active_vendors
        for v in active:
            out.append({"kind": "bid_restriction", "expert": expert_id, "vendor": v, "municipality": m,
                        "categories": list(CATEGORIES), "procurements": list(index.planned.get(m, []))})
        if (expert_id, m) in inst.coi_overrides:
            for v in sorted(set(active) & index.incumbents.get(m, set())):
                out.append({"kind": "incumbent_conflict_overridden", "expert": expert_id, "vendor": v,
                            "municipality": m})
        former = {a.vendor for a in ex.affiliations
                  if a.relation == "former_employee" and a.ended_on is not None
                  and (start - a.ended_on).days < inst.cooling_off_days}
        for v in sorted(former):
            out.append({"kind": "former_vendor_notice", "expert": expert_id, "vendor": v, "municipality": m})
        if active and not ex.confidentiality_pledge:
            out.append({"kind": "pledge_required", "expert": expert_id, "vendor": None, "municipality": m})
    out += form_notices(inst, pairs)
    out.sort(key=lambda f: (f["expert"], f["municipality"], _KIND_RANK[f["kind"]], f["vendor"] or "",
                            f.get("need", "")))
    return out


def form_notices(inst: Instance, pairs: Iterable[tuple[int, int]]) -> list[dict]:
    """form_notice per assignment whose employment form is special_part_time for a dx_supporter need."""
    out = []
    for e, r in pairs:
        need = inst.needs[r]
        form = inst.employment_form(e, r)
        if form == FORM_NOTICE_FORM and need.role == FORM_NOTICE_ROLE:
            out.append({"kind": "form_notice", "expert": inst.experts[e].id, "vendor": None,
                        "municipality": need.municipality, "need": need.id, "form": form})
    return out


def bid_weight(inst: Instance, e: int, municipality: str, index: ProcurementIndex) -> int:
    """How many (bid restriction, planned procurement) pairs serving this municipality costs: the
    number of procurement ids that the expert's bid_restriction flags would list."""
    return len(inst.experts[e].active_vendors) * len(index.planned.get(municipality, []))
