"""The work terms of a need that must hold together: days per pattern, and enough weekdays for a weekly need.

Checked by the input serializer (against the stored need for a partial edit) and again by the service on the
locked row, so that two edits racing each other can never store what neither would have been allowed to.
"""

from backend.core.choices import WorkPattern
from backend.core.errors import FieldProblem

PATTERN_LIMITS = {WorkPattern.WEEKLY: 5, WorkPattern.MONTHLY: 20, WorkPattern.YEARLY: 240}


def terms_problems(*, pattern: str | None, days: int | None, weekdays: list[str]) -> list[FieldProblem]:
    problems = []
    limit = PATTERN_LIMITS.get(pattern)
    if limit and days and days > limit:
        problems.append(FieldProblem("pattern_days", "too_many_days",
                                     f"この勤務パターンの日数は{limit}日以下で指定してください。",
                                     f"At most {limit} days for this work pattern."))
    if pattern == WorkPattern.WEEKLY and days and days > len(weekdays):
        problems.append(FieldProblem(
            "weekdays", "too_few_weekdays",
            f"週{days}日の勤務には、勤務可能曜日を{days}日以上選んでください（現在{len(weekdays)}日）。",
            f"A {days}-day weekly pattern needs at least {days} accepted weekdays (got {len(weekdays)})."))
    return problems
