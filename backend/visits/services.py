"""Writes of the visit plan: (re)planning an engagement's dates, moving one date, cancelling the dates after an
engagement ends, and renewing a user's secret iCal feed.

Each service checks its actor first, owns its transaction (nested in the approval's when approval plans an offer)
and audits with its `AuditAction` member. Lock order (docs/architecture.md): the expert, the need and the
engagement (backend/engagements/locks.py), then the visits; the expert's lock is what serialises every write of
one expert's dates, the unique constraint on (expert, date) of planned visits is the last line behind it.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import coordinates, is_expert_self, is_staff_of
from backend.calendar.selectors import closed_days_named
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import ConflictError, DomainError, ForbiddenError, interpolate
from backend.core.fiscal import era_date, fiscal_year_of
from backend.engagements.locks import engagements_locked
from backend.engagements.models import HOLDING_STATUSES, Engagement
from backend.notifications.models import NotificationKind
from backend.notifications.selectors import recipients_parties
from backend.notifications.services import notify
from backend.visits.errors import ErrorCode
from backend.visits.models import CalendarFeed, PlannedVisit, VisitStatus, new_feed_token
from backend.visits.planning import Plan, plan_visits
from backend.visits.selectors import visit_plan_input
from backend.visits.workflows import VISIT_WORKFLOW


def _dates(rows) -> list[str]:
    return [day.isoformat() for day in rows]


def visits_plan(*, actor: User, engagement: Engagement, since: dt.date | None = None) -> Plan:
    """(Re)plan the dates of an offered or active engagement from `since` (today) on: the planned dates not moved
    by hand are planned again; past dates and dates moved by hand are kept and count against the days. The
    coordinator of the engagement's prefecture does it (approval does it for every new offer)."""
    if not coordinates(actor, engagement.municipality.prefecture_id):
        raise ForbiddenError.single("engagement", ErrorCode.NOT_YOURS,
                                    _("訪問予定を作成できるのは、その都道府県のコーディネーターです。"))
    return _plan(actor=actor, engagement=engagement, since=since or timezone.localdate())


def visits_replan_for_closed_day(*, actor: User, closed_day) -> list:
    """CLOSED_DAY_ADDED (backend/calendar/hooks.py): a prefecture or a municipality closed a day on which visits
    were planned. Each engagement with such a visit is planned again from that day, as its coordinator would with
    「訪問予定を作り直す」: the visit moves to the next free agreed day (振替) or its month reports the shortfall;
    dates moved by hand stay. A day closed in the past changes nothing: what happened is logged, not planned."""
    if closed_day.date < timezone.localdate():
        return []
    visits = PlannedVisit.objects.filter(date=closed_day.date, status=VisitStatus.PLANNED)
    visits = (visits.filter(engagement__municipality_id=closed_day.municipality_id) if closed_day.municipality_id
              else visits.filter(engagement__municipality__prefecture_id=closed_day.prefecture_id))
    for engagement in Engagement.objects.filter(pk__in=visits.values("engagement_id")).order_by("pk"):
        _plan(actor=actor, engagement=engagement, since=closed_day.date)
    return []


def _plan(*, actor: User, engagement: Engagement, since: dt.date) -> Plan:
    with transaction.atomic():
        engagement = engagements_locked([engagement.pk], predecessors=False)[engagement.pk]
        if engagement.status not in HOLDING_STATUSES:
            raise ConflictError.single("engagement", ErrorCode.NOT_HOLDING, interpolate(
                _("この任用は「%(status)s」のため、訪問予定を作成できません。"), status=engagement.get_status_display()))
        planned = PlannedVisit.objects.filter(engagement=engagement, status=VisitStatus.PLANNED)
        before = _dates(planned.values_list("date", flat=True))
        planned.filter(date__gte=since, moved_from__isnull=True).delete()
        plan = plan_visits(visit_plan_input(engagement, since=since))
        PlannedVisit.objects.bulk_create(
            PlannedVisit(engagement=engagement, expert_id=engagement.expert_id, date=planned_date.day,
                         onsite=planned_date.onsite) for planned_date in plan.dates)
        audit_record(actor=actor, action=AuditAction.VISITS_PLAN, obj=engagement,
                     prefecture=engagement.municipality.prefecture, before={"dates": before},
                     after={"dates": _dates(planned.values_list("date", flat=True)), "since": since,
                            "days": engagement.days_per_year, "missing": plan.missing,
                            "onsite": _dates(planned.filter(onsite=True).values_list("date", flat=True))})
    return plan


def _side(actor: User, engagement: Engagement) -> str:
    if is_expert_self(actor, engagement.expert_id):
        return "expert"
    if is_staff_of(actor, engagement.municipality_id):
        return "municipality"
    if coordinates(actor, engagement.municipality.prefecture_id):
        return "coordinator"
    raise ForbiddenError.single("visit", ErrorCode.NOT_A_PARTY,
                                _("訪問日を変更できるのは、その任用の専門人材、市区町村の職員、都道府県のコーディネーターです。"))


def _check_to_date(visit: PlannedVisit, engagement: Engagement, to_date: dt.date) -> None:
    if to_date == visit.date:
        raise DomainError.single("to_date", ErrorCode.SAME_DATE, _("変更後の日付が今の訪問日と同じです。"))
    if to_date < timezone.localdate():
        raise DomainError.single("to_date", ErrorCode.IN_THE_PAST, _("変更後の日付には今日以降の日付を指定してください。"))
    if not engagement.starts_on <= to_date <= engagement.ends_on:
        raise DomainError.single("to_date", ErrorCode.OUTSIDE_TERM, interpolate(
            _("変更後の日付は任用の期間（%(starts_on)s〜%(ends_on)s）の中で指定してください。"),
            starts_on=era_date(engagement.starts_on), ends_on=era_date(engagement.ends_on)))
    closed = closed_days_named(fiscal_year_of(to_date), municipality=engagement.municipality_id).get(to_date)
    if closed:
        raise ConflictError.single("to_date", ErrorCode.CLOSED_DAY, interpolate(
            _("%(date)sは%(municipality)sの閉庁日（%(name)s）です。別の日付を指定してください。"),
            date=era_date(to_date), municipality=engagement.municipality.name, name=closed))
    elsewhere = PlannedVisit.objects.filter(expert_id=engagement.expert_id, date=to_date,
                                            status=VisitStatus.PLANNED).select_related("engagement__municipality")
    held = elsewhere.first()
    if held is not None:
        raise ConflictError.single("to_date", ErrorCode.DATE_TAKEN, interpolate(
            _("%(date)sは%(expert)sさんの%(municipality)sへの訪問日です。別の日付を指定してください。"),
            date=era_date(to_date), expert=engagement.expert.name, municipality=held.engagement.municipality.name))


def visit_move(*, actor: User, visit: PlannedVisit, to_date: dt.date, reason: str = "") -> PlannedVisit:
    """Either side moves a planned date (the expert of the engagement, staff of its municipality, or the
    coordinator of its prefecture): to a date in the term, from today on, not closed for the municipality and
    free for the expert. The other side is told; the move is audited with the date it came from."""
    engagement = Engagement.objects.select_related("municipality", "expert").get(pk=visit.engagement_id)
    side = _side(actor, engagement)
    reason = (reason or "").strip()
    with transaction.atomic():
        engagement = engagements_locked([engagement.pk], predecessors=False)[engagement.pk]
        visit = PlannedVisit.objects.select_for_update().get(pk=visit.pk)
        if visit.status != VisitStatus.PLANNED or engagement.status not in HOLDING_STATUSES:
            raise ConflictError.single("visit", ErrorCode.NOT_PLANNED, _("この訪問日は予定されていないため変更できません。"))
        _check_to_date(visit, engagement, to_date)
        before = {"date": visit.date, "moved_from": visit.moved_from}
        visit.moved_from = visit.moved_from or visit.date
        visit.date, visit.moved_by, visit.moved_at, visit.move_reason = to_date, actor, timezone.now(), reason
        try:
            with transaction.atomic():
                visit.save(update_fields=["date", "moved_from", "moved_by", "moved_at", "move_reason"])
        except IntegrityError:  # another engagement took the date since the check
            raise ConflictError.single("to_date", ErrorCode.DATE_TAKEN, interpolate(
                _("%(date)sは既に別の訪問日です。別の日付を指定してください。"), date=era_date(to_date))) from None
        audit_record(actor=actor, action=AuditAction.VISIT_MOVE, obj=visit,
                     prefecture=engagement.municipality.prefecture, before=before,
                     after={"date": to_date, "engagement": engagement.pk, "side": side, "reason": reason})
        others = {"expert": {"municipality_id": engagement.municipality_id},
                  "municipality": {"expert_id": engagement.expert_id},
                  "coordinator": {"municipality_id": engagement.municipality_id, "expert_id": engagement.expert_id}}
        notify(recipients=recipients_parties(**others[side]), kind=NotificationKind.VISIT_MOVED,
               link=reverse("frontend:engagement", args=[engagement.pk]) + "#visits",
               params={"engagement": engagement.pk, "visit": visit.pk, "municipality": engagement.municipality.name,
                       "expert": engagement.expert.name, "moved_by": actor.get_full_name() or actor.username,
                       "from": before["date"].isoformat(), "to": to_date.isoformat(), "reason": reason})
    return visit


def visits_cancel_after_end(*, actor: User, engagement: Engagement, cancelled: bool) -> list:
    """ENGAGEMENT_ENDED (backend/engagements/hooks.py): the planned dates after the engagement's new end are
    cancelled, all of them when it never started (an offer declined or withdrawn, a replacement before the start)."""
    planned = PlannedVisit.objects.filter(engagement=engagement)
    if not cancelled:
        planned = planned.filter(date__gt=engagement.ends_on)
    dates = _dates(planned.filter(status=VisitStatus.PLANNED).order_by("date").values_list("date", flat=True))
    VISIT_WORKFLOW.move_all(planned, AuditAction.VISITS_CANCEL, actor=actor, on=engagement,
                            prefecture=engagement.municipality.prefecture_id,
                            after={"dates": dates, "ends_on": engagement.ends_on, "cancelled": cancelled})
    return []


@transaction.atomic(durable=True)
def calendar_feed_renew(*, actor: User) -> CalendarFeed:
    """A new secret URL for the user's iCal feed (the first one, or instead of the old one, which stops working)."""
    if not (actor and actor.is_authenticated and actor.is_active):
        raise ForbiddenError.single("user", ErrorCode.NOT_YOURS, _("ログインしてください。"))
    feed, created = CalendarFeed.objects.select_for_update().get_or_create(user=actor)
    if not created:
        feed.token = new_feed_token()
        feed.save(update_fields=["token"])
    audit_record(actor=actor, action=AuditAction.CALENDAR_FEED_RENEW, obj=feed, prefecture=actor.prefecture_id,
                 after={"user": actor.pk, "first": created})
    return feed
