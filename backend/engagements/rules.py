"""The hard rules, re-checked against the database as it is at the moment of approval.

A proposal was correct for the data its run saw; by the time a coordinator approves it, the expert
may have taken another engagement, changed their weekdays, or the municipality may have registered
a procurement whose incumbent is the expert's employer. The approval service locks the expert row
and asks this module what is broken now. Rule numbers follow the exchange format.
"""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from backend.core.choices import ACTIVE_RELATIONS, RULES, ProcurementStatus, Skill, Weekday
from backend.core.errors import FieldProblem, interpolate, joined
from backend.engagements.errors import ErrorCode
from backend.experts.models import Expert
from backend.needs.models import Need
from backend.procurement.models import Procurement


@dataclass(frozen=True)
class Placement:
    expert: Expert
    need: Need
    weekdays: list[str]
    days_per_year: int
    budget: int  # the need's budget, or what is left of it for a successor (要員交代)
    travel_cost: int = 0  # the proposal's travel reimbursement (費用弁償), paid from the same budget


def incumbent_conflicts(expert: Expert, municipality_code: str) -> list[Procurement]:
    """Ongoing procurements of the municipality whose incumbent employs the expert (rule 7)."""
    vendors = [a.vendor_id for a in expert.affiliations.all() if a.relation in ACTIVE_RELATIONS]
    return list(Procurement.objects.filter(municipality_id=municipality_code, status=ProcurementStatus.ONGOING,
                                           incumbent_vendor_id__in=vendors).order_by("id"))


def common_employment_form(expert: Expert, need: Need) -> str | None:
    return next((f for f in need.employment_forms if f in expert.employment_forms), None)


def _problem(rule: int, message, *, field: str = "proposal") -> FieldProblem:
    return FieldProblem(field=field, code=ErrorCode(f"rule_{rule}"),
                        message=interpolate(_("%(rule)s：%(problem)s"), rule=RULES[rule].word, problem=message))


def _labels(values, choices):
    names = dict(choices)
    return joined(names.get(v, v) for v in values)


def _pair_problems(p: Placement) -> list[FieldProblem]:
    expert, need = p.expert, p.need
    problems = []
    served = {pref.code for pref in expert.serves_prefectures.all()}
    if need.municipality.prefecture_id not in served:
        problems.append(_problem(1, _("対象外の都道府県です。")))
    levels = {s.skill: s.level for s in expert.skills.all()}
    short = [s.skill for s in need.skills.all() if s.required and levels.get(s.skill, 0) < s.level]
    if short:
        problems.append(_problem(2, interpolate(_("必須スキルが不足しています（%(skills)s）。"),
                                                skills=_labels(short, Skill.choices))))
    if common_employment_form(expert, need) is None:
        problems.append(_problem(3, _("任用形態が合いません。")))
    if need.onsite_required and need.municipality.prefecture_id not in {x.code for x in expert.onsite_prefectures.all()}:
        problems.append(_problem(4, _("現地勤務ができません。")))
    if need.weekly_days:
        allowed = set(expert.weekdays) & set(need.weekdays)
        if len(set(p.weekdays)) != need.weekly_days or not set(p.weekdays) <= allowed:
            problems.append(_problem(5, _("曜日が合いません（人材の稼働曜日が変わった可能性があります）。")))
    lowest = expert.daily_rate * p.days_per_year
    if lowest + p.travel_cost > p.budget:
        if p.travel_cost:
            problems.append(_problem(6, interpolate(
                _("人材の報酬の下限 %(fee)s円 と費用弁償 %(travel)s円 の計 %(total)s円 が予算 %(budget)s円 を超えます。"),
                fee=f"{lowest:,}", travel=f"{p.travel_cost:,}", total=f"{lowest + p.travel_cost:,}",
                budget=f"{p.budget:,}")))
        else:
            problems.append(_problem(6, interpolate(_("報酬 %(fee)s円 が予算 %(budget)s円 を超えます。"),
                                                    fee=f"{lowest:,}", budget=f"{p.budget:,}")))
    return problems


def _joint_problems(p: Placement, holdings: list) -> list[FieldProblem]:
    expert = p.expert
    problems = []
    if len(holdings) + 1 > expert.max_engagements:
        problems.append(_problem(9, interpolate(_("最大兼務数 %(limit)s を超えます。"), limit=expert.max_engagements)))
    used = sum(e.days_per_year for e in holdings)
    if used + p.days_per_year > expert.capacity_days:
        problems.append(_problem(10, interpolate(
            _("年間稼働日数を超えます（承認済 %(used)s日 + %(days)s日 > %(capacity)s日）。"),
            used=used, days=p.days_per_year, capacity=expert.capacity_days)))
    taken = sorted({d for e in holdings for d in e.weekdays} & set(p.weekdays))
    if taken:
        problems.append(_problem(11, interpolate(_("同じ曜日に別の勤務があります（%(weekdays)s）。"),
                                                 weekdays=_labels(taken, Weekday.choices))))
    return problems


def placement_problems(p: Placement, *, holdings: list, forbidden: bool, replaced_expert_id: int | None,
                       conflicts: list[Procurement], overridden: bool) -> list[FieldProblem]:
    """Every hard rule the placement breaks now; empty when it may be approved."""
    problems = _pair_problems(p)
    if conflicts and not overridden:
        problems.append(_problem(7, interpolate(
            _("人材の所属事業者がこの市区町村の契約中の調達の受託者です（%(procurements)s）。承認するには理由を記録してください。"),
            procurements=joined(c.title for c in conflicts)), field="override_reason"))
    if forbidden or (replaced_expert_id is not None and replaced_expert_id == p.expert.pk):
        problems.append(_problem(8, _("この組み合わせは除外されています。")))
    return problems + _joint_problems(p, holdings)
