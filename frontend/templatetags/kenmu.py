"""Template filters for the way staff read numbers: 万円, 年度, weekday kanji, choice labels."""

import datetime as dt

from django import template
from django.utils import timezone
from django.utils.html import format_html_join
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from backend.core import choices
from backend.core.fiscal import era_date, era_month, fiscal_year_label, wareki_datetime
from backend.geo.selectors import place_names
from frontend.labels import answer_by_words
from frontend.menu import menu_for

register = template.Library()

LABELS = {
    "weekday": dict(choices.Weekday.choices),
    "skill": dict(choices.Skill.choices),
    "form": dict(choices.EmploymentForm.choices),
    "role": dict(choices.Role.choices),
    "relation": dict(choices.AffiliationRelation.choices),
    "category": dict(choices.ProcurementCategory.choices),
    "procurement_status": dict(choices.ProcurementStatus.choices),
    "pattern": dict(choices.WorkPattern.choices),
    "decline_code": dict(choices.DeclineReason.choices),
}


def _english() -> bool:
    return (get_language() or "ja").startswith("en")


@register.filter
def man_yen(value) -> str:
    """2400000 -> '240万円' (one decimal when needed: 2450000 -> '245万円', 2405000 -> '240.5万円'); an amount
    that would show as 0万円 or 0.0万円 (nothing, or travel of a few hundred yen) is written in yen: 0円, 400円."""
    if value in (None, ""):
        return ""
    if _english():
        return f"¥{int(value):,}"
    if abs(int(value)) < 1_000:
        return f"{int(value):,}円"
    man = int(value) / 10_000
    shown = f"{man:,.0f}" if man == int(man) else f"{man:,.1f}"
    return f"{shown}万円"


@register.filter
def yen(value) -> str:
    return "" if value in (None, "") else f"{int(value):,}円" if not _english() else f"¥{int(value):,}"


@register.filter
def fy(value) -> str:
    """2027 -> '令和9年度' (in English: 'FY2027')."""
    if value in (None, ""):
        return ""
    return f"FY{int(value)}" if _english() else fiscal_year_label(int(value))


@register.filter
def wareki(value) -> str:
    """A date (or the local date of a time) as 令和9年4月1日; in English '1 Apr 2027'. ISO stays in the API."""
    if value in (None, ""):
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value.strftime("%-d %b %Y") if _english() else era_date(value)


@register.filter
def answer_by(value) -> str:
    """An offer's answer deadline as the offer pages show it: 回答期限 令和9年4月1日（あと3日）, 今日まで, or
    期限切れ once past (issue 25)."""
    if value in (None, ""):
        return ""
    return answer_by_words(wareki(value), (value - timezone.localdate()).days)


@register.filter(name="era_month")
def month_of(value) -> str:
    """Anything with a year and a month (a month of an activity log) as 令和8年10月; in English 'October 2026'."""
    return era_month(dt.date(value.year, value.month, 1), english=_english())


@register.filter
def wareki_time(value) -> str:
    """A time as 令和9年4月1日 14:30 (local time)."""
    return "" if value in (None, "") else wareki_datetime(value, english=_english())


@register.filter
def label(value, kind: str) -> str:
    """The Japanese (or English) label of a vocabulary value: {{ "mon"|label:"weekday" }}."""
    return str(LABELS[kind].get(value, value))


@register.filter
def labels(values, kind: str) -> str:
    sep = ", " if _english() else "・"
    return sep.join(str(LABELS[kind].get(v, v)) for v in (values or []))


@register.filter
def weekdays(values) -> str:
    if not values:
        return _("指定なし")
    return labels(values, "weekday")


@register.filter
def skill_levels(rows) -> str:
    """[{"skill": "security", "level": 3}, …] -> 'セキュリティ(Lv3)、…', the level small: one call per row
    of a list page rather than a loop in the template."""
    sep = ", " if _english() else "、"
    return format_html_join(sep, "{}<small>(Lv{})</small>",
                            ((LABELS["skill"].get(r["skill"], r["skill"]), r["level"]) for r in rows or []))


# The eight regions (地方) by the first and last prefecture code of each.
REGIONS = ((1, 1, "北海道"), (2, 7, "東北"), (8, 14, "関東"), (15, 23, "中部"), (24, 30, "近畿"), (31, 35, "中国"),
           (36, 39, "四国"), (40, 47, "九州・沖縄"))


@register.filter
def by_region(prefectures) -> list[tuple[str, list]]:
    """Prefectures (objects with .code) grouped by region, in code order, for the prefecture picker."""
    groups = []
    for first, last, name in REGIONS:
        members = [p for p in prefectures if first <= int(p.code) <= last]
        if members:
            groups.append((_(name), members))
    return groups


@register.filter
def prefecture(code) -> str:
    """A prefecture code as its name ("20" -> "長野県"); the register does not change while the service runs."""
    return place_names("prefecture").get(code, code or "")


@register.filter
def municipality_full(code) -> str:
    """A 団体コード as '長野県長野市' (a form's chosen municipality: never a bare code); other text as typed."""
    code = str(code or "")
    name = place_names("municipality").get(code)
    return f"{place_names('prefecture').get(code[:2], '')}{name}" if name else code


@register.filter
def errors_for(form_errors, name: str) -> list[str]:
    return form_errors.get(name) if form_errors else []


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None


@register.filter
def percent(value, total) -> int:
    try:
        return round(100 * float(value) / float(total)) if total else 0
    except (TypeError, ValueError):
        return 0


SECTIONS = {
    "expert": "experts", "expert-new": "experts", "expert-edit": "experts",
    "need-new": "needs", "need-edit": "needs", "procurement-edit": "procurements",
    "run": "runs", "run-new": "runs", "proposal-approve": "runs", "replacement-new": "engagements",
    "replacement-run": "replacements", "me-pledge": "me", "notification-settings": "notifications",
    "invitation-new": "invitations", "user-deactivate": "users", "application": "applications",
    "renewal-prepare": "renewals", "renewal-confirm": "renewals", "renewal-drop": "renewals",
    "costs-export": "costs", "payments-sheet": "payments", "engagement-end": "engagements", "engagement-goals": "engagements",
    "engagement-evaluate": "engagements", "engagement-successor-run": "engagements",
    "funding-scheme-add": "funding-schemes", "funding-scheme-edit": "funding-schemes",
    "recruitment-cost-add": "recruitment-costs", "recruitment-cost-remove": "recruitment-costs",
    "engagement-funding": "engagements",
    "vendor": "vendors", "vendor-merge": "vendors", "vendor-retire": "vendors", "vendor-duplicate-dismiss": "vendors",
    "public-settings-save": "public-settings",
    "need-shortlist": "needs",
}


@register.filter
def prefecture_names(codes, names: dict) -> str:
    """Prefecture codes as names, for the clerk ("20, 10" -> "長野県、群馬県"); the view passes the names."""
    return "、".join(names.get(code, code) for code in codes or [])


@register.simple_tag
def menu(user) -> list:
    """The user's menu entries (frontend/menu.py): links and drop-down groups."""
    return menu_for(user)


@register.simple_tag(takes_context=True)
def nav_section(context) -> str:
    """The menu entry the current page belongs to (marked aria-current)."""
    match = getattr(context.get("request"), "resolver_match", None)
    name = match.url_name if match else ""
    return SECTIONS.get(name, name)


@register.filter
def hours(value) -> str:
    """Hours as typed: 7.5, 6, 10 (a Decimal of the activity log, stored with two places)."""
    if value is None or value == "":
        return "0"
    text = f"{value:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text
