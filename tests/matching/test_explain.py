"""Unmatched details: every reason gets a Japanese detail (`detail_ja`) with the same facts as the English one."""

import pytest

from .conftest import expert, instance, need, reasons, solved

ONGOING_V01 = [{"id": "P1", "municipality": "202011", "category": "operations", "status": "ongoing",
                "incumbent_vendor": "V01"}]


def _capacity_doc():
    e = expert("E003", max_engagements=2, capacity_days=96)
    return instance([e], [need("N010", priority=5), need("N011", priority=5), need("N012", priority=1)])


CASES = {
    "out_of_scope": (instance([expert("E1", serves_prefectures=["19"])], [need("N1")]),
                     ["都道府県コード 20 に対応する専門人材がいません。"]),
    "no_skill": (instance([expert("E1", skills={"security": 1})], [need("N1", required_skills={"security": 2})]),
                 ["専門人材 1名", "情報セキュリティ（レベル2以上）を満たす者はいません"]),
    "no_form": (instance([expert("E1", employment_forms=["contract"])], [need("N1", employment_forms=["commission"])]),
                ["任用形態は業務委託で", "任用形態（委嘱）と一致しません"]),
    "no_onsite": (instance([expert("E1", onsite_prefectures=["19"])], [need("N1", onsite_required=True)]),
                  ["専門人材 1名（E1）", "都道府県コード 20 で現地勤務ができません"]),
    "no_weekday": (instance([expert("E1", weekdays=["mon"])],
                            [need("N1", weekly_days=2, days_per_year=96, weekdays=["mon", "wed", "sat"])]),
                   ["月・水・土曜日のうち週2日の勤務が必要", "最大1日"]),
    "over_budget": (instance([expert("E012", daily_rate=65_000), expert("E013", daily_rate=90_000)],
                             [need("N1", budget=2_400_000)]),
                    ["条件を満たす専門人材の最低報酬 3,120,000円 が予算 2,400,000円 を超えています。"
                     "予算を 3,120,000円 にすれば E012 と合致します。"]),
    "conflict": (instance([expert("E1", affiliations=[{"vendor": "V01", "relation": "side_job"}])], [need("N1")],
                          procurements=ONGOING_V01),
                 ["（E1）", "市区町村 202011 で契約中の調達の受託事業者（V01）に所属",
                  "利益相反の例外承認（coi_override）を記録すれば"]),
    "forbidden": (instance([expert("E1"), expert("E2")], [need("N1", current_expert="E2", replacement_requested=True)],
                           forbids=[{"expert": "E1", "need": "N1"}]),
                  ["専門人材 2名", "除外指定：E1", "現任の E2 は交代予定"]),
    "capacity": (_capacity_doc(), ["E003 は N010, N011 を担当済み（2/2件、96/96日）"]),
}


@pytest.mark.parametrize("reason", list(CASES))
def test_each_reason_has_a_japanese_detail_with_its_facts(reason):
    doc, facts = CASES[reason]
    result = solved(doc)
    assert reasons(result) == {doc["needs"][-1]["id"]: reason}
    entry = result["unmatched"][0]
    assert entry["detail"] and entry["detail_ja"] != entry["detail"]
    for fact in facts:
        assert fact in entry["detail_ja"], (fact, entry["detail_ja"])


def test_the_english_detail_is_unchanged():
    doc, _ = CASES["over_budget"]
    assert solved(doc)["unmatched"][0] == {
        "need": "N1", "reason": "over_budget",
        "detail": "lowest eligible fee 3,120,000 > budget 2,400,000; a budget of 3,120,000 would match E012",
        "detail_ja": "条件を満たす専門人材の最低報酬 3,120,000円 が予算 2,400,000円 を超えています。"
                     "予算を 3,120,000円 にすれば E012 と合致します。"}
    doc, _ = CASES["capacity"]
    assert solved(doc)["unmatched"][0]["detail"] == (
        "allowed experts are needed elsewhere: E003 took N010, N011 (2/2 engagements, 96/96 days)")


def test_long_lists_are_cut_in_both_languages():
    doc = instance([expert(f"E{i}", max_engagements=0) for i in range(6)], [need("N1")])
    entry = solved(doc)["unmatched"][0]
    assert entry["reason"] == "capacity"
    assert "E0 には空きがありません（稼働上限 240日、担当上限 0件）" in entry["detail_ja"]
    assert entry["detail_ja"].endswith("ほか1名も同様です。") and entry["detail"].endswith("and 1 more experts")
    doc = instance([expert(f"E{i}", onsite_prefectures=["19"]) for i in range(7)], [need("N1", onsite_required=True)])
    entry = solved(doc)["unmatched"][0]
    assert "（E0, E1, E2, E3, E4 ほか2名）" in entry["detail_ja"] and "E4 and 2 more" in entry["detail"]
