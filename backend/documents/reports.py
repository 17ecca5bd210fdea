"""The activity reports of an engagement (活動報告書), as A4 PDF in Japanese: a month, and a fiscal year.

Made from confirmed months only (月次確認 confirmed, or confirmed on paper with its reference): a month's report
lists its counted days (date, 現地/リモート, hours, topics, what was done) and says when and by whom it was
confirmed; a month not confirmed has no report. The year's report sums its confirmed months and names the other
months of the term as 未確認, without their days. Nothing here writes.
"""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.core.choices import Weekday
from backend.core.errors import ConflictError
from backend.core.fiscal import era_date, era_month, fiscal_year_label
from backend.documents.errors import ErrorCode
from backend.documents.letters import form_of, full_name, in_japanese, role_of
from backend.documents.pdf import SMALL, fields, gap, grid, heading, para, render, title
from backend.documents.selectors import (
    counted_days,
    counted_days_by_month,
    is_confirmed,
    months_in_term,
    work_months_of,
)
from backend.engagements.models import Engagement
from backend.worklog.models import WorkDay, WorkMonth

WEEKDAYS = [label for _value, label in Weekday.choices]  # 月 … 日, in date.weekday() order


def hours_text(value) -> str:
    """Hours as typed: 7.5, 6, 10."""
    text = f"{Decimal(value):f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def day_named(day: dt.date) -> str:
    return f"{era_date(day)}（{WEEKDAYS[day.weekday()]}）"


def confirmation_text(work_month: WorkMonth) -> str:
    """When and by whom the month was confirmed, or the paper's reference."""
    on = era_date(timezone.localtime(work_month.confirmed_at).date())
    if work_month.paper_reference:
        return f"{on} 書面により確認（文書番号 {work_month.paper_reference}）"
    who = work_month.confirmed_by
    return f"{on} {who.get_full_name() or who.username} が確認"


def _summary(days: list[WorkDay]) -> tuple[int, int, int, Decimal]:
    onsite = sum(1 for d in days if d.onsite)
    return len(days), onsite, len(days) - onsite, sum((d.hours for d in days), Decimal(0))


def _engagement_fields(engagement: Engagement, period: str) -> list[tuple[str, str]]:
    return [
        ("専門人材", engagement.expert.name),
        ("任用・委託先", full_name(engagement.municipality)),
        ("業務", f"{engagement.need.title or role_of(engagement)}（{role_of(engagement)}・{form_of(engagement)}）"),
        ("任期", f"{era_date(engagement.starts_on)}〜{era_date(engagement.ends_on)}"),
        ("対象期間", period),
    ]


@in_japanese
def monthly_report_pdf(work_month: WorkMonth) -> bytes:
    """A confirmed month's counted days; a month not (yet) confirmed is refused."""
    if not is_confirmed(work_month):
        raise ConflictError.single("month", ErrorCode.MONTH_NOT_CONFIRMED,
                                   _("この月の活動記録は市区町村の確認が済んでいないため、活動報告書を作成できません。"))
    engagement = work_month.engagement
    month_name = era_month(dt.date(work_month.year, work_month.month, 1))
    days = counted_days(work_month)
    count, onsite, remote, hours = _summary(days)
    rows = [[day_named(d.date), "現地" if d.onsite else "リモート", hours_text(d.hours), d.topics, d.done]
            for d in days]
    flowables = [
        title(f"活動報告書（{month_name}分）"),
        fields([*_engagement_fields(engagement, month_name),
                ("確認", confirmation_text(work_month)), ("照会番号", work_month.reference),
                ("活動日数", f"{count}日（現地 {onsite}日・リモート {remote}日）　計 {hours_text(hours)}時間")]),
        heading("活動の内容"),
        grid(["日付", "形態", "時間", "テーマ", "実施内容"], rows, widths_mm=[40, 18, 12, 36, 64], numeric_columns=(2,))
        if rows else para("この月に算定された活動日はありません。"),
    ]
    if work_month.adjustments.exists():
        flowables += [gap(2), para("確認後に修正された日があります（修正後の記録を示しています）。", SMALL)]
    flowables += [gap(4), para("算定の対象となった日のみを記載しています（市区町村が算定対象外とした日、同意のない契約日数"
                               "超過の日を除く）。", SMALL)]
    return render(flowables, name=f"活動報告書（{month_name}分）")


@in_japanese
def yearly_report_pdf(engagement: Engagement, fiscal_year: int) -> bytes:
    """The fiscal year of an engagement: each month of its term in the year, the confirmed ones summed."""
    months = months_in_term(engagement, fiscal_year)
    found = work_months_of(engagement, months)
    confirmed = [m for m in found.values() if is_confirmed(m)]
    days_of = counted_days_by_month(confirmed)
    rows, total = [], [0, 0, 0, Decimal(0)]
    for key in months:
        work_month = found.get(key)
        name = era_month(dt.date(*key, 1))
        if not is_confirmed(work_month):
            rows.append([name, "未確認", "—", "—", "—", "—", "—"])
            continue
        days = days_of[work_month.pk]
        summary = _summary(days)
        total = [a + b for a, b in zip(total, summary, strict=True)]
        topics = "、".join(dict.fromkeys(d.topics for d in days)) or "—"
        rows.append([name, confirmation_text(work_month), f"{summary[0]}日", f"{summary[1]}日", f"{summary[2]}日",
                     hours_text(summary[3]), topics])
    rows.append(["確認済みの計", "", f"{total[0]}日", f"{total[1]}日", f"{total[2]}日", hours_text(total[3]), ""])
    unconfirmed = sum(1 for key in months if not is_confirmed(found.get(key)))
    label = fiscal_year_label(fiscal_year)
    flowables = [
        title(f"活動報告書（{label}）"),
        fields([*_engagement_fields(engagement, label),
                ("契約日数", f"年間{engagement.days_per_year}日（確認済み {total[0]}日）"),
                ("未確認の月", f"{unconfirmed}か月" if unconfirmed else "なし")]),
        heading("月ごとの活動"),
        grid(["月", "確認", "日数", "現地", "リモート", "時間", "主なテーマ"], rows,
             widths_mm=[22, 40, 14, 14, 18, 14, 48], numeric_columns=(2, 3, 4, 5)),
        gap(4), para("確認済みの月のみを集計しています。未確認の月の活動日は記載していません。", SMALL),
    ]
    return render(flowables, name=f"活動報告書（{label}）")
