"""Candidates for one need: every expert of the need's prefecture with their standing against the hard rules.

The standing comes from the engine itself (`matching.need_standing`: the first of rules 1-8 that forbids the
pair, else whether the need fits what the expert has left under rules 9-11) on the instance a run would build
for that need today, so the page and the solver can never disagree. Load and free weekdays are what the expert
has left after the engagements they already hold. Placing a candidate blocked by the incumbent conflict alone
(an exception) is `backend.placement.services.need_place_with_exception`, which asks this module first.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy

import matching
from backend.core.choices import RULES
from backend.engagements.selectors import coi_overrides_in_force_for_instance
from backend.experts.models import Expert
from backend.experts.selectors import expert_list
from backend.geo.selectors import prefecture_setting
from backend.goals.models import Evaluation
from backend.goals.selectors import last_evaluations
from backend.needs.models import Need
from backend.placement.instance import InstanceOptions, instance_build
from backend.runs.models import DecisionKind, PairDecision
from backend.runs.refs import need_ref, parse_ref

# What the page and the API say of a candidate, keyed by the engine's reason (None: eligible); the words live
# with the rules (backend.core.choices.RULES), which name a rule by what it is about, never by its number.
STANDING = {None: gettext_lazy("適格"), **{matching.REASON_OF_RULE[rule]: words.standing for rule, words in RULES.items()
                                          if words.standing is not None}}
# The rule a reason stands for, in words ("スキル"), for the API's `rule`.
RULE_WORD = {matching.REASON_OF_RULE[rule]: words.word for rule, words in RULES.items()
             if words.standing is not None}


@dataclass(frozen=True)
class Candidate:
    expert: Expert
    blocked_by: str | None  # the engine's unmatched reason that keeps the expert from the need; None: eligible
    used_days: int
    engagements: int
    free_weekdays: tuple[str, ...]
    decision: PairDecision | None
    # The latest evaluation the need's municipality gave of the expert there (a former or current engagement).
    last_evaluation: Evaluation | None = None

    @property
    def placeable_with_exception(self) -> bool:
        return self.blocked_by == "conflict"

    @property
    def standing(self):
        return STANDING[self.blocked_by]

    @property
    def rule(self):
        return RULE_WORD.get(self.blocked_by)


def candidates_instance(*, needs: list[Need]) -> dict:
    """The instance the candidates of these needs (of one prefecture and fiscal year) are judged on: what a run
    would build for them today, with the coordinators' forbids and the exceptions in force. The needs are read as
    given, so a need changed in memory and never saved (the autumn estimate's what-if) is judged as changed."""
    first = needs[0]
    prefecture_code = first.municipality.prefecture_id
    forbids = PairDecision.objects.filter(need__in=[n.pk for n in needs], kind=DecisionKind.FORBID)
    overrides = coi_overrides_in_force_for_instance(fiscal_year=first.fiscal_year).filter(
        municipality_id__in={n.municipality_id for n in needs})
    options = InstanceOptions(
        forbids=tuple((d.expert_id, d.need_id) for d in forbids),
        coi_overrides=tuple((o.expert_id, o.municipality_id, o.reason) for o in overrides),
        # Travel counts against the budget (rule 6) as in the prefecture's own runs.
        travel_yen_per_km=prefecture_setting(code=prefecture_code).travel_yen_per_km)
    return instance_build(prefecture_codes=[prefecture_code], fiscal_year=first.fiscal_year, options=options,
                          needs=needs)


def need_candidates(*, user, need: Need) -> list[Candidate]:
    """Every expert of the need's prefecture (as the coordinator sees them), eligible ones first, then those an
    exception can place."""
    decisions = {d.expert_id: d for d in PairDecision.objects.filter(need=need)}
    instance = candidates_instance(needs=[need])
    standing = matching.need_standing(instance, need_ref(need.pk))
    visible = expert_list(user=user).in_bulk([parse_ref(doc["id"]) for doc in instance["experts"]])
    evaluations = last_evaluations(municipality_id=need.municipality_id, expert_ids=visible)
    rows = []
    for doc in instance["experts"]:
        expert = visible.get(parse_ref(doc["id"]))
        if expert is None:
            continue
        rows.append(Candidate(
            expert=expert, blocked_by=standing[doc["id"]],
            used_days=expert.capacity_days - doc["capacity_days"],
            engagements=expert.max_engagements - doc["max_engagements"],
            free_weekdays=tuple(doc["weekdays"]), decision=decisions.get(expert.pk),
            last_evaluation=evaluations.get(expert.pk)))
    # Eligible first, then those an exception can place (blocked by the incumbent conflict alone), then the rest
    # by the order of the rules (the engine's reasons are in that order).
    order = {None: -2, "conflict": -1,
             **{reason: i for i, reason in enumerate(matching.UNMATCHED_REASONS) if reason != "conflict"}}
    return sorted(rows, key=lambda c: (order[c.blocked_by], c.expert.name))
