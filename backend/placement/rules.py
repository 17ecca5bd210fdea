"""The hard rules at the moment of approval, asked of the engine and worded for the coordinator.

A proposal was correct for the data its run saw; by the time a coordinator approves it, the expert
may have taken another engagement, changed their weekdays, or the municipality may have registered
a procurement whose incumbent is the expert's employer. The approval service locks the expert row
and asks this module what is broken now. The engine decides (`matching.placement_check`, on an
instance of this one expert and need built by backend.placement.instance's row conversions); this module
only builds that instance and words each broken rule, by the rule's word in
backend.core.choices.RULES. Rule numbers and error codes (rule_1 ... rule_11) follow the exchange format.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

import matching
from backend.core.choices import RULES, Skill, Weekday
from backend.core.errors import FieldProblem, interpolate, joined
from backend.core.fiscal import current_fiscal_year
from backend.engagements.errors import ErrorCode
from backend.experts.commitments import commitments_by_expert, expert_less_commitments
from backend.experts.models import Expert
from backend.needs.models import Need
from backend.placement.instance import (
    InstanceOptions,
    expert_document,
    holding_document,
    instance_document,
    need_document,
)
from backend.procurement.models import Procurement
from backend.runs.refs import expert_ref, need_ref, procurement_ref


@dataclass(frozen=True)
class Placement:
    expert: Expert
    need: Need
    weekdays: list[str]
    days_per_year: int
    budget: int  # the need's budget, or what is left of it for a successor (要員交代)
    travel_cost: int = 0  # the proposal's travel reimbursement (費用弁償), paid from the same budget


def incumbent_conflicts(expert: Expert, municipality_code: str) -> list[Procurement]:
    """The municipality's procurements that put the expert in a conflict of interest (rule 7, as the engine
    decides it: ongoing, with an incumbent that employs the expert), an exception or not."""
    procurements = list(Procurement.objects.filter(municipality_id=municipality_code, incumbent_vendor__isnull=False)
                        .order_by("id"))
    if not procurements:
        return []
    # The expert and the procurements alone: rule 7 asks nothing of a need or of the fiscal year.
    instance = instance_document(fiscal_year=current_fiscal_year(), options=InstanceOptions(),
                                 procurements=procurements, experts=[expert_document(expert)], needs=[])
    conflicting = set(matching.conflicting_procurements(instance, expert=expert_ref(expert.pk),
                                                        municipality=municipality_code))
    return [p for p in procurements if procurement_ref(p.pk) in conflicting]


def _placement_instance(p: Placement, *, forbidden: bool, replaced: bool, conflicts: list[Procurement],
                        overridden: bool) -> dict:
    """This expert and this need as the approval sees them now. The need carries the placement's days and budget
    (what is left of them for a successor) and no offered fee: the coordinator confirms the fee with the terms,
    so rule 6 asks whether the expert's lowest fee and the travel fit the budget."""
    doc = need_document(p.need)
    doc.pop("offered_fee", None)
    doc.update(days_per_year=p.days_per_year, budget=p.budget, onsite_days=min(doc["onsite_days"], p.days_per_year),
               current_expert=expert_ref(p.expert.pk) if replaced else None, replacement_requested=replaced)
    options = InstanceOptions(forbids=((p.expert.pk, p.need.pk),) if forbidden else (),
                              coi_overrides=((p.expert.pk, p.need.municipality_id, ""),) if overridden else ())
    return instance_document(fiscal_year=p.need.fiscal_year, options=options, procurements=conflicts,
                             experts=[_offered(p)], needs=[doc])


def _offered(p: Placement) -> dict:
    """The expert as the instance carries them: less their commitments elsewhere in the need's year (the one
    function the run's instance uses too)."""
    commitments = commitments_by_expert(expert_ids=[p.expert.pk], fiscal_year=p.need.fiscal_year)
    return expert_less_commitments(expert_document(p.expert), commitments.get(p.expert.pk, []))


def _problem(rule: int, message, *, field: str = "proposal") -> FieldProblem:
    return FieldProblem(field=field, code=ErrorCode(f"rule_{rule}"),
                        message=interpolate(_("%(rule)s：%(problem)s"), rule=RULES[rule].word, problem=message))


def _labels(values, choices):
    names = dict(choices)
    return joined(names.get(v, v) for v in values)


def _budget_words(p: Placement, check: matching.PlacementCheck):
    lowest, travel = check.accepted_fee, check.travel_cost
    if travel:
        return interpolate(
            _("人材の報酬の下限 %(fee)s円 と費用弁償 %(travel)s円 の計 %(total)s円 が予算 %(budget)s円 を超えます。"),
            fee=f"{lowest:,}", travel=f"{travel:,}", total=f"{lowest + travel:,}", budget=f"{p.budget:,}")
    return interpolate(_("報酬 %(fee)s円 が予算 %(budget)s円 を超えます。"), fee=f"{lowest:,}", budget=f"{p.budget:,}")


def _words(rule: int, p: Placement, check: matching.PlacementCheck, conflicts: list[Procurement]):
    """What the coordinator reads for a broken rule, with the facts the engine reported."""
    if rule == 2:
        return interpolate(_("必須スキルが不足しています（%(skills)s）。"), skills=_labels(check.short_skills, Skill.choices))
    if rule == 6:
        return _budget_words(p, check)
    if rule == 7:
        return interpolate(
            _("人材の所属事業者がこの市区町村の契約中の調達の受託者です（%(procurements)s）。承認するには理由を記録してください。"),
            procurements=joined(c.title for c in conflicts))
    if rule == 9:
        return interpolate(_("最大兼務数 %(limit)s を超えます。"), limit=p.expert.max_engagements)
    if rule == 10:
        return interpolate(_("年間稼働日数を超えます（承認済 %(used)s日 + %(days)s日 > %(capacity)s日）。"),
                           used=check.held_days, days=p.days_per_year, capacity=_offered(p)["capacity_days"])
    if rule == 11:
        return interpolate(_("同じ曜日に別の勤務があります（%(weekdays)s）。"),
                           weekdays=_labels(check.weekdays_twice, Weekday.choices))
    return {1: _("対象外の都道府県です。"), 3: _("任用形態が合いません。"), 4: _("現地勤務ができません。"),
            5: _("曜日が合いません（人材の稼働曜日が変わった可能性があります）。"),
            8: _("この組み合わせは除外されています。")}[rule]


def _refused_rules(check: matching.PlacementCheck) -> list[int]:
    """The rules a refusal names. The engine's rule 11 covers both halves of the weekdays of one assignment; the
    refusal has always said the proposal's weekdays no longer fit the expert's under rule 5 (曜日) and kept
    rule 11 (曜日の重複) for a weekday worked in two places."""
    rules = set(check.broken) - {11}
    if not check.weekdays_fit:
        rules.add(5)
    if check.weekdays_twice:
        rules.add(11)
    return sorted(rules)


def placement_problems(p: Placement, *, holdings: list, forbidden: bool, replaced_expert_id: int | None,
                       conflicts: list[Procurement], overridden: bool) -> list[FieldProblem]:
    """Every hard rule the placement breaks now; empty when it may be approved. `holdings` are the expert's
    engagements holding in the need's fiscal year (earlier years' multi-year terms included), `conflicts` what `incumbent_conflicts` found."""
    instance = _placement_instance(p, forbidden=forbidden, replaced=replaced_expert_id == p.expert.pk,
                                   conflicts=conflicts, overridden=overridden)
    check = matching.placement_check(instance, expert=expert_ref(p.expert.pk), need=need_ref(p.need.pk),
                                     weekdays=p.weekdays,
                                     holdings=[holding_document(e, fiscal_year=p.need.fiscal_year) for e in holdings],
                                     travel_cost=p.travel_cost)
    return [_problem(rule, _words(rule, p, check, conflicts), field="override_reason" if rule == 7 else "proposal")
            for rule in _refused_rules(check)]

