"""Writes of the activity log (活動記録) and its monthly confirmation (月次確認), issue 23.

The expert logs working days of an engagement (`work_day_log`, `work_day_update`, `work_day_remove`) and submits
the month; the municipality's staff confirm it or dispute days with a reason each; the expert answers every open
dispute; the municipality confirms, and the month is locked. A coordinator may record a confirmation the
municipality gave on paper, only with that document's reference. A locked month changes only through
`work_day_adjust` (a reason, a WorkAdjustment with the day before and after, an audit row).

Every service checks its actor first (403), owns its transaction and audits with its AuditAction member; a month's
status moves only through backend/worklog/workflows.py. Lock order (docs/architecture.md): the engagement's
expert, its need and the engagement (backend/engagements/locks.py), then the month, then its days.
"""

import datetime as dt
import secrets
from collections.abc import Iterable, Mapping
from decimal import Decimal

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import coordinates, is_expert_self, is_staff_of
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import ConflictError, DomainError, ForbiddenError, interpolate, joined
from backend.core.fiscal import date_named, fiscal_year_of
from backend.engagements.locks import engagements_locked
from backend.engagements.models import Engagement, EngagementStatus
from backend.geo.selectors import prefecture_setting
from backend.notifications.models import NotificationKind
from backend.notifications.selectors import recipients_parties
from backend.notifications.services import notify
from backend.worklog.errors import ErrorCode
from backend.worklog.models import DayDispute, WorkAdjustment, WorkDay, WorkMonth, WorkMonthStatus
from backend.worklog.selectors import (
    AWAITING_MUNICIPALITY,
    WorkingDays,
    counted_days_in_year,
    month_named,
    open_disputes,
    work_month_deadline,
    work_month_deadline_near,
)
from backend.worklog.workflows import WORK_MONTH_WORKFLOW

# A reference a clerk reads aloud and types: no 0/O, 1/I/L.
REFERENCE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
DAY_FIELDS = ("onsite", "hours", "topics", "done")
LOGGING_STATUSES = (EngagementStatus.ACTIVE, EngagementStatus.ENDED)


def reference_new() -> str:
    return "KM-" + "".join(secrets.choice(REFERENCE_ALPHABET) for _i in range(4))


def work_day_snapshot(day: WorkDay) -> dict:
    return {"date": day.date, "onsite": day.onsite, "hours": str(day.hours), "topics": day.topics, "done": day.done,
            "beyond_contract": day.beyond_contract, "counted": day.counted, "agreed_at": day.agreed_at}


def _month_words(month: WorkMonth):
    return month_named(month.year, month.month)


# -- who -------------------------------------------------------------------------------------------------

def _check_expert(actor: User, engagement: Engagement) -> None:
    if not is_expert_self(actor, engagement.expert_id):
        raise ForbiddenError.single("engagement", ErrorCode.NOT_YOURS,
                                    _("活動を記録・提出できるのは、この任用の専門人材のみです。"))


def _check_staff(actor: User, engagement: Engagement) -> None:
    if not is_staff_of(actor, engagement.municipality_id):
        raise ForbiddenError.single("month", ErrorCode.NOT_YOURS,
                                    _("活動記録を確認・差し戻しできるのは、この任用の市区町村の職員のみです。"))


# -- locks -----------------------------------------------------------------------------------------------

def _engagement_locked(engagement: Engagement) -> Engagement:
    return engagements_locked([engagement.pk], predecessors=False)[engagement.pk]


def _month_locked(month: WorkMonth) -> WorkMonth:
    engagement = _engagement_locked(month.engagement)
    month = WorkMonth.objects.select_for_update().get(pk=month.pk)
    month.engagement = engagement
    return month


def _days_locked(month: WorkMonth) -> dict[int, WorkDay]:
    return {d.pk: d for d in WorkDay.objects.select_for_update().filter(month=month).order_by("pk")}


# -- checks ----------------------------------------------------------------------------------------------

def _check_not_locked(month: WorkMonth) -> None:
    if month.locked:
        raise ConflictError.single("month", ErrorCode.LOCKED, interpolate(
            _("%(month)sの活動記録は確認済み（確定）のため変更できません。修正は理由を添えて確認後の修正として行います。"),
            month=_month_words(month)))


def _check_editable(month: WorkMonth, day: WorkDay | None = None) -> None:
    """The expert changes a month while it is open, and a disputed day while its dispute is open."""
    _check_not_locked(month)
    if month.status == WorkMonthStatus.OPEN:
        return
    if (month.status == WorkMonthStatus.DISPUTED and day is not None
            and day.disputes.filter(answered_at__isnull=True).exists()):
        return
    raise ConflictError.single("month", ErrorCode.NOT_EDITABLE, interpolate(
        _("%(month)sの活動記録は提出済みのため変更できません（差し戻された日だけは回答の前に変更できます）。"),
        month=_month_words(month)))


def _check_day_fields(data: Mapping) -> None:
    hours = data.get("hours")
    if hours is not None and not (Decimal(0) < Decimal(hours) <= Decimal(24)):
        raise DomainError.single("hours", ErrorCode.REQUIRED, _("時間は0より大きく24以下で入力してください。"))
    for name, message in (("topics", _("テーマを入力してください。")), ("done", _("実施内容を入力してください。"))):
        if name in data and not str(data[name] or "").strip():
            raise DomainError.single(name, ErrorCode.REQUIRED, message)


def _check_date(engagement: Engagement, day: dt.date) -> None:
    if day > timezone.localdate():
        raise DomainError.single("date", ErrorCode.IN_THE_FUTURE, interpolate(
            _("%(date)sはまだ来ていない日です。活動は当日以降に記録してください。"), date=date_named(day)))
    if not engagement.starts_on <= day <= engagement.ends_on:
        raise DomainError.single("date", ErrorCode.OUTSIDE_TERM, interpolate(
            _("%(date)sは任用の期間（%(start)s〜%(end)s）の外です。"), date=date_named(day),
            start=date_named(engagement.starts_on), end=date_named(engagement.ends_on)))


def _dates(days: Iterable[WorkDay]):
    return joined(date_named(d.date) for d in sorted(days, key=lambda d: d.date))


# -- notifications ---------------------------------------------------------------------------------------

def _tell(month: WorkMonth, kind: str, *, municipality: bool = False, expert: bool = False, **extra) -> None:
    """Tell the municipality's staff (the link opens the confirmation page at the month's reference) or the expert
    (the link opens the month). The text carries the reference and the engagement in words: mail loses links."""
    engagement = month.engagement
    params = {"reference": month.reference, "year": month.year, "month": month.month,
              "municipality": engagement.municipality.name, "need": engagement.need.title or "—",
              "expert": engagement.expert.name, "deadline": month.deadline.isoformat(), **extra}
    if municipality:
        notify(recipients=recipients_parties(municipality_id=engagement.municipality_id), kind=kind,
               link=f"{reverse('frontend:work-confirmations')}?ref={month.reference}", params=params)
    if expert:
        notify(recipients=recipients_parties(expert_id=engagement.expert_id), kind=kind,
               link=reverse("frontend:work-month", args=[engagement.pk, month.year, month.month]), params=params)


# -- the month of a day ----------------------------------------------------------------------------------

def _month_for(engagement: Engagement, day: dt.date) -> WorkMonth:
    """The month of `day` for the (locked) engagement, made on first use with its deadline and a fresh reference."""
    month = WorkMonth.objects.select_for_update().filter(engagement=engagement, year=day.year,
                                                         month=day.month).first()
    if month is not None:
        return month
    deadline = work_month_deadline(
        year=day.year, month=day.month, municipality_id=engagement.municipality_id,
        working_day=prefecture_setting(code=engagement.municipality.prefecture_id).confirmation_working_day)
    for _attempt in range(10):
        try:
            with transaction.atomic():
                return WorkMonth.objects.create(engagement=engagement, year=day.year, month=day.month,
                                                deadline=deadline, reference=reference_new())
        except IntegrityError:
            continue  # the reference was taken (the engagement is locked, so the month itself is not made twice)
    raise ConflictError.single("month", ErrorCode.ALREADY_LOGGED, _("照会番号を発行できませんでした。もう一度お試しください。"))


# -- days ------------------------------------------------------------------------------------------------

@transaction.atomic(durable=True)
def work_day_log(*, actor: User, engagement: Engagement, data: Mapping) -> WorkDay:
    """The expert logs one working day: date (within the term, not in the future), on-site or remote, hours,
    topics and what was done. A day beyond the contract's days of that fiscal year is kept but not counted until
    the municipality agrees (`work_day_agree`)."""
    _check_expert(actor, engagement)
    engagement = _engagement_locked(engagement)
    if engagement.status not in LOGGING_STATUSES:
        raise ConflictError.single("engagement", ErrorCode.NOT_ACTIVE,
                                   _("活動を記録できるのは、稼働中（または終了した）任用・委託のみです。"))
    day = data["date"]
    _check_date(engagement, day)
    _check_day_fields(data)
    month = _month_for(engagement, day)
    _check_editable(month)
    if WorkDay.objects.filter(month=month, date=day).exists():
        raise ConflictError.single("date", ErrorCode.ALREADY_LOGGED, interpolate(
            _("%(date)sの活動は既に記録されています。変更する場合はその日の記録を編集してください。"), date=date_named(day)))
    beyond = counted_days_in_year(engagement=engagement, fiscal_year=fiscal_year_of(day)) >= engagement.days_per_year
    work_day = WorkDay.objects.create(month=month, date=day, onsite=bool(data.get("onsite")), hours=data["hours"],
                                      topics=data["topics"].strip(), done=data["done"].strip(),
                                      beyond_contract=beyond, counted=not beyond, logged_by=actor)
    audit_record(actor=actor, action=AuditAction.WORK_DAY_LOG, obj=work_day,
                 prefecture=engagement.municipality.prefecture_id,
                 after={"engagement": engagement.pk, "reference": month.reference, **work_day_snapshot(work_day)})
    return work_day


def _day_locked(actor: User, day: WorkDay) -> tuple[WorkMonth, WorkDay]:
    month = _month_locked(day.month)
    return month, WorkDay.objects.select_for_update().get(pk=day.pk, month=month)


@transaction.atomic(durable=True)
def work_day_update(*, actor: User, day: WorkDay, data: Mapping) -> WorkDay:
    """The expert changes a day's on-site flag, hours, topics or what was done (its date is the day itself:
    remove it and log the other date instead)."""
    _check_expert(actor, day.month.engagement)
    month, day = _day_locked(actor, day)
    _check_editable(month, day)
    _check_day_fields(data)
    before = work_day_snapshot(day)
    changed = [name for name in DAY_FIELDS if name in data]
    for name in changed:
        value = data[name]
        setattr(day, name, value.strip() if isinstance(value, str) else value)
    day.save(update_fields=[*changed, "updated_at"])
    audit_record(actor=actor, action=AuditAction.WORK_DAY_UPDATE, obj=day,
                 prefecture=month.engagement.municipality.prefecture_id, before=before,
                 after={"reference": month.reference, **work_day_snapshot(day)})
    return day


@transaction.atomic(durable=True)
def work_day_remove(*, actor: User, day: WorkDay) -> None:
    """The expert removes a day logged by mistake (while the month is open; a disputed day while disputed)."""
    _check_expert(actor, day.month.engagement)
    month, day = _day_locked(actor, day)
    _check_editable(month, day)
    audit_record(actor=actor, action=AuditAction.WORK_DAY_REMOVE, obj=day,
                 prefecture=month.engagement.municipality.prefecture_id,
                 before={"reference": month.reference, **work_day_snapshot(day),
                         "disputes": [_dispute_snapshot(d) for d in day.disputes.all()]})
    day.disputes.all().delete()
    day.delete()


@transaction.atomic(durable=True)
def work_day_agree(*, actor: User, day: WorkDay) -> WorkDay:
    """The municipality agrees to a day beyond the contract's days: it counts from now on."""
    _check_staff(actor, day.month.engagement)
    month, day = _day_locked(actor, day)
    _check_not_locked(month)
    if not day.beyond_contract or day.agreed_at:
        raise ConflictError.single("day", ErrorCode.NOT_BEYOND_CONTRACT, interpolate(
            _("%(date)sは同意を待つ契約日数超過の日ではありません。"), date=date_named(day.date)))
    _agree(actor, day)
    return day


def _agree(actor: User, day: WorkDay) -> None:
    before = work_day_snapshot(day)
    day.agreed_at, day.agreed_by, day.counted = timezone.now(), actor, True
    day.save(update_fields=["agreed_at", "agreed_by", "counted", "updated_at"])
    audit_record(actor=actor, action=AuditAction.WORK_DAY_AGREE, obj=day,
                 prefecture=day.month.engagement.municipality.prefecture_id, before=before,
                 after=work_day_snapshot(day))


# -- the month -------------------------------------------------------------------------------------------

def _dispute_snapshot(dispute: DayDispute) -> dict:
    return {"reason": dispute.reason, "raised_by": dispute.raised_by_id, "answer": dispute.answer or None,
            "answered_at": dispute.answered_at}


def _prefecture(month: WorkMonth) -> str:
    return month.engagement.municipality.prefecture_id


@transaction.atomic(durable=True)
def work_month_submit(*, actor: User, month: WorkMonth) -> WorkMonth:
    """The expert submits the month's days to the municipality, which confirms or disputes them by the deadline."""
    _check_expert(actor, month.engagement)
    month = _month_locked(month)
    _check_not_locked(month)
    days = month.days.count()
    if not days:
        raise DomainError.single("month", ErrorCode.NOTHING_TO_SUBMIT, interpolate(
            _("%(month)sには記録された活動日がありません。"), month=_month_words(month)))
    WORK_MONTH_WORKFLOW.move(month, AuditAction.WORK_MONTH_SUBMIT, actor=actor, prefecture=_prefecture(month),
                             changes={"submitted_at": timezone.now()},
                             after={"reference": month.reference, "days": days})
    _tell(month, NotificationKind.WORK_MONTH_SUBMITTED, municipality=True, days=days)
    return month


def _days_named(month: WorkMonth, ids: Iterable, field: str) -> list[WorkDay]:
    """The month's days of `ids`; an id of another month (or none) is refused naming the field."""
    days = _days_locked(month)
    chosen = []
    for raw in ids:
        text = str(raw)
        day = days.get(int(text)) if text.isascii() and text.isdigit() else None  # 「²」 is a digit int() refuses
        if day is None:
            raise DomainError.single(field, ErrorCode.NOT_IN_MONTH, interpolate(
                _("指定された活動日は%(month)sの記録にありません。"), month=_month_words(month)))
        chosen.append(day)
    return chosen


@transaction.atomic(durable=True)
def work_month_dispute(*, actor: User, month: WorkMonth, reasons: Mapping) -> WorkMonth:
    """The municipality disputes days of a submitted (or answered) month, with a reason per day: {day id: reason}."""
    _check_staff(actor, month.engagement)
    month = _month_locked(month)
    _check_not_locked(month)
    if not reasons:
        raise DomainError.single("reasons", ErrorCode.REQUIRED, _("差し戻す日と、その理由を入力してください。"))
    days = _days_named(month, reasons.keys(), "reasons")
    blank = [d for d in days if not str(reasons.get(d.pk, reasons.get(str(d.pk))) or "").strip()]
    if blank:
        raise DomainError.single("reasons", ErrorCode.REQUIRED, interpolate(
            _("差し戻す日（%(dates)s）の理由を入力してください。"), dates=_dates(blank)))
    if not WORK_MONTH_WORKFLOW.allows(AuditAction.WORK_MONTH_DISPUTE, month.status):
        WORK_MONTH_WORKFLOW.move(month, AuditAction.WORK_MONTH_DISPUTE, actor=actor)  # refuses, naming the state
    disputes = DayDispute.objects.bulk_create([
        DayDispute(day=d, reason=str(reasons.get(d.pk, reasons.get(str(d.pk)))).strip(), raised_by=actor)
        for d in days])
    WORK_MONTH_WORKFLOW.move(month, AuditAction.WORK_MONTH_DISPUTE, actor=actor, prefecture=_prefecture(month),
                             after={"reference": month.reference,
                                    "disputes": {str(x.day.date): x.reason for x in disputes}})
    _tell(month, NotificationKind.WORK_MONTH_DISPUTED, expert=True, days=len(disputes))
    return month


@transaction.atomic(durable=True)
def work_month_answer(*, actor: User, month: WorkMonth, answers: Mapping) -> WorkMonth:
    """The expert answers every open dispute of the month: {day id: answer}; the municipality then confirms or
    disputes again."""
    _check_expert(actor, month.engagement)
    month = _month_locked(month)
    _check_not_locked(month)
    if not WORK_MONTH_WORKFLOW.allows(AuditAction.WORK_MONTH_ANSWER, month.status):
        WORK_MONTH_WORKFLOW.move(month, AuditAction.WORK_MONTH_ANSWER, actor=actor)  # refuses, naming the state
    answers = {str(k): str(v or "").strip() for k, v in (answers or {}).items()}
    disputes = list(open_disputes(month).select_for_update(of=("self",)).order_by("pk"))
    unanswered = [x.day for x in disputes if not answers.get(str(x.day_id))]
    if unanswered:
        raise DomainError.single("answers", ErrorCode.UNANSWERED, interpolate(
            _("差し戻された日（%(dates)s）のすべてに回答してください。"), dates=_dates(unanswered)))
    disputed_ids = {str(x.day_id) for x in disputes}
    if any(key not in disputed_ids and value for key, value in answers.items()):
        raise DomainError.single("answers", ErrorCode.NOT_DISPUTED, _("差し戻されていない日には回答できません。"))
    now = timezone.now()
    for dispute in disputes:
        dispute.answer, dispute.answered_by, dispute.answered_at = answers[str(dispute.day_id)], actor, now
        dispute.save(update_fields=["answer", "answered_by", "answered_at"])
    WORK_MONTH_WORKFLOW.move(month, AuditAction.WORK_MONTH_ANSWER, actor=actor, prefecture=_prefecture(month),
                             after={"reference": month.reference,
                                    "answers": {str(x.day.date): x.answer for x in disputes}})
    _tell(month, NotificationKind.WORK_MONTH_ANSWERED, municipality=True)
    return month


def _confirmed_counts(month: WorkMonth) -> dict:
    days = list(month.days.all())
    return {"reference": month.reference, "days": len(days), "counted": sum(d.counted for d in days),
            "hours": str(sum((d.hours for d in days), Decimal(0))), "onsite": sum(d.onsite for d in days)}


@transaction.atomic(durable=True)
def work_month_confirm(*, actor: User, month: WorkMonth, agree: Iterable = (), left_out: Iterable = ()) -> WorkMonth:
    """The municipality confirms the month: it is locked. `agree` names days beyond the contract it agrees to
    (they count), `left_out` days it does not count. A dispute still unanswered cannot be confirmed."""
    _check_staff(actor, month.engagement)
    month = _month_locked(month)
    _check_not_locked(month)
    waiting = [x.day for x in open_disputes(month)]
    if waiting:
        raise ConflictError.single("month", ErrorCode.DISPUTE_OPEN, interpolate(
            _("差し戻した日（%(dates)s）に専門人材がまだ回答していないため、確認できません。"), dates=_dates(waiting)))
    if not WORK_MONTH_WORKFLOW.allows(AuditAction.WORK_MONTH_CONFIRM, month.status):
        WORK_MONTH_WORKFLOW.move(month, AuditAction.WORK_MONTH_CONFIRM, actor=actor)  # refuses, naming the state
    for day in _days_named(month, agree, "agree"):
        if day.beyond_contract and not day.agreed_at:
            _agree(actor, day)
    left = _days_named(month, left_out, "left_out")
    for day in left:
        day.counted = False
        day.save(update_fields=["counted", "updated_at"])
    WORK_MONTH_WORKFLOW.move(month, AuditAction.WORK_MONTH_CONFIRM, actor=actor, prefecture=_prefecture(month),
                             changes={"confirmed_at": timezone.now(), "confirmed_by": actor},
                             after={**_confirmed_counts(month), "left_out": [str(d.date) for d in left]})
    _tell(month, NotificationKind.WORK_MONTH_CONFIRMED, expert=True)
    return month


@transaction.atomic(durable=True)
def work_month_confirm_on_paper(*, actor: User, month: WorkMonth, paper_reference: str) -> WorkMonth:
    """The coordinator records a confirmation the municipality gave on paper, with the document's reference
    (文書番号). Without one a coordinator never confirms on the municipality's behalf."""
    if not coordinates(actor, month.engagement.municipality.prefecture_id):
        raise ForbiddenError.single("month", ErrorCode.NOT_YOURS,
                                    _("書面による確認を記録できるのは、この都道府県のコーディネーターのみです。"))
    paper_reference = (paper_reference or "").strip()
    if not paper_reference:
        raise DomainError.single("paper_reference", ErrorCode.REQUIRED, _(
            "書面確認の文書番号を入力してください。文書番号なしにコーディネーターが市区町村に代わって確認することはできません。"))
    month = _month_locked(month)
    _check_not_locked(month)
    WORK_MONTH_WORKFLOW.move(month, AuditAction.WORK_MONTH_CONFIRM_ON_PAPER, actor=actor,
                             prefecture=_prefecture(month),
                             changes={"confirmed_at": timezone.now(), "confirmed_by": actor,
                                      "paper_reference": paper_reference},
                             after={**_confirmed_counts(month), "paper_reference": paper_reference})
    _tell(month, NotificationKind.WORK_MONTH_CONFIRMED, expert=True, municipality=True)
    return month


@transaction.atomic(durable=True)
def work_day_adjust(*, actor: User, month: WorkMonth, reason: str, day: WorkDay | None = None,
                    data: Mapping | None = None) -> WorkAdjustment:
    """Correct a confirmed (locked) month: change a day (`day` and `data`), add one (`data` with its date) or remove
    one (`day` alone), with a reason. The coordinator of the prefecture or staff of the municipality; the
    adjustment keeps the day before and after."""
    engagement = month.engagement
    if not (coordinates(actor, engagement.municipality.prefecture_id) or is_staff_of(actor, engagement.municipality_id)):
        raise ForbiddenError.single("month", ErrorCode.NOT_YOURS, _(
            "確認後の修正ができるのは、この市区町村の職員か都道府県のコーディネーターのみです。"))
    reason = (reason or "").strip()
    if not reason:
        raise DomainError.single("reason", ErrorCode.REQUIRED, _("修正の理由を入力してください。"))
    if day is None and not data:
        raise DomainError.single("day", ErrorCode.REQUIRED, _("修正する日を選ぶか、追加する日の内容を入力してください。"))
    month = _month_locked(month)
    if not month.locked:
        raise ConflictError.single("month", ErrorCode.NOT_LOCKED, interpolate(
            _("%(month)sはまだ確認されていません。確認前の記録は専門人材が編集します。"), month=_month_words(month)))
    data = dict(data or {})
    _check_day_fields(data)
    if day is not None:
        day = WorkDay.objects.select_for_update().filter(pk=day.pk, month=month).first()
        if day is None:
            raise DomainError.single("day", ErrorCode.NOT_IN_MONTH, interpolate(
                _("指定された活動日は%(month)sの記録にありません。"), month=_month_words(month)))
    before = work_day_snapshot(day) if day else None
    if day is None:
        day = _adjust_add(month, data, actor)
    elif data:
        changed = [name for name in DAY_FIELDS if name in data]
        for name in changed:
            setattr(day, name, data[name].strip() if isinstance(data[name], str) else data[name])
        day.save(update_fields=[*changed, "updated_at"])
    after = work_day_snapshot(day) if data else None
    day_date = day.date
    if not data:
        day.disputes.all().delete()
        day.delete()
    adjustment = WorkAdjustment.objects.create(month=month, day_date=day_date, before=_json(before),
                                               after=_json(after), reason=reason, made_by=actor)
    audit_record(actor=actor, action=AuditAction.WORK_DAY_ADJUST, obj=adjustment, prefecture=_prefecture(month),
                 before=before, after={"reference": month.reference, "date": day_date, "day": after, "reason": reason})
    return adjustment


def _adjust_add(month: WorkMonth, data: dict, actor: User) -> WorkDay:
    date = data.get("date")
    if date is None or (date.year, date.month) != (month.year, month.month):
        raise DomainError.single("date", ErrorCode.NOT_IN_MONTH, interpolate(
            _("追加する日は%(month)sの日付にしてください。"), month=_month_words(month)))
    _check_date(month.engagement, date)
    missing = [name for name in ("hours", "topics", "done") if not data.get(name)]
    if missing:
        raise DomainError.single(missing[0], ErrorCode.REQUIRED, _("追加する日の時間・テーマ・実施内容を入力してください。"))
    if WorkDay.objects.filter(month=month, date=date).exists():
        raise ConflictError.single("date", ErrorCode.ALREADY_LOGGED, interpolate(
            _("%(date)sの活動は既に記録されています。"), date=date_named(date)))
    return WorkDay.objects.create(month=month, date=date, onsite=bool(data.get("onsite")), hours=data["hours"],
                                  topics=data["topics"].strip(), done=data["done"].strip(), logged_by=actor)


def _json(snapshot: dict | None) -> dict | None:
    if snapshot is None:
        return None
    return {key: value.isoformat() if isinstance(value, dt.date | dt.datetime) else value
            for key, value in snapshot.items()}


# -- reminders -------------------------------------------------------------------------------------------

@transaction.atomic
def work_months_remind(*, today: dt.date | None = None) -> list[str]:
    """Remind the municipality's staff of months awaiting their confirmation whose deadline is within two working
    days or past, once a day per month (`reminded_at`). Run daily by the worker (backend/worklog/tasks.py); no
    actor: notifications are not audited. Returns the references reminded."""
    today = today or timezone.localdate()
    start_of_today = timezone.make_aware(dt.datetime.combine(today, dt.time.min))
    candidates = (WorkMonth.objects.select_for_update(of=("self",), skip_locked=True)
                  .select_related("engagement__municipality", "engagement__expert", "engagement__need")
                  .filter(status__in=AWAITING_MUNICIPALITY, deadline__lte=today + dt.timedelta(days=14))
                  .exclude(reminded_at__gte=start_of_today).order_by("pk"))
    calendars: dict[str, WorkingDays] = {}
    reminded = []
    for month in candidates:
        municipality_id = month.engagement.municipality_id
        days = calendars.setdefault(municipality_id, WorkingDays(municipality_id))
        if not work_month_deadline_near(month, today=today, days=days):
            continue
        month.reminded_at = timezone.now()
        month.save(update_fields=["reminded_at"])
        _tell(month, NotificationKind.WORK_MONTH_REMINDER, municipality=True)
        reminded.append(month.reference)
    return reminded
