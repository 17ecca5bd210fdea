"""What the solver's codes mean to a coordinator: unmatched reasons and proposal flags, with what fixes them.

The codes are defined by the exchange format (../shared/spec/exchange-format.md); this module only
words them for people, in Japanese msgids with English translations.
"""

from django.utils.translation import gettext_lazy as _

from backend.core.choices import RULES
from matching import REASON_OF_RULE

# Keyed by the engine's reasons; the words live with the rules (backend.core.choices.RULES).
UNMATCHED_REASONS = {REASON_OF_RULE[rule]: (words.unmatched, words.fix)
                     for rule, words in RULES.items() if words.unmatched is not None}

FLAGS = {
    "bid_restriction": (
        _("入札参加制限"),
        _("この人材が任用されている間、所属事業者はこの市区町村の4区分の調達に入札できません。"),
    ),
    "incumbent_conflict_overridden": (
        _("利益相反の例外適用"),
        _("所属事業者が契約中の調達の受託者ですが、記録された理由により例外として配置しています。"),
    ),
    "former_vendor_notice": (
        _("元所属事業者の注意"),
        _("退職から冷却期間（2年）が経っていない元所属事業者があります。"),
    ),
    "pledge_required": (
        _("誓約書が必要"),
        _("所属事業者があり、情報漏洩防止の誓約書が未提出です。任用前に署名を求めてください。"),
    ),
    "form_notice": (
        _("任用形態の確認"),
        _("情報化推進支援員を特別職非常勤職員として任用する提案です。特別職非常勤職員は専門的な知識に基づく助言・調査・診断の職"
          "（地方公務員法第3条第3項第3号）に限られます。実務的な支援であれば会計年度任用職員か業務委託を検討してください。"),
    ),
}


def reason_text(code: str) -> tuple[str, str]:
    return UNMATCHED_REASONS.get(code, (code, ""))


def flag_text(kind: str) -> tuple[str, str]:
    return FLAGS.get(kind, (kind, ""))

# What comes first in a run (the engine's `lead`), keyed by its criteria joined with ",".
LEADS = {
    "priority": _("優先度優先（優先度の合計を最大に）"),
    "coverage,priority": _("カバー優先（希望したすべての市区町村に1人ずつ）"),
}


def lead_text(lead) -> str:
    key = ",".join(lead or ("priority",))
    return LEADS.get(key, key)


# The criteria the engine applies after the primary (filled needs by priority), in its fixed order.
STAGE_LABELS = {
    "skill_fit": _("希望スキルへの適合"),
    "bid_restrictions": _("計画中の調達にかかる入札参加制限を少なく"),
    "keep_current": _("現任の人材を継続（交代の申出がない場合）"),
    "keep_previous": _("前回の提案からの変更を少なく"),
    "fee": _("予算に対する報酬を低く"),
    "travel": _("現地勤務の移動距離を少なく"),
    "preference": _("双方の希望（第一希望・希望・可）"),
}


# -- both sides' wishes in a run (issue 25) --
WISH_LEVELS = {3: _("第一希望"), 2: _("希望"), 1: _("可"), 0: _("なし")}
WISH_SIDES = {"municipality": _("市区町村"), "expert": _("専門人材")}
# What outweighed a blocking pair (backend.placement.outweighed), keyed by its `by` (lead: by its criterion).
OUTWEIGHED = {
    "priority": _("他の市区町村のより高い優先度"),
    "coverage": _("すべての市区町村に1人ずつのカバー"),
    "capacity": _("充足できるニーズの数（人材の日数・曜日・担当数の上限）"),
    "preference": _("他の組み合わせの希望の合計がより大きい"),
    "rule": _("固定した組み合わせや規則と両立しない"),
    "equal": _("同じ評価の別の結果もこの組み合わせを含み得ます（希望の後の条件または計算時間で決まりました）"),
    "not_counted": _("この実行では希望を考慮していません"),
    "unanalysed": _("未分析"),
}


# Why a re-run proposes another expert for a need than the run before it.
CHANGE_REASONS = {
    "pinned": _("固定の指定"),
    "forbidden": _("除外の指定"),
    "declined": _("前回の提案が辞退された"),
    "new_need": _("新しいニーズ"),
    "recomputed": _("再計算（データの変更や他のニーズとの調整）"),
    "approved": _("承認済み"),
}

# Who declined an offer (a remembered decline).
def answer_by_words(day_text: str, days_left: int) -> str:
    """An offer's answer deadline as the offer pages and the to-do list say it (issue 25):
    回答期限 令和9年4月1日（あと3日）, （今日まで） on the day, （期限切れ） once past."""
    left = (_("あと%(n)s日") % {"n": days_left} if days_left > 0 else _("今日まで") if days_left == 0
            else _("期限切れ"))
    return _("回答期限 %(day)s（%(left)s）") % {"day": day_text, "left": left}


DECLINED_BY = {"municipality": _("市区町村が辞退"), "expert": _("専門人材が辞退"), "lapsed": _("回答期限切れ")}

# What a proposal stands for now (computed when the run page is shown).
LIVE_STATES = {
    "offered": _("承認済・承諾待ち"),
    "active": _("稼働中"),
    "declined": _("辞退された"),
    "ended": _("終了"),
    "cancelled": _("開始前に取消"),
    "superseded": _("再実行で置換"),
    "need_withdrawn": _("ニーズ取り下げ"),
    "need_filled": _("ニーズ充足済（別の任用）"),
}
LIVE_NOTES = {
    "pledge_signed_since": (_("誓約書は署名済み"), _("実行後に、人材が情報漏洩防止の誓約書に署名しました。")),
    "conflict_since": (_("実行後に利益相反が生じました"),
                       _("人材の所属事業者が、この市区町村で契約中の調達の受託者になりました。承認には例外の理由が必要です。")),
}
