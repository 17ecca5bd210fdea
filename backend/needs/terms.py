"""The work terms of a need that must hold together: days per pattern, enough weekdays for a weekly need,
an offered fee within the budget, and on-site days within the working days.

Checked by the input serializer (against the stored need for a partial edit) and again by the service on the
locked row, so that two edits racing each other can never store what neither would have been allowed to.
"""

from decimal import ROUND_HALF_UP, Decimal

from django.utils.translation import gettext_lazy as _

from backend.core.choices import WorkPattern
from backend.core.errors import FieldProblem, interpolate
from backend.core.fiscal import MONTHS_PER_YEAR
from backend.needs.errors import ErrorCode
from backend.needs.models import FeeBasis

PATTERN_LIMITS = {WorkPattern.WEEKLY: 5, WorkPattern.MONTHLY: 20, WorkPattern.YEARLY: 240}


def work_pattern_problems(*, pattern: str | None, days: int | None, weekdays: list[str]) -> list[FieldProblem]:
    problems = []
    limit = PATTERN_LIMITS.get(pattern)
    if limit and days and days > limit:
        problems.append(FieldProblem("pattern_days", ErrorCode.TOO_MANY_DAYS,
                                     interpolate(_("この勤務パターンの日数は%(limit)s日以下で指定してください。"),
                                                 limit=limit)))
    if pattern == WorkPattern.WEEKLY and days and days > len(weekdays):
        problems.append(FieldProblem(
            "weekdays", ErrorCode.TOO_FEW_WEEKDAYS,
            interpolate(_("週%(days)s日の勤務には、勤務可能曜日を%(days)s日以上選んでください（現在%(chosen)s日）。"),
                        days=days, chosen=len(weekdays))))
    return problems


# -- the fee the municipality offers and the on-site days ---------------------------------------------------

def yearly_fee(*, basis: str, amount: int | None, days_per_year: int, hours_per_day: Decimal | None = None) -> int | None:
    """The yearly fee (the engine's `offered_fee`) of an offer stated per year, month, working day or hour.

    annual = amount; monthly = amount × 12; daily = amount × days per year; hourly = amount × hours per day ×
    days per year. None when nothing is offered (the expert's daily rate × days is paid)."""
    if not basis or amount is None:
        return None
    if basis == FeeBasis.ANNUAL:
        return amount
    if basis == FeeBasis.MONTHLY:
        return amount * MONTHS_PER_YEAR
    if basis == FeeBasis.DAILY:
        return amount * days_per_year
    if hours_per_day is None:
        return None
    return int((Decimal(amount) * Decimal(hours_per_day) * days_per_year).to_integral_value(ROUND_HALF_UP))


def fee_problems(*, basis: str, amount: int | None, hours_per_day, days_per_year: int,
                 budget: int | None) -> list[FieldProblem]:
    """What is wrong with an offered fee: half an offer, hours missing for an hourly one, more than the budget."""
    if not basis and amount is None:
        return []
    if not basis:
        return [FieldProblem("fee_basis", ErrorCode.REQUIRED, _("報酬額を入力したときは、年額・月額・日額・時間額のいずれかを選んでください。"))]
    if amount is None:
        return [FieldProblem("fee_amount", ErrorCode.REQUIRED, _("報酬の定め方を選んだときは、報酬額を入力してください。"))]
    if basis == FeeBasis.HOURLY and not hours_per_day:
        return [FieldProblem("fee_hours_per_day", ErrorCode.REQUIRED, _("時間額の報酬には、1日あたりの勤務時間を入力してください。"))]
    offered = yearly_fee(basis=basis, amount=amount, days_per_year=days_per_year, hours_per_day=hours_per_day)
    if budget is not None and offered > budget:
        return [FieldProblem("fee_amount", ErrorCode.OVER_BUDGET,
                             interpolate(_("提示報酬（年額 %(offered)s円）が年間予算 %(budget)s円 を超えています。"),
                                         offered=f"{offered:,}", budget=f"{budget:,}"))]
    return []


def onsite_problems(*, onsite_required: bool, onsite_days: int, days_per_year: int) -> list[FieldProblem]:
    """On-site days only for a need that asks for on-site work, and no more than its working days."""
    if not onsite_required and onsite_days:
        return [FieldProblem("onsite_days", ErrorCode.NOT_ONSITE,
                             _("現地勤務日数は「現地勤務が必要」のときだけ指定できます。"))]
    if onsite_required and onsite_days > days_per_year:
        return [FieldProblem("onsite_days", ErrorCode.MORE_THAN_DAYS,
                             interpolate(_("現地勤務日数（%(onsite)s日）が年間日数（%(days)s日）を超えています。"),
                                         onsite=onsite_days, days=days_per_year))]
    return []
