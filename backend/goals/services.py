"""Writes of goals and evaluations (目標と評価). Each checks its actor first (the municipality's staff and the
engagement's expert are the two sides; the coordinator reads, never writes), locks the engagement in the one order
(backend/engagements/locks.py: the expert, the need, the engagement; the goals and evaluations after it) and audits
with its `AuditAction` member.

Goals are the pair's: either side sets them (up to five) and either may edit them until the first evaluation
exists; from then on they are what was evaluated. An evaluation is one side's for one period of a fiscal year: the
municipality's (each goal 達成・一部達成・未達成, an overall 1–5) or the expert's self-evaluation, never one for the
other, and submitted once.
"""

import datetime as dt

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import is_expert_self, is_staff_of
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import ConflictError, DomainError, FieldProblem, ForbiddenError, interpolate
from backend.core.fiscal import era_date, fiscal_year_label
from backend.engagements.locks import engagements_locked
from backend.engagements.models import Engagement, EngagementStatus
from backend.engagements.services import engagement_notify
from backend.goals.errors import ErrorCode
from backend.goals.models import (
    GOAL_LENGTH,
    MAX_GOALS,
    Evaluation,
    EvaluationPeriod,
    EvaluationSide,
    Goal,
    GoalRating,
    GoalRatingValue,
)
from backend.notifications.models import NotificationKind
from backend.notifications.selectors import recipients_parties

# -- who and when ---------------------------------------------------------------------------------------------

def party_side(actor: User, engagement: Engagement) -> str | None:
    """The side the actor writes for: the municipality's staff or the engagement's expert; None for anyone else."""
    if is_staff_of(actor, engagement.municipality_id):
        return EvaluationSide.MUNICIPALITY
    if is_expert_self(actor, engagement.expert_id):
        return EvaluationSide.EXPERT
    return None


def _side_of(actor: User, engagement: Engagement) -> str:
    side = party_side(actor, engagement)
    if side is None:
        raise ForbiddenError.single("engagement", ErrorCode.NOT_A_PARTY,
                                    _("目標と評価を記入できるのは、この任用の市区町村の職員と専門人材のみです。"))
    return side


def period_opens(period: str, fiscal_year: int) -> dt.date:
    """中間 from 1 October of the fiscal year, 年度末 from 1 March (of the next calendar year)."""
    return dt.date(fiscal_year, 10, 1) if period == EvaluationPeriod.OCTOBER else dt.date(fiscal_year + 1, 3, 1)


def fiscal_years_of(engagement: Engagement) -> range:
    """The fiscal years an engagement's term covers (a 任期付短時間職員 may serve three)."""
    last = engagement.ends_on.year if engagement.ends_on.month >= 4 else engagement.ends_on.year - 1
    return range(engagement.fiscal_year, max(last, engagement.fiscal_year) + 1)


def open_periods(engagement: Engagement, *, today: dt.date) -> list[tuple[int, str]]:
    """(fiscal year, period) an evaluation may be given for today: opened by today, and the engagement served
    on the day it opened (one ended in August has no October evaluation; one begun in November neither)."""
    return [(year, period) for year in fiscal_years_of(engagement) for period in EvaluationPeriod.values
            if engagement.starts_on <= period_opens(period, year) <= min(engagement.ends_on, today)]


def _period_problem(engagement: Engagement, *, fiscal_year: int, period: str, today: dt.date) -> FieldProblem | None:
    if fiscal_year not in fiscal_years_of(engagement):
        return FieldProblem("fiscal_year", ErrorCode.OUTSIDE_TERM, interpolate(
            _("%(fy)sはこの任用の任期外です。"), fy=fiscal_year_label(fiscal_year)))
    opens = period_opens(period, fiscal_year)
    label = EvaluationPeriod(period).label
    if opens > today:
        return FieldProblem("period", ErrorCode.NOT_OPEN, interpolate(
            _("%(fy)sの%(period)s評価は%(opens)sから記入できます。"), fy=fiscal_year_label(fiscal_year), period=label,
            opens=era_date(opens)))
    if not engagement.starts_on <= opens <= engagement.ends_on:
        return FieldProblem("period", ErrorCode.OUTSIDE_TERM, interpolate(
            _("この任用は%(opens)sに任期内でないため、%(period)s評価はありません。"), opens=era_date(opens), period=label))
    return None


# -- goals ----------------------------------------------------------------------------------------------------

def _goals_snapshot(engagement: Engagement) -> list[str]:
    return list(Goal.objects.filter(engagement=engagement).order_by("position").values_list("text", flat=True))


@transaction.atomic(durable=True)
def goals_set(*, actor: User, engagement: Engagement, texts: list[str]) -> list[Goal]:
    """The goals of an active engagement, in order (blank lines dropped, at most five), set by its municipality's
    staff or its expert; either may change them until the first evaluation is submitted."""
    _side_of(actor, engagement)
    texts = [t.strip() for t in texts if (t or "").strip()]
    if len(texts) > MAX_GOALS:
        raise DomainError.single("texts", ErrorCode.TOO_MANY, interpolate(
            _("目標は%(max)s件までです（%(n)s件あります）。"), max=MAX_GOALS, n=len(texts)))
    too_long = [i for i, t in enumerate(texts, start=1) if len(t) > GOAL_LENGTH]
    if too_long:
        raise DomainError.single("texts", ErrorCode.TOO_LONG, interpolate(
            _("目標%(n)sが長すぎます（%(max)s文字まで）。"), n=too_long[0], max=GOAL_LENGTH))
    engagement = engagements_locked([engagement.pk], predecessors=False)[engagement.pk]
    if engagement.status != EngagementStatus.ACTIVE:
        raise ConflictError.single("engagement", ErrorCode.NOT_ACTIVE, _("目標を設定できるのは稼働中の任用のみです。"))
    if Evaluation.objects.filter(engagement=engagement).exists():
        raise ConflictError.single("texts", ErrorCode.ALREADY_EVALUATED,
                                   _("評価が提出されたため、目標は変更できません。"))
    before = _goals_snapshot(engagement)
    now = timezone.now()
    for position, text in enumerate(texts, start=1):
        Goal.objects.update_or_create(engagement=engagement, position=position,
                                      defaults={"text": text, "set_by": actor, "set_at": now})
    Goal.objects.filter(engagement=engagement, position__gt=len(texts)).delete()
    audit_record(actor=actor, action=AuditAction.GOALS_SET, obj=engagement,
                 prefecture=engagement.municipality.prefecture, before={"goals": before}, after={"goals": texts})
    return list(Goal.objects.filter(engagement=engagement).order_by("position"))


# -- evaluations ----------------------------------------------------------------------------------------------

def _ratings_problems(goals: dict[int, Goal], ratings: dict) -> list[FieldProblem]:
    problems = [FieldProblem("ratings", ErrorCode.UNKNOWN_GOAL, _("この任用の目標ではないものが評価されています。"))
                ] if set(ratings) - set(goals) else []
    for goal_id, goal in goals.items():
        rating = (ratings.get(goal_id) or ("", ""))[0]
        if rating not in GoalRatingValue.values:
            problems.append(FieldProblem(f"ratings.{goal_id}", ErrorCode.NOT_EVALUATED, interpolate(
                _("目標%(n)s「%(goal)s」の達成度（達成・一部達成・未達成）を選んでください。"), n=goal.position,
                goal=goal.text)))
    return problems


@transaction.atomic(durable=True)
def evaluation_submit(*, actor: User, engagement: Engagement, period: str, overall: int, comment: str = "",
                      ratings: dict[int, tuple[str, str]], fiscal_year: int | None = None) -> Evaluation:
    """One side's evaluation of one period: the municipality's staff give the municipality's, the expert their
    self-evaluation. `ratings` maps each goal's id to (rating, comment); every goal is rated. The period opens on
    1 October (中間) and 1 March (年度末) of the fiscal year (the engagement's first by default). The other side and
    the coordinators are told."""
    side = _side_of(actor, engagement)
    fiscal_year = fiscal_year or engagement.fiscal_year
    if period not in EvaluationPeriod.values:
        raise DomainError.single("period", ErrorCode.NOT_OPEN, _("評価の時期は「中間」か「年度末」を選んでください。"))
    engagement = engagements_locked([engagement.pk], predecessors=False)[engagement.pk]
    if engagement.status not in (EngagementStatus.ACTIVE, EngagementStatus.ENDED):
        raise ConflictError.single("engagement", ErrorCode.NOT_ACTIVE, _("評価できるのは稼働中または終了した任用のみです。"))
    problem = _period_problem(engagement, fiscal_year=fiscal_year, period=period, today=timezone.localdate())
    if problem:
        raise DomainError(problem)
    goals = {g.pk: g for g in Goal.objects.filter(engagement=engagement).order_by("position")}
    problems = _ratings_problems(goals, ratings)
    if not 1 <= overall <= 5:
        problems.append(FieldProblem("overall", ErrorCode.NOT_EVALUATED, _("総合評価は1〜5で選んでください。")))
    if problems:
        raise DomainError(*problems)
    if Evaluation.objects.filter(engagement=engagement, fiscal_year=fiscal_year, period=period, side=side).exists():
        raise ConflictError.single("period", ErrorCode.ALREADY_SUBMITTED, _("この時期の評価は提出済みです。"))
    evaluation = Evaluation.objects.create(engagement=engagement, fiscal_year=fiscal_year, period=period, side=side,
                                           overall=overall, comment=(comment or "").strip(), by=actor,
                                           at=timezone.now())
    GoalRating.objects.bulk_create([
        GoalRating(evaluation=evaluation, goal=goal, rating=ratings[goal_id][0],
                   comment=(ratings[goal_id][1] or "").strip()) for goal_id, goal in goals.items()])
    audit_record(actor=actor, action=AuditAction.EVALUATION_SUBMIT, obj=evaluation,
                 prefecture=engagement.municipality.prefecture,
                 after={"engagement": engagement.pk, "fiscal_year": fiscal_year, "period": period, "side": side,
                        "overall": overall, "comment": evaluation.comment,
                        "ratings": {str(g): ratings[g][0] for g in goals}})
    _tell(engagement, evaluation)
    return evaluation


def _tell(engagement: Engagement, evaluation: Evaluation) -> None:
    """The other side and the coordinators of the prefecture hear of it."""
    by_municipality = evaluation.side == EvaluationSide.MUNICIPALITY
    recipients = recipients_parties(
        expert_id=engagement.expert_id if by_municipality else None,
        municipality_id=None if by_municipality else engagement.municipality_id,
        prefecture_id=engagement.municipality.prefecture_id)
    engagement_notify(engagement, NotificationKind.EVALUATION_SUBMITTED, recipients, period=evaluation.period,
                      overall=evaluation.overall, fiscal_year=evaluation.fiscal_year,
                      by=engagement.municipality.name if by_municipality else engagement.expert.name)

