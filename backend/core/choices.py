"""The vocabulary shared by models, API, UI and the exchange format (one word for one thing)."""

from django.db import models
from django.utils import translation
from django.utils.translation import gettext_lazy as _


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
