"""The hard rules, re-checked against the database as it is at the moment of approval.

A proposal was correct for the data its run saw; by the time a coordinator approves it, the expert
may have taken another engagement, changed their weekdays, or the municipality may have registered
a procurement whose incumbent is the expert's employer. The approval service locks the expert row
and asks this module what is broken now. Rule numbers follow the exchange format.
"""

from dataclasses import dataclass

from django.utils import translation

from backend.core.choices import ACTIVE_RELATIONS, ProcurementStatus, Skill, Weekday
from backend.core.errors import FieldProblem
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


# Each hard rule by what it is about, as the screens name it (the exchange format numbers them).
RULE_WORDS = {
    1: ("対象範囲", "scope"), 2: ("スキル", "skills"), 3: ("任用形態", "employment form"), 4: ("現地勤務", "on-site work"),
    5: ("曜日", "weekdays"), 6: ("予算", "budget"), 7: ("利益相反", "conflict of interest"),
    8: ("除外の指定", "forbidden pair"), 9: ("兼務数の上限", "engagement limit"), 10: ("年間稼働日数", "capacity"),
    11: ("曜日の重複", "weekday clash"),
}


def _problem(rule: int, ja: str, en: str, *, field: str = "proposal") -> FieldProblem:
    ja_word, en_word = RULE_WORDS[rule]
    return FieldProblem(field=field, code=f"rule_{rule}", ja=f"{ja_word}：{ja}", en=f"{en_word}: {en}")


def _labels(values, choices, lang: str) -> str:
    with translation.override(lang):
        names = dict(choices)
        return ("、" if lang == "ja" else ", ").join(str(names.get(v, v)) for v in values)


def _pair_problems(p: Placement) -> list[FieldProblem]:
    expert, need = p.expert, p.need
    problems = []
    served = {pref.code for pref in expert.serves_prefectures.all()}
    if need.municipality.prefecture_id not in served:
        problems.append(_problem(1, "対象外の都道府県です。", "the expert does not serve this prefecture"))
    levels = {s.skill: s.level for s in expert.skills.all()}
    short = [s.skill for s in need.skills.all() if s.required and levels.get(s.skill, 0) < s.level]
    if short:
        problems.append(_problem(2, f"必須スキルが不足しています（{_labels(short, Skill.choices, 'ja')}）。",
                                 f"required skills missing: {_labels(short, Skill.choices, 'en')}"))
    if common_employment_form(expert, need) is None:
        problems.append(_problem(3, "任用形態が合いません。", "no common employment form"))
    if need.onsite_required and need.municipality.prefecture_id not in {x.code for x in expert.onsite_prefectures.all()}:
        problems.append(_problem(4, "現地勤務ができません。", "the expert cannot work onsite there"))
    if need.weekly_days:
        allowed = set(expert.weekdays) & set(need.weekdays)
        if len(set(p.weekdays)) != need.weekly_days or not set(p.weekdays) <= allowed:
            problems.append(_problem(5, "曜日が合いません（人材の稼働曜日が変わった可能性があります）。",
                                     "the weekdays no longer fit the expert's and the need's weekdays"))
    lowest = expert.daily_rate * p.days_per_year
    if lowest + p.travel_cost > p.budget:
        if p.travel_cost:
            problems.append(_problem(
                6, f"人材の報酬の下限 {lowest:,}円 と費用弁償 {p.travel_cost:,}円 の計 {lowest + p.travel_cost:,}円 が"
                   f"予算 {p.budget:,}円 を超えます。",
                f"the expert's lowest fee {lowest:,} yen and travel {p.travel_cost:,} yen "
                f"({lowest + p.travel_cost:,} yen) exceed the budget {p.budget:,} yen"))
        else:
            problems.append(_problem(6, f"報酬 {lowest:,}円 が予算 {p.budget:,}円 を超えます。",
                                     f"fee {lowest:,} yen exceeds budget {p.budget:,} yen"))
    return problems


def _joint_problems(p: Placement, holdings: list) -> list[FieldProblem]:
    expert = p.expert
    problems = []
    if len(holdings) + 1 > expert.max_engagements:
        problems.append(_problem(9, f"最大兼務数 {expert.max_engagements} を超えます。",
                                 f"more than the expert's {expert.max_engagements} engagements"))
    used = sum(e.days_per_year for e in holdings)
    if used + p.days_per_year > expert.capacity_days:
        problems.append(_problem(
            10, f"年間稼働日数を超えます（承認済 {used}日 + {p.days_per_year}日 > {expert.capacity_days}日）。",
            f"capacity exceeded ({used} approved + {p.days_per_year} > {expert.capacity_days} days)"))
    taken = sorted({d for e in holdings for d in e.weekdays} & set(p.weekdays))
    if taken:
        problems.append(_problem(11, f"同じ曜日に別の勤務があります（{_labels(taken, Weekday.choices, 'ja')}）。",
                                 f"already serving elsewhere on {_labels(taken, Weekday.choices, 'en')}"))
    return problems


def placement_problems(p: Placement, *, holdings: list, forbidden: bool, replaced_expert_id: int | None,
                       conflicts: list[Procurement], overridden: bool) -> list[FieldProblem]:
    """Every hard rule the placement breaks now; empty when it may be approved."""
    problems = _pair_problems(p)
    if conflicts and not overridden:
        titles = "、".join(c.title for c in conflicts)
        problems.append(_problem(
            7, f"人材の所属事業者がこの市区町村の契約中の調達の受託者です（{titles}）。承認するには理由を記録してください。",
            f"the expert's vendor is the incumbent of ongoing procurements here ({', '.join(c.title for c in conflicts)}); "
            "approving needs a written override reason", field="override_reason"))
    if forbidden or (replaced_expert_id is not None and replaced_expert_id == p.expert.pk):
        problems.append(_problem(8, "この組み合わせは除外されています。", "this pair is forbidden"))
    return problems + _joint_problems(p, holdings)
