"""The second round (二次調整): a coordinator publishes the needs of their prefecture and year that are still
unfilled after the main round, with a deadline for experts' interest, and closes the round.

Publishing tells the experts of the pool serving the prefecture (they state interest on the `wishes-interest`
page, which refuses it after the deadline). The second-round run itself is started above this app
(backend.placement.round_runs), which reads the round's needs. This module never starts a run and never touches
an engagement.
"""

import datetime as dt

from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import coordinates, is_coordinator
from backend.core.audit import AuditAction, audit_record
from backend.core.choices import HOLDING_STATUSES
from backend.core.errors import ConflictError, DomainError, ForbiddenError
from backend.core.fiscal import era_date
from backend.needs.models import Need, NeedStatus
from backend.notifications.models import NotificationKind
from backend.notifications.services import notify
from backend.wishes.models import Round
from backend.wishes.round_errors import RoundErrorCode

INTEREST_PATH = "/interest/"  # the expert's interest page, when its URL name is not (yet) registered


def round_unfilled_needs(*, prefecture_id: str, fiscal_year: int) -> QuerySet[Need]:
    """The prefecture's needs of the year that a second round would publish: open, and held by no offered or
    active engagement."""
    return (Need.objects.filter(municipality__prefecture_id=prefecture_id, fiscal_year=fiscal_year,
                                status=NeedStatus.OPEN)
            .exclude(engagements__status__in=HOLDING_STATUSES)
            .order_by("id"))


def round_snapshot(r: Round) -> dict:
    return {"prefecture": r.prefecture_id, "fiscal_year": r.fiscal_year, "main_run": r.main_run_id,
            "needs": sorted(r.needs.values_list("pk", flat=True)), "deadline": r.deadline.isoformat(),
            "closed_at": r.closed_at.isoformat() if r.closed_at else None}


def _check_coordinates(actor: User, prefecture_id: str) -> None:
    if not is_coordinator(actor):
        raise ForbiddenError.single("round", RoundErrorCode.NOT_A_COORDINATOR,
                                    _("二次調整を扱えるのは都道府県のコーディネーターのみです。"))
    if not coordinates(actor, prefecture_id):
        raise ForbiddenError.single("round", RoundErrorCode.NOT_YOURS, _("この都道府県の二次調整を扱う権限がありません。"))


def _interest_link() -> str:
    """The expert's interest page (URL name `wishes-interest`, built by the wishes pages)."""
    for name in ("frontend:wishes-interest", "wishes-interest"):
        try:
            return reverse(name)
        except NoReverseMatch:
            continue
    return INTEREST_PATH


def _pool_experts(prefecture_id: str) -> QuerySet[User]:
    return User.objects.filter(expert__listed=True, expert__serves_prefectures=prefecture_id,
                               is_active=True).distinct()


@transaction.atomic(durable=True)
def round_publish(*, actor: User, prefecture, fiscal_year: int, deadline: dt.date, main_run=None,
                  today: dt.date | None = None) -> Round:
    """Publish the prefecture's unfilled needs of the year for a second round, experts' interest taken until
    `deadline`; refused while another round of that prefecture and year is open."""
    prefecture_id = getattr(prefecture, "pk", prefecture)
    _check_coordinates(actor, prefecture_id)
    today = today or timezone.localdate()
    if deadline is None or deadline <= today:
        raise DomainError.single("deadline", RoundErrorCode.DEADLINE_PAST, _("希望の締切には明日以降の日付を指定してください。"))
    if Round.objects.filter(prefecture_id=prefecture_id, fiscal_year=fiscal_year, closed_at__isnull=True).exists():
        raise ConflictError.single("round", RoundErrorCode.ALREADY_OPEN,
                                   _("この年度の二次調整は既に公開中です。締め切ってから公開してください。"))
    needs = list(round_unfilled_needs(prefecture_id=prefecture_id, fiscal_year=fiscal_year)
                 .select_for_update(of=("self",)))
    if not needs:
        raise ConflictError.single("round", RoundErrorCode.NO_NEEDS, _("二次調整に公開できる未充足のニーズがありません。"))
    try:
        with transaction.atomic():
            r = Round.objects.create(prefecture_id=prefecture_id, fiscal_year=fiscal_year, main_run=main_run,
                                     deadline=deadline, published_by=actor, published_at=timezone.now())
    except IntegrityError:  # a concurrent publish won
        raise ConflictError.single("round", RoundErrorCode.ALREADY_OPEN,
                                   _("この年度の二次調整は既に公開中です。締め切ってから公開してください。")) from None
    r.needs.set(needs)
    audit_record(actor=actor, action=AuditAction.ROUND_PUBLISH, obj=r, prefecture=prefecture_id,
                 after=round_snapshot(r))
    notify(recipients=_pool_experts(prefecture_id), kind=NotificationKind.ROUND_PUBLISHED, link=_interest_link(),
           params={"prefecture": r.prefecture.name, "needs": len(needs), "deadline": deadline.isoformat(),
                   "deadline_label": era_date(deadline)})
    return r


@transaction.atomic(durable=True)
def round_close(*, actor: User, round: Round) -> Round:  # noqa: A002 - the domain's word
    """Close the round: no more interest is taken; its runs and the needs stay as they are."""
    _check_coordinates(actor, round.prefecture_id)
    r = Round.objects.select_for_update().get(pk=round.pk)
    if r.closed_at is not None:
        raise ConflictError.single("round", RoundErrorCode.ALREADY_CLOSED, _("この二次調整は既に締め切られています。"))
    before = round_snapshot(r)
    r.closed_at = timezone.now()
    r.save(update_fields=["closed_at"])
    audit_record(actor=actor, action=AuditAction.ROUND_CLOSE, obj=r, prefecture=r.prefecture_id, before=before,
                 after=round_snapshot(r))
    return r
