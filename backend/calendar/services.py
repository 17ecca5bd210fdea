"""Adding and removing the closed days of a prefecture (its coordinator) or a municipality (its staff).

Each write checks its actor first and leaves an audit row; the national calendar (祝日, 年末年始) is not
written here: it comes from `jpholiday` and the law (backend.calendar.selectors)."""

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import coordinates, is_staff_of
from backend.calendar.errors import ErrorCode
from backend.calendar.hooks import CLOSED_DAY_ADDED
from backend.calendar.models import ClosedDay
from backend.calendar.selectors import national_closed_days
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import ConflictError, DomainError, ForbiddenError, interpolate
from backend.core.fiscal import era_date, fiscal_year_of, writable_fiscal_years
from backend.geo.models import Municipality


def closed_day_snapshot(closed_day: ClosedDay) -> dict:
    return {"date": closed_day.date, "label": closed_day.label, "prefecture": closed_day.prefecture_id,
            "municipality": closed_day.municipality_id}


def _code(place) -> str | None:
    """A place given as its row (from a serializer) or its code (from a page)."""
    return (place if isinstance(place, str) else place.pk) if place else None


def _check_may_write(actor: User, *, prefecture_id: str | None, municipality_id: str | None) -> None:
    if prefecture_id and not coordinates(actor, prefecture_id):
        raise ForbiddenError.single("prefecture", ErrorCode.NOT_YOUR_PREFECTURE,
                                    _("閉庁日を追加・削除できるのは、その都道府県のコーディネーターです。"))
    if municipality_id and not is_staff_of(actor, municipality_id):
        raise ForbiddenError.single("municipality", ErrorCode.NOT_YOUR_MUNICIPALITY,
                                    _("閉庁日を追加・削除できるのは、その市区町村の職員です。"))


def _prefecture_of(closed_day: ClosedDay) -> str:
    if closed_day.prefecture_id:
        return closed_day.prefecture_id
    return Municipality.objects.values_list("prefecture_id", flat=True).get(pk=closed_day.municipality_id)


@transaction.atomic(durable=True)
def closed_day_create(*, actor: User, data: dict) -> ClosedDay:
    """Add a closed day to a prefecture (`prefecture`, a code) or to a municipality (`municipality`), never
    both: the date, and its name as the office calls it (県民の日)."""
    prefecture_id, municipality_id = _code(data.get("prefecture")), _code(data.get("municipality"))
    if bool(prefecture_id) == bool(municipality_id):
        raise DomainError.single("prefecture", ErrorCode.ONE_PLACE,
                                 _("閉庁日は、都道府県か市区町村のどちらか一方に追加してください。"))
    _check_may_write(actor, prefecture_id=prefecture_id, municipality_id=municipality_id)
    day = data["date"]
    if fiscal_year_of(day) not in writable_fiscal_years():
        raise DomainError.single("date", ErrorCode.OUT_OF_RANGE,
                                 _("閉庁日の日付は、前年度から3年度先までの日付にしてください。"))
    national = national_closed_days(fiscal_year_of(day)).get(day)
    if national:
        raise DomainError.single("date", ErrorCode.ALREADY_CLOSED, interpolate(
            _("%(date)sは既に休日（%(name)s）です。"), date=era_date(day), name=national))
    try:
        with transaction.atomic():
            closed_day = ClosedDay.objects.create(date=day, label=data["label"], prefecture_id=prefecture_id,
                                                  municipality_id=municipality_id, created_by=actor)
    except IntegrityError:
        raise ConflictError.single("date", ErrorCode.DUPLICATE, interpolate(
            _("%(date)sは既に閉庁日として登録されています。"), date=era_date(day))) from None
    audit_record(actor=actor, action=AuditAction.CLOSED_DAY_CREATE, obj=closed_day,
                 prefecture=_prefecture_of(closed_day), after=closed_day_snapshot(closed_day))
    CLOSED_DAY_ADDED.fire(actor=actor, closed_day=closed_day)
    return closed_day


@transaction.atomic(durable=True)
def closed_day_delete(*, actor: User, closed_day: ClosedDay) -> None:
    """Remove a closed day the place added: the day counts as workable again."""
    closed_day = ClosedDay.objects.select_for_update().get(pk=closed_day.pk)
    _check_may_write(actor, prefecture_id=closed_day.prefecture_id, municipality_id=closed_day.municipality_id)
    audit_record(actor=actor, action=AuditAction.CLOSED_DAY_DELETE, obj=closed_day,
                 prefecture=_prefecture_of(closed_day), before=closed_day_snapshot(closed_day))
    closed_day.delete()
