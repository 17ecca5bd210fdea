"""Writes of needs: posting and editing by municipal staff (or their coordinator)."""

from django.db import transaction

from backend.accounts.models import UserRole
from backend.core.audit import AuditAction, audit_record
from backend.core.choices import WorkPattern
from backend.core.errors import ConflictError, DomainError
from backend.core.fiscal import days_per_year
from backend.core.services import model_update
from backend.needs.models import Need, NeedSkill, NeedStatus
from backend.needs.terms import terms_problems

SCALAR_FIELDS = ["fiscal_year", "role", "title", "description", "pattern", "pattern_days", "weekdays",
                 "onsite_required", "budget", "employment_forms", "priority"]
# A renewal is edited like an open need before the municipality confirms it; it stays awaiting confirmation.
EDITABLE_STATUSES = (NeedStatus.OPEN, NeedStatus.RENEWAL)


def need_snapshot(need: Need) -> dict:
    return {
        **{f: getattr(need, f) for f in SCALAR_FIELDS},
        "status": need.status,
        "municipality": need.municipality_id,
        "days_per_year": need.days_per_year,
        "weekly_days": need.weekly_days,
        "skills": sorted([s.skill, s.level, s.required] for s in need.skills.all()),
    }


def _municipality_for(*, user, data, current=None):
    requested = data.get("municipality")
    if user.role == UserRole.MUNICIPAL:
        if requested is not None and requested.pk != user.municipality_id:
            raise DomainError.single("municipality", "not_your_municipality",
                                     "自分の市区町村のニーズのみ登録できます。",
                                     "Municipal staff can post needs of their own municipality only.")
        return user.municipality
    if user.role == UserRole.COORDINATOR:
        target = requested or current
        if target is None or target.prefecture_id != user.prefecture_id:
            raise DomainError.single("municipality", "not_your_prefecture",
                                     "担当都道府県の市区町村を指定してください。",
                                     "Choose a municipality of the coordinator's prefecture.")
        return target
    if requested is None and current is None:
        raise DomainError.single("municipality", "required", "市区町村は必須です。", "municipality is required.")
    return requested or current


def _apply(need: Need, data: dict) -> None:
    model_update(instance=need, fields=SCALAR_FIELDS, data=data)
    if need.pattern != WorkPattern.WEEKLY and "weekdays" not in data and not need.weekdays:
        need.weekdays = []
    need.days_per_year, need.weekly_days = days_per_year(need.pattern, need.pattern_days)
    # Asked for on-site work without a number of days: on site every working day (the engine's default).
    if not need.onsite_required:
        need.onsite_days = 0
    elif not need.onsite_days:
        need.onsite_days = need.days_per_year
    problems = terms_problems(pattern=need.pattern, days=need.pattern_days, weekdays=need.weekdays)
    if problems:
        raise DomainError(*problems)


def _write_skills(need: Need, data: dict) -> None:
    if "required_skills" not in data and "desired_skills" not in data:
        return
    current = {s.skill: s for s in need.skills.all()}
    required = data.get("required_skills",
                        {k: s.level for k, s in current.items() if s.required})
    desired = data.get("desired_skills", {k: s.level for k, s in current.items() if not s.required})
    need.skills.all().delete()
    NeedSkill.objects.bulk_create(
        [NeedSkill(need=need, skill=k, level=v, required=True) for k, v in sorted(required.items())]
        + [NeedSkill(need=need, skill=k, level=v, required=False) for k, v in sorted(desired.items())]
    )


@transaction.atomic
def need_submit(*, user, data: dict) -> Need:
    need = Need(municipality=_municipality_for(user=user, data=data), created_by=user if user.pk else None)
    _apply(need, data)
    need.save()
    _write_skills(need, data)
    audit_record(actor=user, action=AuditAction.NEED_SUBMIT, obj=need, prefecture=need.municipality.prefecture,
                 after=need_snapshot(need))
    return need


@transaction.atomic
def need_update(*, user, need: Need, data: dict) -> Need:
    need = Need.objects.select_for_update(of=("self",)).select_related("municipality__prefecture").get(pk=need.pk)
    if need.status not in EDITABLE_STATUSES:
        raise ConflictError.single("status", "not_open", "募集中か継続の確認待ちのニーズのみ変更できます。",
                                   "Only an open need or a renewal awaiting confirmation can be changed.")
    before = need_snapshot(need)
    need.municipality = _municipality_for(user=user, data=data, current=need.municipality)
    _apply(need, data)
    need.save()
    _write_skills(need, data)
    audit_record(actor=user, action=AuditAction.NEED_UPDATE, obj=need, prefecture=need.municipality.prefecture,
                 before=before, after=need_snapshot(need))
    return need


def _need_move(*, user, need: Need, from_status: str, to_status: str, action: str, refusal: tuple[str, str, str]):
    need = Need.objects.select_for_update(of=("self",)).select_related("municipality__prefecture").get(pk=need.pk)
    if need.status != from_status:
        raise ConflictError.single("status", *refusal)
    before = need_snapshot(need)
    need.status = to_status
    need.save(update_fields=["status", "updated_at"])
    audit_record(actor=user, action=action, obj=need, prefecture=need.municipality.prefecture, before=before,
                 after=need_snapshot(need))
    return need


@transaction.atomic
def need_withdraw(*, user, need: Need) -> Need:
    """An open need is withdrawn (no longer matched); a filled one has an engagement to end or replace first."""
    return _need_move(user=user, need=need, from_status=NeedStatus.OPEN, to_status=NeedStatus.CLOSED,
                      action=AuditAction.NEED_WITHDRAW, refusal=("not_open", "募集中のニーズのみ取り下げられます。",
                                                       "Only an open need can be withdrawn."))


@transaction.atomic
def need_reopen(*, user, need: Need) -> Need:
    """A withdrawn need is open again, as it was (matched by the next run)."""
    return _need_move(user=user, need=need, from_status=NeedStatus.CLOSED, to_status=NeedStatus.OPEN,
                      action=AuditAction.NEED_REOPEN, refusal=("not_withdrawn", "取り下げたニーズのみ再開できます。",
                                                     "Only a withdrawn need can be reopened."))
