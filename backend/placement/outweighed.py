"""What outweighed each blocking pair of a run (issue 25): the pair both sides would rather have had, pinned and
solved again for a few seconds, and the two results compared stage by stage, in the engine's order:

- `lead`: the lead lost (the priority sum or the municipalities covered); `needs` are the needs that would lose
  their expert — another municipality's higher priority;
- `capacity`: as many needs could not be filled; `needs` are those left without an expert;
- `preference`: the preference sum would be lower; `pairs` are the assignments whose wishes weigh more;
- `rule`: the pair cannot be held with what else is fixed (`rule` is the reason the engine gives);
- `equal`: an equally good result holds the pair (the stages after the preference stage chose, or the solve's
  time limit); `not_counted`: the run left wishes out, and no earlier stage would lose;
- `unanalysed`: beyond the first MAX_ANALYSED pairs, or the few seconds did not prove the loss (the short solve's
  bound still reaches the run's value): nothing is claimed that the engine did not show.

The budget or fee cannot outweigh a wish: the fee stage comes after the preference stage. Run by the worker when
a run ends (backend.placement.execution), never by a page view.
"""

import re

import matching
from backend.placement.engine import solve_briefly

MAX_ANALYSED = 20
TIME_LIMIT_S = 3
RULE_OF_CONFLICT = re.compile(r"^rule (\d+)\b")


def _lost_needs(before: dict, after: dict, need: str) -> list[str]:
    held_after = {a["need"] for a in after.get("assignments", [])}
    return [a["need"] for a in before.get("assignments", []) if a["need"] != need and a["need"] not in held_after]


def _weightier_pairs(before: dict, after: dict) -> list[dict]:
    """The assignments of the run that the counterfactual gives up and that someone wished, heaviest first."""
    kept = {(a["expert"], a["need"]) for a in after.get("assignments", [])}
    lost = [{"expert": a["expert"], "need": a["need"],
             "municipality_level": a.get("preference", {}).get("municipality", 0),
             "expert_level": a.get("preference", {}).get("expert", 0)}
            for a in before.get("assignments", []) if (a["expert"], a["need"]) not in kept]
    wished = [p for p in lost if p["municipality_level"] + p["expert_level"] > 0]  # a pair nobody wished weighs 0
    return sorted(wished, key=lambda p: -(p["municipality_level"] + p["expert_level"]))[:3]


def _rule_of(after: dict, pair: dict) -> str | None:
    for conflict in after.get("conflicting_pins", []):
        found = RULE_OF_CONFLICT.match(conflict.get("reason", ""))
        if found and (conflict.get("expert"), conflict.get("need")) == (pair["expert"], pair["need"]):
            return matching.REASON_OF_RULE.get(int(found.group(1)))
    return None


def compare(before: dict, after: dict, pair: dict) -> dict:
    """What the run's result `before` keeps that the result `after` (the pair pinned) loses first."""
    if after.get("status") == "infeasible":
        return {"by": "rule", "rule": _rule_of(after, pair)}
    lead_before, lead_after = before["objective"].get("lead", []), after["objective"].get("lead", [])
    for was, now in zip(lead_before, lead_after, strict=False):
        if now["value"] < was["value"]:
            if now.get("bound", now["value"]) >= was["value"]:  # the short solve stopped before proving a loss
                return {"by": "unanalysed"}
            return {"by": "lead", "criterion": was["name"], "needs": _lost_needs(before, after, pair["need"])}
        if now["value"] > was["value"]:  # the run's own solve stopped short of this: nothing outweighed the pair
            return {"by": "equal"}
    if len(after.get("assignments", [])) < len(before.get("assignments", [])):
        return {"by": "capacity", "needs": _lost_needs(before, after, pair["need"])}
    preference_before = (before["objective"].get("preference") or {}).get("value")
    preference_after = (after["objective"].get("preference") or {}).get("value")
    if preference_before is None:
        return {"by": "not_counted"}
    if preference_after is not None and preference_after < preference_before:
        if (after["objective"]["preference"].get("bound") or preference_after) >= preference_before:
            return {"by": "unanalysed"}  # not proven within the few seconds
        return {"by": "preference", "pairs": _weightier_pairs(before, after)}
    return {"by": "equal"}


def blocking_pairs_weighed(instance: dict, result: dict, *, stages: list[str] | None, seed: int,
                           workers: int) -> dict[tuple[str, str], dict]:
    """For each of the first MAX_ANALYSED blocking pairs of the result, what outweighed it; the rest `unanalysed`."""
    weighed = {}
    for index, pair in enumerate(result.get("blocking_pairs", [])):
        key = (pair["expert"], pair["need"])
        if index >= MAX_ANALYSED:
            weighed[key] = {"by": "unanalysed"}
            continue
        pinned = {**instance, "pins": [*instance.get("pins", []), {"expert": pair["expert"], "need": pair["need"]}],
                  "time_limit_s": TIME_LIMIT_S}
        after = solve_briefly(pinned, time_limit_s=TIME_LIMIT_S, seed=seed, workers=workers, stages=stages)
        weighed[key] = compare(result, after, pair)
    return weighed
