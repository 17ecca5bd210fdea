"""The to-do list on each role's home page: what waits for the user, as counts with links.

Every count of a role comes in one query (scalar subqueries on the user's row) and only the home pages ask
for it; the header's unread count is a column of the user row instead (backend/notifications).

Every to-do opens the year it counts: a page that shows all years (offers, replacements, proposals, requests)
is linked as it is; a page that shows one fiscal year (the renewals) gets a line per year with something
waiting, each linked to its year (`?fy=`), since the renewals of 令和10年度 were counted while the link opened
the page's default, 令和9年度, which had none (issue 21).
"""

import datetime as dt
from collections import Counter
from dataclasses import dataclass

from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, F, Func, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from backend.accounts.models import User, UserRole
from backend.applications.selectors import expert_application_list
from backend.core.choices import WishSide
from backend.core.fiscal import default_fiscal_year, era_date, fiscal_year_named, fiscal_year_of
from backend.costs.estimates import default_target_year, estimate_needs, opens_on
from backend.engagements.models import EngagementStatus, ReplacementStatus
from backend.engagements.selectors import engagement_conflicts_to_resolve, engagement_list, replacement_list
from backend.experts.models import AffiliationChangeStatus, ApplicationStatus
from backend.experts.selectors import affiliation_change_list
from backend.geo.models import PrefectureSetting
from backend.goals.models import Evaluation, EvaluationPeriod, EvaluationSide, Goal
from backend.goals.services import period_opens
from backend.needs.models import NeedStatus
from backend.needs.selectors import need_list
from backend.renewals.selectors import renewal_list
from backend.runs.models import Proposal, ProposalStatus, RunStatus
from backend.visits.models import VisitStatus
from backend.visits.selectors import visit_list
from backend.wishes.models import Veto, Wish
from backend.wishes.round_selectors import rounds_awaiting_run
from backend.worklog.selectors import (
    work_months_overdue,
    work_months_to_answer,
    work_months_to_confirm,
    work_months_to_submit,
)
from frontend.labels import answer_by_words


@dataclass(frozen=True)
class TodoItem:
    key: str
    label: str
    count: int
    url: str
    fiscal_year: int | None = None  # the year the count is of, for a page that shows one year
    note: str = ""  # e.g. the nearest answer deadline of the offers awaiting the user's answer (issue 25)


def _count(queryset: QuerySet) -> Subquery:
    # COUNT as a plain function: no GROUP BY, so an empty set counts 0 rather than giving no row.
    return Subquery(queryset.select_related(None).order_by().annotate(n=Func(F("pk"), function="COUNT")).values("n"))


# The to-dos whose page shows one fiscal year (`?fy=`): counted per year.
BY_YEAR = {"renewals"}
# The to-dos that also say the nearest answer deadline of what they count (offers awaiting an answer, issue 25).
WITH_DEADLINE = {"offers"}


def _earliest_deadline(queryset: QuerySet) -> Subquery:
    return Subquery(queryset.select_related(None).filter(answer_by__isnull=False).order_by("answer_by")
                    .values("answer_by")[:1])


def _deadline_note(day: dt.date | None) -> str:
    return answer_by_words(era_date(day), (day - timezone.localdate()).days) if day else ""


def _years(queryset: QuerySet) -> ArraySubquery:
    """The fiscal year of every row waiting (a few dozen at most), counted per year in Python."""
    return ArraySubquery(queryset.select_related(None).order_by("fiscal_year").values("fiscal_year"))


def _per_year(key: str, label: str, url: str, years: list[int]) -> list[TodoItem]:
    counts = Counter(years or [])
    if not counts:
        return [TodoItem(key=key, label=label, count=0, url=url)]
    return [TodoItem(key=key if i == 0 else f"{key}-{year}", count=n, fiscal_year=year, url=f"{url}?fy={year}",
                     label=_("%(label)s（%(year)s）") % {"label": label, "year": fiscal_year_named(year)})
            for i, (year, n) in enumerate(sorted(counts.items()))]


def _goals_to_set(user) -> QuerySet:
    """Active engagements with no goal yet (the municipality and the expert set them at activation)."""
    return engagement_list(user=user).filter(status=EngagementStatus.ACTIVE).exclude(
        Exists(Goal.objects.filter(engagement=OuterRef("pk"))))


def _evaluations_due(user, side: str) -> QuerySet:
    """Active engagements that served when this fiscal year's latest opened period (October, then March) began and
    that this side has not evaluated for it; none from April to September."""
    today = timezone.localdate()
    year = fiscal_year_of(today)
    opened = [p for p in EvaluationPeriod.values if period_opens(p, year) <= today]
    active = engagement_list(user=user).filter(status=EngagementStatus.ACTIVE)
    if not opened:
        return active.none()
    period = opened[-1]
    opens = period_opens(period, year)
    return active.filter(starts_on__lte=opens, ends_on__gte=opens).exclude(Exists(Evaluation.objects.filter(
        engagement=OuterRef("pk"), fiscal_year=year, period=period, side=side)))


def _coordinator(user) -> dict:
    offered = engagement_list(user=user).filter(status=EngagementStatus.OFFERED)
    return {
        # Proposals of the prefecture's own finished runs: only the prefecture that ran a match approves.
        "proposals": (_("確認待ちの提案"), Proposal.objects.filter(
            status=ProposalStatus.PROPOSED, run__status=RunStatus.SUCCEEDED, run__prefecture_id=user.prefecture_id),
            reverse("frontend:runs")),
        "offers": (_("回答待ちの打診"), offered, reverse("frontend:engagements")),
        # An offered or active engagement whose expert's vendor became the incumbent since (issue 21).
        "conflicts": (_("判断待ちの利益相反"), engagement_conflicts_to_resolve(user=user),
                      f"{reverse('frontend:engagements')}#conflicts"),
        "replacements": (_("対応待ちの要員交代"), replacement_list(user=user).filter(status=ReplacementStatus.OPEN),
                         reverse("frontend:replacements")),
        "affiliation_changes": (_("判断待ちの所属の変更申請"), affiliation_change_list(user=user).filter(
            status=AffiliationChangeStatus.PENDING), reverse("frontend:affiliation-changes")),
        "applications": (_("判断待ちの登録申請"), expert_application_list(user=user).filter(
            status=ApplicationStatus.PENDING), reverse("frontend:applications")),
        # Months of an activity log past the municipality's confirmation deadline (issue 23).
        "work_overdue": (_("確認期限を過ぎた活動記録"), work_months_overdue(user=user), reverse("frontend:work-overview")),
        # A second round whose deadline for interest passed and that has not been run (issue 25).
        "rounds": (_("締切を過ぎた二次調整（未実行）"), rounds_awaiting_run(user=user), reverse("frontend:rounds")),
    }


def _municipal(user) -> dict:
    offered = engagement_list(user=user).filter(status=EngagementStatus.OFFERED)
    return {
        "offers": (_("回答待ちの打診"), offered.filter(municipality_accepted_at__isnull=True),
                   reverse("frontend:engagements")),
        "replacements": (_("対応中の要員交代"), replacement_list(user=user).filter(status=ReplacementStatus.OPEN),
                         reverse("frontend:engagements")),
        "conflicts": (_("コーディネーターの判断待ちの利益相反"), engagement_conflicts_to_resolve(user=user),
                      f"{reverse('frontend:engagements')}#conflicts"),
        "renewals": (_("確認待ちの継続"), renewal_list(user=user).filter(status=NeedStatus.RENEWAL),
                     reverse("frontend:renewals")),
        "goals": (_("目標の設定待ちの任用"), _goals_to_set(user), reverse("frontend:engagements")),
        "evaluations": (_("評価の記入待ちの任用"), _evaluations_due(user, EvaluationSide.MUNICIPALITY),
                        reverse("frontend:engagements")),
        # The experts coming in the next week (each engagement's page moves a date that no longer suits).
        "visits": (_("今後7日間の訪問予定"), _week_ahead(user), reverse("frontend:engagements")),
        "work_to_confirm": (_("確認待ちの活動記録"), work_months_to_confirm(user=user),
                            reverse("frontend:work-confirmations")),
        # From 1 September the coming year's needs go into the October budget request (予算要求見込み).
        "estimate": (_("予算要求の見込みを確認するニーズ（次年度）"), _to_estimate(user),
                     f"{reverse('frontend:cost-estimate')}?fy={default_target_year()}"),
        # Open needs of the season whose shortlist is still empty (issue 25): the need's page links it.
        "shortlists": (_("候補者の希望が未登録のニーズ"), _shortlists_to_fill(user), reverse("frontend:needs")),
    }


def _shortlists_to_fill(user) -> QuerySet:
    """Open needs of the prefecture's matching season (its setting, else the default rule) with neither a wish nor
    a veto of the municipality yet: a subquery, so the to-do list stays one query."""
    season = Coalesce(Subquery(PrefectureSetting.objects.filter(pk=OuterRef("municipality__prefecture_id")).values(
        "matching_season")), Value(default_fiscal_year()))
    return need_list(user=user).filter(status=NeedStatus.OPEN, fiscal_year=season).exclude(
        Exists(Wish.objects.filter(need=OuterRef("pk"), side=WishSide.MUNICIPALITY))).exclude(
        Exists(Veto.objects.filter(need=OuterRef("pk"), withdrawn_at__isnull=True)))


def _to_estimate(user) -> QuerySet:
    year = default_target_year()
    if timezone.localdate() < opens_on(year):
        return estimate_needs(user=user).none()
    return estimate_needs(user=user).filter(fiscal_year=year)


def _expert(user) -> dict:
    offered = engagement_list(user=user).filter(status=EngagementStatus.OFFERED)
    return {
        "offers": (_("回答待ちの打診"), offered.filter(expert_accepted_at__isnull=True),
                   reverse("frontend:engagements")),
        "pledges": (_("署名待ちの誓約書"), offered.filter(pledge_signed_at__isnull=True),
                    reverse("frontend:engagements")),
        "goals": (_("目標の設定待ちの任用"), _goals_to_set(user), reverse("frontend:engagements")),
        "evaluations": (_("自己評価の記入待ちの任用"), _evaluations_due(user, EvaluationSide.EXPERT),
                        reverse("frontend:engagements")),
        # The coming week's visits, across engagements: the calendar page moves one that no longer suits.
        "visits": (_("今後7日間の訪問予定"), _week_ahead(user), reverse("frontend:my-calendar")),
        # The activity log: past months not yet submitted, and disputes to answer (each month's page links them).
        "work_to_submit": (_("未提出の活動記録（前月まで）"), work_months_to_submit(user=user),
                           reverse("frontend:engagements")),
        "work_to_answer": (_("回答待ちの差戻し"), work_months_to_answer(user=user), reverse("frontend:engagements")),
    }


def _week_ahead(user) -> QuerySet:
    today = timezone.localdate()
    return visit_list(user=user).filter(status=VisitStatus.PLANNED, date__gte=today,
                                        date__lte=today + dt.timedelta(days=6))


ITEMS = {UserRole.COORDINATOR: _coordinator, UserRole.MUNICIPAL: _municipal, UserRole.EXPERT: _expert}


def todo_list(*, user) -> list[TodoItem]:
    """The role's to-do counts in one query; none for a role without a to-do list."""
    items = ITEMS.get(user.role)
    if items is None or not user.pk:
        return []
    items = items(user)
    deadlines = {f"{key}__answer_by": _earliest_deadline(qs) for key, (_label, qs, _url) in items.items()
                 if key in WITH_DEADLINE and user.role != UserRole.COORDINATOR}
    counts = User.objects.filter(pk=user.pk).values(**{key: _years(qs) if key in BY_YEAR else _count(qs)
                                                       for key, (_label, qs, _url) in items.items()}, **deadlines)
    row = counts.get()
    todo = []
    for key, (label, _qs, url) in items.items():
        if key in BY_YEAR:
            todo += _per_year(key, label, url, row[key])
        else:
            todo.append(TodoItem(key=key, label=label, count=row[key] or 0, url=url,
                                 note=_deadline_note(row.get(f"{key}__answer_by"))))
    return todo
