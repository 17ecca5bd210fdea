"""A succeeded run's report: what its page and API show beyond the proposals, computed once when the run ends.

- each unmatched need with the solver's reason, and the experts the incumbent conflict alone keeps out (they
  can be placed with a recorded exception): the engine's `blocking_rules`, which takes seconds on a national
  run, so it is asked here, by the worker, never by a page view;
- each need whose proposed expert changed against the previous run of the scope, and why (a pin or forbid, a
  decline, a new need), as the decisions stood when the run ended;
- the names of the vendors and procurements the run's flags refer to;
- for a version 3 run, what became of both sides' wishes (`preferences`): each first choice and whether it was met,
  each blocking pair with what outweighed it (backend.placement.outweighed, given by the worker), and a debrief for
  each expert who stated interest and was not placed: per need they wanted, the first rule that blocked them or
  who was preferred there.

The report holds the whole run with each need's prefecture; `backend.runs.selectors.run_report_for` cuts the
reader's part and names the experts the reader may see. A run that succeeded before reports were stored gets
its report computed once, the first time it is read (`run_report_stored`), and kept.
"""

import re

import matching
from backend.needs.models import Need
from backend.procurement.models import Procurement, Vendor
from backend.runs.models import MatchRun, PairDecision, Proposal, ProposalStatus, RunStatus
from backend.runs.parts import prefecture_of_municipality
from backend.runs.refs import parse_ref
from backend.runs.scope import run_previous

REPORT_VERSION = 2  # 2: `preferences` (issue 25)


def _prefecture_of(*instances: dict) -> dict[str, str]:
    """The prefecture of each need of these instances, by need ref."""
    return {n["id"]: n.get("prefecture") or prefecture_of_municipality(n["municipality"])
            for instance in instances for n in (instance or {}).get("needs", [])}


def _conflicted(instance: dict, need_refs: set[str]) -> dict[str, list[str]]:
    """For each of these needs, the experts only the incumbent conflict keeps out (rule 7 the first to fail).
    Pair rules 1-8 look at one expert and one need, so the engine is asked about these needs alone."""
    if not need_refs or not instance.get("experts") or not instance.get("needs"):
        return {}
    part = {**instance, "needs": [n for n in instance["needs"] if n["id"] in need_refs]}
    for key in ("pins", "forbids", "previous_assignments", "fixed_assignments"):
        if key in part:
            part[key] = [d for d in part[key] if d.get("need") in need_refs]
    try:
        rules = matching.blocking_rules(part)
    except matching.InstanceError:  # a run stored before the format could be read back: no names, no error
        return {}
    conflicted: dict[str, list[str]] = {}
    for (expert, need), reason in rules.items():
        if reason == "conflict":
            conflicted.setdefault(need, []).append(expert)
    return conflicted


EXPERT_REF = re.compile(r"\bE\d+\b")


def _unmatched(instance: dict, result: dict) -> list[dict]:
    """Each unmatched need with its prefecture, the experts the conflict alone keeps out, and the experts of the
    instance its detail names ("a budget of 3,120,000 would match E12"), to be named for the reader."""
    unmatched = result.get("unmatched", [])
    prefecture_of = _prefecture_of(instance)
    experts = {e["id"] for e in instance.get("experts", [])}
    conflicted = _conflicted(instance, {u["need"] for u in unmatched})

    def named(u: dict) -> list[str]:
        refs = {ref for text in (u.get("detail"), u.get("detail_ja")) for ref in EXPERT_REF.findall(text or "")}
        return sorted(refs & experts, key=parse_ref)

    return [{**u, "prefecture": prefecture_of.get(u["need"]),
             "conflicted": sorted(conflicted.get(u["need"], []), key=parse_ref), "named": named(u)}
            for u in unmatched]


def _changes(instance: dict, result: dict, previous: MatchRun | None) -> list[dict]:
    """Against the previous run of the scope: each need whose proposed expert changed, with the reason the
    coordinator can act on (a pin or forbid set since, an expert who declined, a new need), or the pair that was
    approved since (its need is filled, so this run no longer proposes for it)."""
    if previous is None:
        return []
    before_instance, before_result = MatchRun.objects.values_list("instance", "result").get(pk=previous.pk)
    before_instance, before_result = before_instance or {}, before_result or {}
    before = {a["need"]: a["expert"] for a in before_result.get("assignments", [])}
    after = {a["need"]: a["expert"] for a in result.get("assignments", [])}
    known = {n["id"] for n in before_instance.get("needs", [])}
    prefecture_of = _prefecture_of(before_instance, instance)
    decisions = {(d.need_id, d.expert_id): d
                 for d in PairDecision.objects.filter(need_id__in={parse_ref(n) for n in set(before) | set(after)})}

    approved = set(Proposal.objects.filter(
        run_id=previous.pk, status=ProposalStatus.APPROVED).values_list("need_id", "expert_id"))

    def decision(need: str, expert: str | None):
        return decisions.get((parse_ref(need), parse_ref(expert))) if expert else None

    changes = []
    for need in sorted(set(before) | set(after), key=parse_ref):
        was, now = before.get(need), after.get(need)
        if was == now:
            continue
        if need not in known:
            reason = "new_need"
        elif getattr(decision(need, now), "kind", None) == "pin":
            reason = "pinned"
        elif getattr(decision(need, was), "declined_by", ""):
            reason = "declined"
        elif getattr(decision(need, was), "kind", None) == "forbid":
            reason = "forbidden"
        elif was and (parse_ref(need), parse_ref(was)) in approved:
            reason = "approved"
        else:
            reason = "recomputed"
        changes.append({"need": need, "prefecture": prefecture_of.get(need), "before": was, "after": now,
                        "reason": reason})
    return changes


def _names(result: dict) -> dict:
    flags = result.get("flags", [])
    vendors = {parse_ref(f["vendor"]) for f in flags if f.get("vendor")}
    procurements = {parse_ref(p) for f in flags for p in f.get("procurements", [])}
    return {
        "vendors": {f"V{pk}": name for pk, name in Vendor.objects.filter(pk__in=vendors).values_list("pk", "name")},
        "procurements": {f"P{pk}": title for pk, title in
                         Procurement.objects.filter(pk__in=procurements).values_list("pk", "title")},
    }


def _place_the_unplaced(entries: list[dict]) -> None:
    """A need the stored instance does not list (a result stored without its instance) takes its prefecture
    from the database, so that each reader still gets exactly their part."""
    unplaced = {parse_ref(e["need"]) for e in entries if not e.get("prefecture")}
    if not unplaced:
        return
    placed = dict(Need.objects.filter(pk__in=unplaced).values_list("pk", "municipality__prefecture_id"))
    for entry in entries:
        if not entry.get("prefecture"):
            entry["prefecture"] = placed.get(parse_ref(entry["need"]))


def _first_choices(instance: dict, result: dict, prefecture_of: dict[str, str]) -> list[dict]:
    assigned = {(a["expert"], a["need"]) for a in result.get("assignments", [])}
    return [{"side": p["side"], "need": p["need"], "expert": p["expert"], "prefecture": prefecture_of.get(p["need"]),
             "met": (p["expert"], p["need"]) in assigned}
            for p in instance.get("preferences", []) if p["level"] == max(matching.PREFERENCE_LEVELS)]


def _debrief(instance: dict, result: dict, prefecture_of: dict[str, str]) -> list[dict]:
    """Each expert who stated interest and was not placed: per need they wanted, the first rule that blocked them
    (rules 1-8, then capacity) with the veto behind a forbid, or who was preferred there."""
    placed = {a["expert"] for a in result.get("assignments", [])}
    holder = {a["need"]: a["expert"] for a in result.get("assignments", [])}
    wanted = [p for p in instance.get("preferences", []) if p["side"] == "expert" and p["expert"] not in placed]
    if not wanted:
        return []
    try:
        loaded = matching.load_instance(instance)
    except matching.InstanceError:
        return []
    vetoes = {(f["expert"], f["need"]): {"by": f["by"], "reason": f.get("reason", "")}
              for f in instance.get("forbids", []) if f.get("by")}
    standing: dict[str, dict] = {}
    entries = []
    for p in sorted(wanted, key=lambda p: (parse_ref(p["expert"]), parse_ref(p["need"]))):
        if p["need"] not in standing:
            standing[p["need"]] = matching.need_standing(loaded, p["need"])
        rule = standing[p["need"]].get(p["expert"])
        entries.append({"expert": p["expert"], "need": p["need"], "level": p["level"],
                        "prefecture": prefecture_of.get(p["need"]), "rule": rule,
                        "veto": vetoes.get((p["expert"], p["need"])) if rule == "forbidden" else None,
                        "preferred": holder.get(p["need"]) if rule in (None, "capacity") else None})
    return entries


def _preferences(instance: dict, result: dict, weighed: dict | None) -> dict | None:
    """What became of both sides' wishes; None for a result of version 1 or 2 (no wishes were carried)."""
    if "blocking_pairs" not in result:
        return None
    prefecture_of = _prefecture_of(instance)
    weighed = weighed or {}
    blocking = [{**b, "prefecture": prefecture_of.get(b["need"]),
                 "outweighed": weighed.get((b["expert"], b["need"]), {"by": "unanalysed"})}
                for b in result["blocking_pairs"]]
    return {"counted": "preference" in (result.get("objective") or {}),
            "first_choices": _first_choices(instance, result, prefecture_of), "blocking": blocking,
            "debrief": _debrief(instance, result, prefecture_of)}


def report_build(*, run: MatchRun, instance: dict | None, result: dict | None, weighed: dict | None = None) -> dict:
    """The report of a run that solved `instance` into `result` (both whole, as stored); `weighed`: what
    outweighed each blocking pair (backend.placement.outweighed), computed by the worker."""
    instance, result = instance or {}, result or {}
    previous = run_previous(scope_key=run.scope_key, before=run.created_at)
    unmatched, changes = _unmatched(instance, result), _changes(instance, result, previous)
    _place_the_unplaced(unmatched + changes)
    return {"version": REPORT_VERSION, "previous_run": previous.pk if previous else None,
            "unmatched": unmatched, "changes": changes, "names": _names(result),
            "preferences": _preferences(instance, result, weighed)}


def run_report_stored(run: MatchRun) -> dict:
    """The run's stored report; for a run that succeeded before reports were stored, computed now and kept, so
    the engine is asked once for such a run, never again. Other runs (not succeeded) have none: {}."""
    report = MatchRun.objects.values_list("report", flat=True).get(pk=run.pk)
    if report is not None:
        return report
    if run.status != RunStatus.SUCCEEDED:
        return {}
    instance, result = MatchRun.objects.values_list("instance", "result").get(pk=run.pk)
    report = report_build(run=run, instance=instance, result=result)
    MatchRun.objects.filter(pk=run.pk, report__isnull=True).update(report=report)
    return report


RULE_OF_PIN = re.compile(r"^rule (\d+)\b")


def conflicting_pins_named(result: dict, *, experts, needs) -> list[dict]:
    """The pins an infeasible run could not hold, by names: the expert, the municipality, the need's title and the
    number of the rule it breaks (screens and notifications word the rule by what it is about). `experts` and
    `needs` are the querysets the reader may see: a pin on a need outside them (another prefecture's part of a
    joint run) is left out, an expert outside them is unnamed. One entry per pin and rule."""
    pins = (result or {}).get("conflicting_pins", [])
    need_rows = needs.filter(pk__in={parse_ref(p["need"]) for p in pins}).select_related("municipality").in_bulk()
    names = dict(experts.filter(pk__in={parse_ref(p["expert"]) for p in pins}).values_list("pk", "name"))
    named, seen = [], set()
    for pin in pins:
        expert_id, need = parse_ref(pin["expert"]), need_rows.get(parse_ref(pin["need"]))
        found = RULE_OF_PIN.match(pin.get("reason", ""))
        rule = int(found.group(1)) if found else None
        if need is None or (expert_id, need.pk, rule) in seen:
            continue
        seen.add((expert_id, need.pk, rule))
        named.append({"expert": names.get(expert_id, "—"), "municipality": need.municipality.name,
                      "need": need.title or str(need.get_role_display()), "rule": rule})
    return named
