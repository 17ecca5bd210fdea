"""Candidates for one need: every expert of the need's prefecture with their standing against the hard rules.

The standing comes from the engine itself (`matching.blocking_rules`) on the instance a run would build for
that need today, so the page and the solver can never disagree. Load and free weekdays are what the expert
has left after the engagements they already hold.
"""

from dataclasses import dataclass

from django.db import transaction

import matching
from backend.core.audit import audit_record
from backend.core.errors import ConflictError, DomainError
from backend.experts.models import Expert
from backend.experts.selectors import expert_list
from backend.needs.models import Need, NeedStatus
from backend.runs.instance import InstanceOptions, instance_build, need_ref, parse_ref
from backend.runs.models import CoiOverride, DecisionKind, PairDecision


@dataclass(frozen=True)
class Candidate:
    expert: Expert
    blocked_by: str | None  # the unmatched reason of the first rule that forbids the pair; None: eligible
    used_days: int
    engagements: int
    free_weekdays: tuple[str, ...]
    decision: PairDecision | None

    @property
    def placeable_with_exception(self) -> bool:
        return self.blocked_by == "conflict"


RULE_ORDER = ("out_of_scope", "no_skill", "no_form", "no_onsite", "no_weekday", "over_budget", "conflict",
              "forbidden")


def need_candidates(*, user, need: Need) -> list[Candidate]:
    """Every expert of the need's prefecture (as the coordinator sees them), eligible ones first, then those an
    exception can place."""
    decisions = {d.expert_id: d for d in PairDecision.objects.filter(need=need)}
    overrides = CoiOverride.objects.in_force().filter(municipality=need.municipality, fiscal_year=need.fiscal_year)
    options = InstanceOptions(
        forbids=tuple((e, need.pk) for e, d in decisions.items() if d.kind == DecisionKind.FORBID),
        coi_overrides=tuple((o.expert_id, o.municipality_id, o.reason) for o in overrides))
    instance = instance_build(prefecture_codes=[need.municipality.prefecture_id], fiscal_year=need.fiscal_year,
                              options=options, needs=[need])
    rules = matching.blocking_rules(instance)
    visible = expert_list(user=user).in_bulk([parse_ref(doc["id"]) for doc in instance["experts"]])
    rows = []
    for doc in instance["experts"]:
        expert = visible.get(parse_ref(doc["id"]))
        if expert is None:
            continue
        rows.append(Candidate(
            expert=expert, blocked_by=rules[(doc["id"], need_ref(need.pk))],
            used_days=expert.capacity_days - doc["capacity_days"],
            engagements=expert.max_engagements - doc["max_engagements"],
            free_weekdays=tuple(doc["weekdays"]), decision=decisions.get(expert.pk)))
    # Eligible first, then those an exception can place (blocked by the incumbent conflict alone), then the rest
    # by the order of the rules.
    order = {None: -2, "conflict": -1, **{reason: i for i, reason in enumerate(RULE_ORDER) if reason != "conflict"}}
    return sorted(rows, key=lambda c: (order[c.blocked_by], c.expert.name))


def need_place_with_exception(*, user, need: Need, expert: Expert, reason: str) -> PairDecision:
    """Place an expert blocked only by the incumbent conflict: record the exception (this expert, this
    municipality, this fiscal year, with the reason) and pin the pair, so the next run proposes them."""
    if not (reason or "").strip():
        raise DomainError.single("reason", "required", "例外として配置する理由を記入してください。",
                                 "Give the reason for the exception.")
    if need.status != NeedStatus.OPEN:
        raise ConflictError.single("need", "not_open", "募集中のニーズではありません。", "The need is not open.")
    standing = next((c for c in need_candidates(user=user, need=need) if c.expert.pk == expert.pk), None)
    if standing is None or standing.blocked_by != "conflict":
        raise ConflictError.single("expert", "not_conflict_only",
                                   "この人材は利益相反だけで除外されているわけではないため、例外では配置できません。",
                                   "This expert is not blocked by the incumbent conflict alone.")
    with transaction.atomic():
        override = CoiOverride.objects.create(expert=expert, municipality=need.municipality,
                                              fiscal_year=need.fiscal_year, reason=reason.strip(), created_by=user)
        audit_record(actor=user, action="coi_override.create", obj=override,
                     prefecture=need.municipality.prefecture,
                     after={"expert": expert.pk, "municipality": need.municipality_id, "reason": override.reason,
                            "need": need.pk})
        decision, _ = PairDecision.objects.update_or_create(
            need=need, expert=expert, defaults={"kind": DecisionKind.PIN, "created_by": user, "declined_by": "",
                                                "reason": ""})
        audit_record(actor=user, action="decision.set", obj=need, prefecture=need.municipality.prefecture,
                     after={"expert": expert.pk, "kind": DecisionKind.PIN, "exception": override.pk})
    return decision


