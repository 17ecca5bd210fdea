"""Unmatched needs: the spec's reason and a detail a person can act on, in English and Japanese.

This module owns the wording of unmatched details (over_budget names the lowest eligible fee and
the budget that would match; capacity names the needs that took the candidates). Reasons come
from eligibility.py; this module only explains them. Each explainer gathers its facts once and
words them twice: `detail` (English, the exchange format's field) and `detail_ja` (an added field
for the Japanese UI).
"""

from __future__ import annotations

from collections import defaultdict

import numpy as np

from .eligibility import Candidates, ExpertTable
from .model import CAPACITY, RULE_REASONS, WEEKDAYS, Instance, Need, mask_weekdays

# Japanese words for the exchange format's codes; matching never imports Django, so unknown codes show as is.
WEEKDAY_JA = dict(zip(WEEKDAYS, "月火水木金土日", strict=True))
FORM_JA = {"special_part_time": "特別職非常勤職員", "fixed_term_short": "任期付短時間職員",
           "fiscal_year": "会計年度任用職員", "contract": "業務委託", "commission": "委嘱"}
SKILL_JA = {"planning": "企画・計画", "procurement": "調達", "security": "情報セキュリティ",
            "network": "ネットワーク", "data": "データ利活用", "ai_rpa": "AI・RPA",
            "standardization": "標準化・ガバメントクラウド", "bpr": "業務改革(BPR)", "training": "人材育成",
            "strategy": "DX戦略"}

Detail = tuple[str, str]  # (English, Japanese)


def _yen(v: int) -> Detail:
    return f"{v:,}", f"{v:,}円"


def _ids(inst: Instance, experts, limit: int = 5) -> Detail:
    ids = [inst.experts[int(e)].id for e in experts]
    shown, more = ", ".join(ids[:limit]), len(ids) - limit
    if more <= 0:
        return shown, shown
    return f"{shown} and {more} more", f"{shown} ほか{more}名"


def _out_of_scope(inst: Instance, need: Need, before) -> Detail:
    return (f"no expert serves prefecture {need.prefecture}",
            f"都道府県コード {need.prefecture} に対応する専門人材がいません。")


def _no_skill(inst: Instance, need: Need, before) -> Detail:
    wanted = sorted(need.required_skills.items())
    return (f"none of the {len(before)} experts serving prefecture {need.prefecture} has "
            + ", ".join(f"{s}>={lvl}" for s, lvl in wanted),
            f"都道府県コード {need.prefecture} に対応する専門人材 {len(before)}名のうち、"
            + "、".join(f"{SKILL_JA.get(s, s)}（レベル{lvl}以上）" for s, lvl in wanted)
            + "を満たす者はいません。")


def _no_form(inst: Instance, need: Need, before) -> Detail:
    offered = sorted({f for e in before for f in inst.experts[int(e)].employment_forms})
    accepted = sorted(need.employment_forms)
    ja = ["、".join(FORM_JA.get(f, f) for f in forms) or "なし" for forms in (offered, accepted)]
    return (f"the {len(before)} experts with the skills offer {offered}; the need accepts {accepted}",
            f"必須スキルを満たす専門人材 {len(before)}名の任用形態は{ja[0]}で、"
            f"このニーズが受け入れる任用形態（{ja[1]}）と一致しません。")


def _no_onsite(inst: Instance, need: Need, before) -> Detail:
    ids = _ids(inst, before)
    return (f"none of the {len(before)} otherwise eligible experts ({ids[0]}) works onsite in "
            f"{need.prefecture}",
            f"他の条件を満たす専門人材 {len(before)}名（{ids[1]}）は、いずれも都道府県コード "
            f"{need.prefecture} で現地勤務ができません。")


def _no_weekday(inst: Instance, need: Need, before) -> Detail:
    days = mask_weekdays(need.weekdays)
    best = max(bin(inst.experts[int(e)].weekdays & need.weekdays).count("1") for e in before)
    return (f"needs {need.weekly_days} of {days}; the {len(before)} otherwise eligible "
            f"experts offer at most {best} of these days",
            f"{'・'.join(WEEKDAY_JA[d] for d in days)}曜日のうち週{need.weekly_days}日の勤務が必要ですが、"
            f"他の条件を満たす専門人材 {len(before)}名が勤務できるのは、このうち最大{best}日です。")


def _over_budget(inst: Instance, need: Need, before) -> Detail:
    """Rule 6 fails in two ways: the offered fee is below what an expert accepts, or fee and travel exceed
    the budget. The detail names each way that occurs, with the amounts of the closest expert."""
    r = inst.need_index[need.id]
    costs = [(inst.accepted_fee(int(e), r), inst.fee(int(e), r), inst.travel_cost(int(e), r),
              inst.experts[int(e)].id) for e in before]
    below = [(a, i) for a, f, _, i in costs if a > f]
    over = [(f + t, f, t, i) for a, f, t, i in costs if a <= f]
    en, ja = [], []
    if below:
        (low, who), offered = min(below), need.offered_fee
        en.append(f"offered fee {offered:,} is below what {len(below)} eligible experts accept "
                  f"(lowest {low:,}, {who})")
        ja.append(f"提示報酬 {offered:,}円 は、条件を満たす専門人材 {len(below)}名の希望最低額を下回っています"
                  f"（最も低い {who} で {low:,}円）。")
    if over:
        total, f, t, who = min(over)
        (tot, tot_ja), (budget, budget_ja) = _yen(total), _yen(need.budget)
        if need.offered_fee is None and t == 0:  # the wording of version 1
            en.append(f"lowest eligible fee {tot} > budget {budget}; a budget of {tot} would match {who}")
            ja.append(f"条件を満たす専門人材の最低報酬 {tot_ja} が予算 {budget_ja} を超えています。"
                      f"予算を {tot_ja} にすれば {who} と合致します。")
        else:
            en.append(f"fee and travel exceed the budget: lowest fee {f:,} + travel {t:,} = {tot} > budget "
                      f"{budget}; a budget of {tot} would match {who}")
            ja.append(f"報酬と旅費の合計が予算を超えています（最も低い {who} で報酬 {f:,}円 ＋ 旅費 {t:,}円 ＝ "
                      f"{tot_ja} ＞ 予算 {budget_ja}）。予算を {tot_ja} にすれば {who} と合致します。")
    return "; ".join(en), "".join(ja)


def _conflict(inst: Instance, need: Need, before) -> Detail:
    vendors = ", ".join(sorted({p.incumbent_vendor for p in inst.procurements
                                if p.municipality == need.municipality and p.status == "ongoing"
                                and p.incumbent_vendor}))
    ids, n, m = _ids(inst, before), len(before), need.municipality
    return (f"all {n} eligible experts ({ids[0]}) work for an incumbent vendor of an ongoing "
            f"procurement of {m} ({vendors}); a coi_override would allow one",
            f"条件を満たす専門人材 {n}名（{ids[1]}）は、いずれも市区町村 {m} で契約中の調達の受託事業者"
            f"（{vendors}）に所属しています。利益相反の例外承認（coi_override）を記録すれば、"
            "このうち1名を配置できます。")


def _forbidden(inst: Instance, need: Need, before) -> Detail:
    forbidden = ", ".join(sorted(inst.experts[int(e)].id for e in before
                                 if (inst.experts[int(e)].id, need.id) in inst.forbids))
    replaced = need.current_expert if need.replacement_requested else None
    en = ([f"forbidden: {forbidden}"] if forbidden else []) + (
        [f"current expert {replaced} is to be replaced"] if replaced else [])
    ja = ([f"除外指定：{forbidden}"] if forbidden else []) + (
        [f"現任の {replaced} は交代予定"] if replaced else [])
    return (f"all {len(before)} eligible experts are excluded ({'; '.join(en)})",
            f"条件を満たす専門人材 {len(before)}名は、いずれも除外されています（{'、'.join(ja)}）。")


EXPLAIN_RULE = dict(zip(RULE_REASONS, (_out_of_scope, _no_skill, _no_form, _no_onsite, _no_weekday,
                                       _over_budget, _conflict, _forbidden), strict=True))


def _rule_detail(inst: Instance, table: ExpertTable, r: int, k: int) -> Detail:
    need = inst.needs[r]
    before = table.stages(need)[k - 1] if k > 0 else np.zeros(0, dtype=np.int64)
    return EXPLAIN_RULE[RULE_REASONS[k]](inst, need, before)


def _capacity_detail(inst: Instance, allowed, taken_by: dict[int, list[int]]) -> Detail:
    en, ja = [], []
    for e in allowed[:5]:
        ex = inst.experts[int(e)]
        held = taken_by.get(int(e), [])
        if not held:
            en.append(f"{ex.id} has no room for it (capacity_days {ex.capacity_days}, "
                      f"max_engagements {ex.max_engagements})")
            ja.append(f"{ex.id} には空きがありません（稼働上限 {ex.capacity_days}日、"
                      f"担当上限 {ex.max_engagements}件）")
            continue
        ids = ", ".join(inst.needs[r].id for r in held)
        count, days = len(held), sum(inst.needs[r].days_per_year for r in held)
        en.append(f"{ex.id} took {ids} ({count}/{ex.max_engagements} engagements, "
                  f"{days}/{ex.capacity_days} days)")
        ja.append(f"{ex.id} は {ids} を担当済み（{count}/{ex.max_engagements}件、{days}/{ex.capacity_days}日）")
    more = len(allowed) - 5
    return ("allowed experts are needed elsewhere: " + "; ".join(en)
            + (f"; and {more} more experts" if more > 0 else ""),
            "条件を満たす専門人材は、他のニーズに配置されています。" + "。".join(ja) + "。"
            + (f"ほか{more}名も同様です。" if more > 0 else ""))


def _pins_detail(inst: Instance, allowed) -> Detail:
    ids = ", ".join(inst.experts[int(e)].id for e in allowed[:5]) + (" …" if len(allowed) > 5 else "")
    return (f"nothing is assigned because the pins cannot all hold (see conflicting_pins); allowed experts: {ids}",
            f"固定指定が両立しないため、何も配置していません（conflicting_pins を参照）。条件を満たす専門人材: {ids}")


def unmatched(inst: Instance, table: ExpertTable, cands: Candidates, assigned: list[tuple[int, int]],
              pins_conflict: bool = False) -> list[dict]:
    """One entry per need not assigned, in need order: the spec's reason and a detail in each language.
    With pins_conflict (an infeasible instance) nothing is assigned, and a need that has allowed experts
    still gets the spec's `capacity`, with a detail that points at the pins."""
    filled = {r for _, r in assigned}
    taken_by: dict[int, list[int]] = defaultdict(list)
    for e, r in sorted(assigned, key=lambda p: p[1]):
        taken_by[e].append(r)
    out = []
    for r, need in enumerate(inst.needs):
        if r in filled:
            continue
        k = cands.empty_at[r]
        if k is None and pins_conflict:
            reason, (en, ja) = CAPACITY, _pins_detail(inst, cands.experts_of[r])
        elif k is None:
            reason, (en, ja) = CAPACITY, _capacity_detail(inst, cands.experts_of[r], taken_by)
        else:
            reason, (en, ja) = RULE_REASONS[k], _rule_detail(inst, table, r, k)
        out.append({"need": need.id, "reason": reason, "detail": en, "detail_ja": ja})
    return out
