"""A run's parts per prefecture: what each reader of a (joint) run may see of its instance and result.

A joint run solves several prefectures at once, with their consent; each prefecture's coordinators
still read only their own part: their needs and what hangs on them (assignments, unmatched reasons,
pins, forbids, exceptions, procurements, flags), the experts they may see anyway, and the vendors
those reference. Plain dictionaries in, plain dictionaries out; no database.
"""

from collections.abc import Collection

# A municipality's 団体コード starts with its prefecture's code.
PREFECTURE_DIGITS = 2


def prefecture_of_municipality(code: str) -> str:
    return code[:PREFECTURE_DIGITS]


def _need_prefectures(instance: dict) -> dict[str, str]:
    return {n["id"]: n.get("prefecture") or prefecture_of_municipality(n["municipality"])
            for n in instance.get("needs", [])}


def run_summary(instance: dict | None, result: dict | None) -> dict[str, dict[str, int]]:
    """{prefecture code: {"assigned", "unmatched", "flags"}} for every prefecture of the instance."""
    instance, result = instance or {}, result or {}
    prefecture_of = _need_prefectures(instance)
    summary = {code: {"assigned": 0, "unmatched": 0, "flags": 0} for code in sorted(set(prefecture_of.values()))}
    for key, rows in (("assigned", result.get("assignments", [])), ("unmatched", result.get("unmatched", []))):
        for row in rows:
            code = prefecture_of.get(row.get("need"))
            if code in summary:
                summary[code][key] += 1
    for flag in result.get("flags", []):
        code = prefecture_of_municipality(str(flag.get("municipality", "")))
        if code in summary:
            summary[code]["flags"] += 1
    return summary


def run_summary_document(instance: dict | None, result: dict | None) -> dict:
    """What a run keeps for its lists: counts per prefecture, the solver's status and the objective."""
    return {"by_prefecture": run_summary(instance, result), "solver_status": (result or {}).get("status"),
            "objective": (result or {}).get("objective")}


def summary_for(summary: dict, prefectures: Collection[str] | None, *, whole_run: bool) -> dict:
    """The summary a reader may see: the counts of their prefectures (None: all, for an administrator);
    the objective only for the prefecture that started the run."""
    totals = {"assigned": 0, "unmatched": 0, "flags": 0}
    for code, counts in (summary.get("by_prefecture") or {}).items():
        if prefectures is None or code in prefectures:
            for key in totals:
                totals[key] += counts.get(key, 0)
    return {**totals, "solver_status": summary.get("solver_status"),
            "objective": summary.get("objective") if whole_run else None}


def instance_part(instance: dict, *, prefectures: Collection[str], expert_ids: Collection[str]) -> dict:
    """The instance as a reader of these prefectures sees it; `expert_ids` are the experts they may see."""
    needs = [n for n in instance.get("needs", []) if _need_prefectures({"needs": [n]})[n["id"]] in prefectures]
    need_ids = {n["id"] for n in needs}
    experts = [e for e in instance.get("experts", []) if e["id"] in expert_ids]
    procurements = [p for p in instance.get("procurements", [])
                    if prefecture_of_municipality(p["municipality"]) in prefectures]
    vendor_ids = {a["vendor"] for e in experts for a in e.get("affiliations", [])}
    vendor_ids |= {p["incumbent_vendor"] for p in procurements if p.get("incumbent_vendor")}
    on_own_needs = [key for key in ("pins", "forbids", "previous_assignments", "fixed_assignments", "preferences")
                    if key in instance]
    return {
        **instance,
        "experts": experts,
        "needs": needs,
        "procurements": procurements,
        "vendors": [v for v in instance.get("vendors", []) if v["id"] in vendor_ids],
        **{key: [d for d in instance[key] if d.get("need") in need_ids] for key in on_own_needs},
        "coi_overrides": [o for o in instance.get("coi_overrides", [])
                          if prefecture_of_municipality(o["municipality"]) in prefectures],
    }


def result_part(result: dict, *, instance: dict, prefectures: Collection[str], whole_run: bool) -> dict:
    """The result as a reader of these prefectures sees it. The objective values describe the whole
    run; only the prefecture that started it (`whole_run`) reads them."""
    own_needs = {need for need, code in _need_prefectures(instance).items() if code in prefectures}
    part = {
        **result,
        "assignments": [a for a in result.get("assignments", []) if a.get("need") in own_needs],
        "unmatched": [u for u in result.get("unmatched", []) if u.get("need") in own_needs],
        "flags": [f for f in result.get("flags", [])
                  if prefecture_of_municipality(str(f.get("municipality", ""))) in prefectures],
    }
    if "blocking_pairs" in result:  # version 3: the pairs about the reader's needs
        part["blocking_pairs"] = [b for b in result["blocking_pairs"] if b.get("need") in own_needs]
    if not whole_run:
        part.pop("objective", None)
        part.pop("stages", None)
    return part
