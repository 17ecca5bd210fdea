"""The vocabulary shared by models, API, UI and the exchange format (one word for one thing)."""

from dataclasses import dataclass

from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Weekday(models.TextChoices):
    MON = "mon", _("月")
    TUE = "tue", _("火")
    WED = "wed", _("水")
    THU = "thu", _("木")
    FRI = "fri", _("金")
    SAT = "sat", _("土")
    SUN = "sun", _("日")


WEEKDAY_ORDER = [w.value for w in Weekday]


class Skill(models.TextChoices):
    PLANNING = "planning", _("企画・計画")
    PROCUREMENT = "procurement", _("調達")
    SECURITY = "security", _("情報セキュリティ")
    NETWORK = "network", _("ネットワーク")
    DATA = "data", _("データ利活用")
    AI_RPA = "ai_rpa", _("AI・RPA")
    STANDARDIZATION = "standardization", _("標準化・ガバメントクラウド")
    BPR = "bpr", _("業務改革(BPR)")
    TRAINING = "training", _("人材育成")
    STRATEGY = "strategy", _("DX戦略")


class EmploymentForm(models.TextChoices):
    SPECIAL_PART_TIME = "special_part_time", _("特別職非常勤職員")
    FIXED_TERM_SHORT = "fixed_term_short", _("任期付短時間職員")
    FISCAL_YEAR = "fiscal_year", _("会計年度任用職員")
    CONTRACT = "contract", _("業務委託")
    COMMISSION = "commission", _("委嘱")


class Role(models.TextChoices):
    CIO_ADVISER = "cio_adviser", _("CIO補佐官")
    CISO_ADVISER = "ciso_adviser", _("CISO補佐官")
    DX_SUPPORTER = "dx_supporter", _("情報化推進支援員")
    OTHER = "other", _("その他")


class AffiliationRelation(models.TextChoices):
    EMPLOYEE = "employee", _("在籍")
    SIDE_JOB = "side_job", _("兼業")
    FORMER_EMPLOYEE = "former_employee", _("元在籍")


ACTIVE_RELATIONS = (AffiliationRelation.EMPLOYEE, AffiliationRelation.SIDE_JOB)


class ProcurementCategory(models.TextChoices):
    PLANNING_SUPPORT = "planning_support", _("ITシステム化計画の策定支援")
    DESIGN_DEVELOPMENT = "design_development", _("設計・開発と工程管理支援")
    OPERATIONS = "operations", _("運用")
    AUDIT = "audit", _("システム監査")


class ProcurementStatus(models.TextChoices):
    PLANNED = "planned", _("予定")
    ONGOING = "ongoing", _("契約中")


class EngagementStatus(models.TextChoices):
    """An engagement's status (its moves: backend/engagements/workflows.py). Declared here, with the other
    vocabularies, because apps below engagements read it: an expert's holdings, the restriction register."""

    OFFERED = "offered", _("承諾待ち")
    ACTIVE = "active", _("稼働中")
    DECLINED = "declined", _("辞退")
    ENDED = "ended", _("終了")
    # Replaced before its term began: it never served, so it has no end date of its own and no restriction.
    CANCELLED = "cancelled", _("開始前に取消")
    # Not answered by its deadline (issue 25): the need is on offer again and the pair is remembered like a decline.
    LAPSED = "lapsed", _("回答期限切れ")


# The statuses in which an engagement holds its expert's days, weekdays and its need.
HOLDING_STATUSES = (EngagementStatus.OFFERED, EngagementStatus.ACTIVE)


class WorkPattern(models.TextChoices):
    WEEKLY = "weekly", _("週あたり日数")
    MONTHLY = "monthly", _("月あたり日数")
    YEARLY = "yearly", _("年あたり日数")


def value_by_label(choices) -> dict[str, str]:
    """Value by label in either language, and by the value itself: a clerk's file or form may say
    特別職非常勤職員, Special part-time or special_part_time, whatever the page's language is."""
    by_label = {value: value for value, _label in choices}
    for lang in ("en", "ja"):
        with translation.override(lang):
            by_label.update({str(label): value for value, label in choices})
    return by_label


@dataclass(frozen=True)
class RuleWords:
    """How screens name a hard rule (by what it is about, never by its number: 「（ルール2）」 meant nothing to a
    clerk, issue 21) and, on the rule that carries
    the engine's unmatched reason for it, why a need was left without an expert, what to change, and what the
    candidates page says of an expert that reason keeps from the need."""

    word: Promise
    unmatched: Promise | None = None
    fix: Promise | None = None
    standing: Promise | None = None


# The hard rules of the exchange format, numbered as `matching.RULE_NAMES`. Approval refusals name a rule by
# its word; the result page explains an unmatched need, and the candidates page an expert kept from a need, by
# the rule `matching.REASON_OF_RULE` gives the engine's reason (rules 9-11 are one reason to the engine,
# capacity, and rule 10 carries its text).
RULES: dict[int, RuleWords] = {
    1: RuleWords(pgettext_lazy("rule", "対象範囲"),
                 _("この都道府県に対応する人材がいません。"),
                 _("近隣県と合同でマッチングを実行するか、人材の「対応する都道府県」にこの県を加えてください。"),
                 _("この都道府県に対応していない")),
    2: RuleWords(pgettext_lazy("rule", "スキル"),
                 _("必須スキルのレベルを満たす人材がいません。"),
                 _("必須スキルのレベルを下げるか、一部を歓迎スキルに移してください。"),
                 _("必須スキルのレベルが足りない")),
    3: RuleWords(pgettext_lazy("rule", "任用形態"),
                 _("受け入れ可能な任用形態が人材と一致しません。"),
                 _("任用形態の選択肢を増やしてください（例：業務委託も可とする）。"),
                 _("任用形態が合わない")),
    4: RuleWords(pgettext_lazy("rule", "現地勤務"),
                 _("現地勤務ができる人材がいません。"),
                 _("オンライン対応を認める（現地勤務を不要にする）か、現地対応できる人材を登録してください。"),
                 _("現地勤務ができない")),
    5: RuleWords(pgettext_lazy("rule", "曜日"),
                 _("勤務可能曜日が合う人材がいません。"),
                 _("勤務可能曜日を増やすか、週あたり日数を減らしてください。"),
                 _("空いている曜日が合わない")),
    6: RuleWords(pgettext_lazy("rule", "予算"),
                 _("条件に合う人材の報酬が予算を超えます。"),
                 _("予算を増やすか、日数を減らしてください。詳細に最も安い候補の報酬が表示されます。"),
                 _("報酬が予算を超える")),
    7: RuleWords(pgettext_lazy("rule", "利益相反"),
                 _("条件に合う人材は全員、この市区町村の現在の受託事業者に所属しています。"),
                 _("利益相反の例外を理由付きで記録するか、所属のない人材を登録してください。"),
                 _("所属事業者がこの市区町村の現在の受託事業者")),
    8: RuleWords(pgettext_lazy("rule", "除外の指定"),
                 _("条件に合う人材は全員、コーディネーターが除外しています。"),
                 _("除外の指定を見直してください。"),
                 _("除外の指定・辞退・交代の対象")),
    9: RuleWords(pgettext_lazy("rule", "兼務数の上限")),
    10: RuleWords(pgettext_lazy("rule", "年間稼働日数"),
                  _("条件に合う人材はいますが、優先度の高い他のニーズに割り当てられました。"),
                  _("優先度を上げる、稼働日数に余裕のある人材を登録する、または特定の人材を固定して再実行してください。"),
                  _("兼務数または年間稼働日数の上限に達している")),
    11: RuleWords(pgettext_lazy("rule", "曜日の重複")),
}


# -- wishes and answers (issue 25) ------------------------------------------------------------------------------

class WishSide(models.TextChoices):
    """Who states a wish about an (expert, need) pair: the exchange format's `side`."""

    MUNICIPALITY = "municipality", _("市区町村")
    EXPERT = "expert", _("専門人材")


class WishLevel(models.IntegerChoices):
    """How much a side wants a pair: the exchange format's `level` (no wish: 0, no row)."""

    FIRST = 3, _("第一希望")
    WANTED = 2, _("希望")
    ACCEPTABLE = 1, _("可")


class DeclineReason(models.TextChoices):
    """Why an offer was declined (or why it lapsed: `lapsed` is set by the deadline, never chosen)."""

    FEE = "fee", _("報酬")
    SCHEDULE = "schedule", _("日程")
    SIDE_JOB_PERMISSION = "side_job_permission", _("勤務先の兼業許可が得られない")
    COUNCIL_BUDGET = "council_budget", _("議会・予算")
    OTHER_SIDE = "other_side", _("相手方")
    OTHER = "other", _("その他")
    LAPSED = "lapsed", _("回答期限切れ")


# The reasons a person chooses when declining (a lapse is recorded by the deadline, not chosen).
DECLINE_REASONS_CHOSEN = tuple(r for r in DeclineReason if r != DeclineReason.LAPSED)


class CommitmentKind(models.TextChoices):
    """Work an expert has outside this prefecture's pool, which takes days and weekdays from it."""

    OTHER_PREFECTURE = "other_prefecture", _("他の都道府県の市区町村")
    REGIONAL_INFORMATIZATION_ADVISER = "regional_informatization_adviser", _("地域情報化アドバイザー")
    ENTREPRENEUR = "entrepreneur", _("地域活性化起業人")
    EMPLOYER = "employer", _("勤務先の業務")
    OTHER = "other", _("その他")
