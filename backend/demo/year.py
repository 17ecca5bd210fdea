"""The demo's working year (issue 23, item 8): the current fiscal year in progress beside next year's season.

長野県 matched four posts for this fiscal year last spring: the coordinator ran the engine on them with pins, approved
the proposals from 1 April and both sides accepted. Since then the experts came on the dates of their plans and
logged each day up to last month; the municipalities confirmed every month but the last, where 長野市 has still to
confirm and 松本市 disputed a day; 長野市 and its adviser gave their October (中間) evaluation. Everything goes through
the services the pages use, each in its own transaction (they are durable), and as the people who would do it:
so the audit log, the notifications and the to-dos of a newcomer's first look are the real ones.

Drawn from the seeded generator of `backend.demo.demo`, so the year is the same on every machine for the same date.
"""

import datetime as dt
import math
import random
from decimal import Decimal

from django.utils import timezone

from backend.accounts.models import User, UserRole
from backend.core.choices import Role, WorkPattern
from backend.core.fiscal import current_fiscal_year, fiscal_year_label, fiscal_year_start
from backend.engagements.models import Engagement, EngagementStatus
from backend.engagements.pledge import PLEDGE_VERSION
from backend.engagements.services import engagement_respond
from backend.engagements.terms import TermsAsked
from backend.experts.models import Expert
from backend.funding.models import RecruitmentCostKind, SchemeKind
from backend.funding.selectors import schemes_of
from backend.funding.services import recruitment_cost_add
from backend.geo.models import Municipality
from backend.goals.models import EvaluationPeriod, GoalRatingValue
from backend.goals.services import evaluation_submit, goals_set
from backend.needs.models import Need
from backend.needs.services import need_submit
from backend.placement.execution import run_execute
from backend.placement.rules import incumbent_conflicts
from backend.placement.services import proposal_approve, run_enqueue
from backend.public.services import year_publish
from backend.runs.models import DecisionKind, Proposal
from backend.runs.services import decision_set
from backend.visits.models import PlannedVisit, VisitStatus
from backend.visits.services import visits_plan
from backend.worklog.models import WorkMonth
from backend.worklog.services import (
    work_day_log,
    work_month_confirm,
    work_month_dispute,
    work_month_submit,
)

# (municipality, fee basis, pattern, days a pattern, role): 長野市 is demo-municipal's; its adviser is demo-expert.
# 諏訪市's ten days a year are financed as a 地域力創造アドバイザー, so its engagement page shows a real tracker
# (≥ 10 days or ≥ 5 visits by 31 March).
POSTS = [
    ("202011", "annual", WorkPattern.WEEKLY, 1, Role.CIO_ADVISER),
    ("202029", "daily", WorkPattern.MONTHLY, 2, Role.CISO_ADVISER),
    ("202037", "monthly", WorkPattern.MONTHLY, 2, Role.CIO_ADVISER),
    ("202061", "hourly", WorkPattern.YEARLY, 10, Role.DX_SUPPORTER),
]
ADVISER_POST = "202061"
TOPICS = [
    ("情報化推進計画の進捗確認", "各課の計画進捗を確認し、遅れている2事業の課題と対応案を整理した。"),
    ("標準化移行の課題整理", "基幹業務システム標準化の移行計画を確認し、ベンダーへの質問事項をまとめた。"),
    ("セキュリティ研修", "職員向け情報セキュリティ研修（標的型メール）を実施し、質疑に対応した。"),
    ("調達仕様書の確認", "ネットワーク更新の仕様書案を確認し、要件の過不足と評価基準について助言した。"),
    ("DX推進本部会議", "DX推進本部会議に出席し、窓口オンライン化の優先順位について助言した。"),
    ("ガバメントクラウド移行の相談", "移行スケジュールと費用見込みについて担当課と協議した。"),
]
GOALS = ["基幹業務システム標準化の移行計画を年度内に確定する",
         "職員向けセキュリティ研修を年2回実施する",
         "窓口手続のオンライン化を3件以上進める"]


def demo_year_seeded() -> bool:
    return Engagement.objects.filter(fiscal_year=current_fiscal_year(), municipality__prefecture_id="20").exists()


def demo_year_seed(*, coordinator: User, demo_expert: Expert, rng: random.Random) -> None:
    """Seed the year once (the caller checks `demo_year_seeded`)."""
    year = current_fiscal_year()
    experts = _experts_for_posts(demo_expert, rng)
    needs = [_post(code, basis, pattern, days, role, expert, year)
             for (code, basis, pattern, days, role), expert in zip(POSTS, experts, strict=True)]
    for need, expert in zip(needs, experts, strict=True):
        decision_set(actor=coordinator, need=need, expert=expert, kind=DecisionKind.PIN)
    run = run_enqueue(actor=coordinator, fiscal_year=year)
    run_execute(run_id=run.pk)
    engagements = []
    for proposal in Proposal.objects.filter(run=run).select_related("need", "expert").order_by("need__municipality"):
        engagement = proposal_approve(actor=coordinator, proposal=proposal,
                                      terms=TermsAsked(starts_on=fiscal_year_start(year)))
        _accept(engagement)
        # Approved today, it was planned from today; in the story it was approved in March, planned from 1 April.
        visits_plan(actor=coordinator, engagement=engagement, since=fiscal_year_start(year))
        engagements.append(Engagement.objects.select_related("need", "municipality", "expert").get(pk=engagement.pk))
    for engagement in engagements:
        _work_the_year(engagement, rng)
    nagano = next((e for e in engagements if e.municipality_id == "202011"), None)
    if nagano is not None:
        _goals_and_october(nagano)
        _recruitment_cost(nagano.need)
    # The year is on the public page from the first start: /public/20/<year>/ (expert names off, the default).
    year_publish(actor=coordinator, prefecture="20", fiscal_year=year)


def _experts_for_posts(demo_expert: Expert, rng: random.Random) -> list[Expert]:
    """demo-expert serves 長野市; each other post goes to another expert of 長野県 whose vendor is not the
    incumbent there (an exception is not what a newcomer should meet first)."""
    others = list(Expert.objects.filter(registering_prefecture_id="20").exclude(pk=demo_expert.pk).order_by("pk"))
    rng.shuffle(others)
    chosen = [demo_expert]
    for code, *_ in POSTS[1:]:
        chosen.append(next(e for e in others if e not in chosen and not incumbent_conflicts(e, code)))
    return chosen


def staff_user(code: str) -> User:
    user = User.objects.filter(role=UserRole.MUNICIPAL, municipality_id=code).order_by("pk").first()
    if user is None:
        user = User.objects.create_user(f"staff-{code}", role=UserRole.MUNICIPAL, municipality_id=code)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def expert_user(expert: Expert) -> User:
    user = User.objects.filter(role=UserRole.EXPERT, expert=expert).first()
    if user is None:
        user = User.objects.create_user(f"expert-{expert.pk}", role=UserRole.EXPERT, expert=expert)
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def _post(code, basis, pattern, days, role, expert: Expert, year: int) -> Need:
    """A post the expert fits: their weekdays, forms and one of their skills; a fee they accept, room for travel."""
    per_year = {"weekly": 48 * days, "monthly": 12 * days, "yearly": days}[pattern]
    skill = expert.skills.order_by("skill").first()
    lowest = expert.daily_rate * per_year
    amount = {"annual": math.ceil(lowest / 100_000) * 100_000, "monthly": math.ceil(lowest / 12 / 10_000) * 10_000,
              "daily": math.ceil(expert.daily_rate / 1_000) * 1_000,
              "hourly": math.ceil(expert.daily_rate / 7.5 / 100) * 100}[basis]
    fee = {"annual": amount, "monthly": amount * 12, "daily": amount * per_year,
           "hourly": amount * per_year * 7.5}[basis]
    onsite = expert.onsite_prefectures.filter(code="20").exists()
    return need_submit(actor=staff_user(code), data={
        "fiscal_year": year, "role": role,
        "title": f"{Municipality.objects.get(code=code).name} {dict(Role.choices)[role]}（{fiscal_year_label(year)}）",
        "pattern": pattern, "pattern_days": days, "weekdays": list(expert.weekdays),
        "onsite_required": onsite, "budget": math.ceil((fee * 1.15 + 300_000) / 10_000) * 10_000,
        "required_skills": {skill.skill: 1} if skill else {},
        "employment_forms": list(expert.employment_forms),
        "fee_basis": basis, "fee_amount": amount,
        **({"fee_hours_per_day": Decimal("7.5")} if basis == "hourly" else {}),
        "priority": 3,
        **({"funding_scheme": schemes_of("20").get(kind=SchemeKind.REGIONAL_ADVISER)} if code == ADVISER_POST else {}),
    })


def _accept(engagement: Engagement) -> None:
    engagement_respond(actor=staff_user(engagement.municipality_id), engagement=engagement, accept=True)
    engagement_respond(actor=expert_user(engagement.expert), engagement=engagement, accept=True,
                       pledge_version=PLEDGE_VERSION)


def _work_the_year(engagement: Engagement, rng: random.Random) -> None:
    """The expert logs every planned date before this month; each month but the last is confirmed; the last is
    submitted and waits for the municipality (長野市) or disputed on one day (松本市)."""
    engagement.refresh_from_db()
    if engagement.status != EngagementStatus.ACTIVE:
        return
    this_month = timezone.localdate().replace(day=1)
    expert, staff = expert_user(engagement.expert), staff_user(engagement.municipality_id)
    dates = PlannedVisit.objects.filter(engagement=engagement, status=VisitStatus.PLANNED,
                                        date__lt=this_month).order_by("date").values_list("date", "onsite")
    for day, onsite in dates:
        topics, done = rng.choice(TOPICS)
        work_day_log(actor=expert, engagement=engagement, data={
            "date": day, "onsite": onsite, "hours": Decimal(rng.choice(["6.0", "7.0", "7.5"])),
            "topics": topics, "done": done})
    months = list(WorkMonth.objects.filter(engagement=engagement).order_by("year", "month"))
    for month in months:
        work_month_submit(actor=expert, month=month)
        if month is not months[-1]:
            work_month_confirm(actor=staff, month=month)
        elif engagement.municipality_id == "202029":
            day = month.days.order_by("date").first()
            work_month_dispute(actor=staff, month=month, reasons={
                day.pk: "この日は庁内の記録では会議が中止になっています。実施内容をご確認ください。"})


def _recruitment_cost(need: Need) -> None:
    """長野市 advertised its post on a job site (募集広告), a recruitment cost 特別交付税（CIO補佐官等） counts."""
    year = current_fiscal_year()
    recruitment_cost_add(actor=staff_user(need.municipality_id), municipality=need.municipality, data={
        "need": need, "kind": RecruitmentCostKind.ADVERTISEMENT, "amount": 55_000,
        "spent_on": min(timezone.localdate(), fiscal_year_start(year) + dt.timedelta(days=9)),
        "note": "求人サイトへの募集広告の掲載（4週間）"})


def _goals_and_october(engagement: Engagement) -> None:
    staff, expert = staff_user(engagement.municipality_id), expert_user(engagement.expert)
    goals = goals_set(actor=staff, engagement=engagement, texts=GOALS)
    if timezone.localdate() < dt.date(engagement.fiscal_year, 10, 1):
        return  # the October period is not open yet this year
    ratings = {goals[0].pk: (GoalRatingValue.PARTLY, "移行計画の骨子は固まった。"),
               goals[1].pk: (GoalRatingValue.ACHIEVED, "7月に1回目を実施。"),
               goals[2].pk: (GoalRatingValue.NOT_ACHIEVED, "下半期に着手予定。")}
    evaluation_submit(actor=staff, engagement=engagement, period=EvaluationPeriod.OCTOBER, overall=4,
                      comment="専門的な助言で計画が前進した。下半期は窓口のオンライン化に重点を。", ratings=ratings)
    evaluation_submit(actor=expert, engagement=engagement, period=EvaluationPeriod.OCTOBER, overall=4,
                      comment="標準化は順調。オンライン化は庁内調整に時間がかかっている。", ratings=ratings)
