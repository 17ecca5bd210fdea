"""Writes of needs: posting and editing by municipal staff (or their coordinator), and every move of a need's
status. This module is the one owner of `Need.status`: each move goes through `NEED_WORKFLOW` (refused from any
other state, audited with its action); the engagement and renewal services call the functions here.

Each write asks its own permission first (issue 22): a need is written by the staff of its municipality and by
the coordinator of its prefecture (an administrator passes as a coordinator); a renewal is confirmed or dropped
by the municipality's staff alone; everyone else gets a ForbiddenError (403), whoever calls the service.
"""

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User, UserRole
from backend.accounts.permissions import coordinates, is_admin, is_staff_of
from backend.core.audit import AuditAction, audit_record
from backend.core.choices import WorkPattern
from backend.core.errors import ConflictError, DomainError, FieldProblem, ForbiddenError
from backend.core.fiscal import days_per_year
from backend.core.services import model_update
from backend.geo.models import Municipality
from backend.needs.errors import ErrorCode
from backend.needs.models import FeeBasis, Need, NeedSkill, NeedStatus
from backend.needs.terms import fee_problems, onsite_problems, work_pattern_problems, yearly_fee
from backend.needs.workflows import NEED_WORKFLOW

SCALAR_FIELDS = ["fiscal_year", "role", "title", "description", "pattern", "pattern_days", "weekdays",
                 "onsite_required", "onsite_days", "budget", "fee_basis", "fee_amount", "fee_hours_per_day",
                 "fee_includes_tax", "employment_forms", "priority"]
# A renewal is edited like an open need before the municipality confirms it; it stays awaiting confirmation.
EDITABLE_STATUSES = (NeedStatus.OPEN, NeedStatus.RENEWAL)


def need_snapshot(need: Need) -> dict:
    return {
        **{f: getattr(need, f) for f in SCALAR_FIELDS},
        "status": need.status,
        "municipality": need.municipality_id,
        "days_per_year": need.days_per_year,
        "weekly_days": need.weekly_days,
        "offered_fee": need.offered_fee,
        "adjusted_priority": need.adjusted_priority,
        "priority_reason": need.priority_reason,
        "renewed_from": need.renewed_from_id,
        "current_expert": need.current_expert_id,
        "skills": sorted([s.skill, s.level, s.required] for s in need.skills.all()),
        "funding_scheme": need.funding_scheme_id,
    }


def _acts_for(actor: User, municipality: Municipality) -> bool:
    """Its staff, or the coordinator of its prefecture (an administrator passes as one)."""
    return is_staff_of(actor, municipality.pk) or coordinates(actor, municipality.prefecture_id)


def _check_may_change(actor: User, need: Need) -> None:
    if not _acts_for(actor, need.municipality):
        raise ForbiddenError.single("need", ErrorCode.NOT_YOURS,
                                    _("このニーズを変更できるのは、その市区町村の職員と都道府県のコーディネーターです。"))


def _municipality_for(*, actor: User, data: dict, current: Municipality | None = None) -> Municipality:
    """The municipality a need is posted for or moved to: the one named, else the need's own, else (for its
    staff) the actor's. Refused (403) unless the actor acts for it."""
    own = actor.municipality if actor.role == UserRole.MUNICIPAL else None
    target = data.get("municipality") or current or own
    if target is None:
        raise DomainError.single("municipality", ErrorCode.REQUIRED, _("市区町村は必須です。"))
    if _acts_for(actor, target):
        return target
    if own is not None:
        raise ForbiddenError.single("municipality", ErrorCode.NOT_YOUR_MUNICIPALITY,
                                    _("自分の市区町村のニーズのみ登録できます。"))
    if actor.role == UserRole.COORDINATOR:
        raise ForbiddenError.single("municipality", ErrorCode.NOT_YOUR_PREFECTURE,
                                    _("担当都道府県の市区町村を指定してください。"))
    raise ForbiddenError.single("municipality", ErrorCode.NOT_YOURS,
                                _("ニーズを登録できるのは、市区町村の職員と都道府県のコーディネーターです。"))


def _apply(need: Need, data: dict) -> None:
    every_day_onsite = need.onsite_required and need.onsite_days == need.days_per_year
    planned = need.funding_scheme_id
    model_update(instance=need, fields=[*SCALAR_FIELDS, "funding_scheme"], data=data)
    if need.pattern != WorkPattern.WEEKLY and "weekdays" not in data and not need.weekdays:
        need.weekdays = []
    need.days_per_year, need.weekly_days = days_per_year(need.pattern, need.pattern_days)
    _settle_onsite_days(need, stated="onsite_days" in data, every_day_onsite=every_day_onsite)
    if need.fee_basis != FeeBasis.HOURLY:
        need.fee_hours_per_day = None
    need.fee_basis = need.fee_basis or ""
    problems = (_funding_problems(need, kept=planned)
                + work_pattern_problems(pattern=need.pattern, days=need.pattern_days, weekdays=need.weekdays)
                + onsite_problems(onsite_required=need.onsite_required, onsite_days=need.onsite_days,
                                  days_per_year=need.days_per_year)
                + fee_problems(basis=need.fee_basis, amount=need.fee_amount, hours_per_day=need.fee_hours_per_day,
                               days_per_year=need.days_per_year, budget=need.budget))
    if problems:
        raise DomainError(*problems)
    # Derived, never taken from input: a daily or hourly offer follows the days when the pattern changes.
    need.offered_fee = yearly_fee(basis=need.fee_basis, amount=need.fee_amount, days_per_year=need.days_per_year,
                                  hours_per_day=need.fee_hours_per_day)


def _funding_problems(need: Need, *, kept: int | None) -> list:
    """The planned scheme must be an active one of the need's prefecture (kept as it was when it is unchanged)."""
    scheme = need.funding_scheme
    if scheme is None:
        return []
    if scheme.prefecture_id != need.municipality.prefecture_id:
        return [FieldProblem("funding_scheme", ErrorCode.FUNDING_ELSEWHERE,
                             _("予定の財源は、この市区町村の都道府県の財源から選んでください。"))]
    if not scheme.active and scheme.pk != kept:
        return [FieldProblem("funding_scheme", ErrorCode.FUNDING_INACTIVE,
                             _("予定の財源は、使用中の財源から選んでください。"))]
    return []


def _settle_onsite_days(need: Need, *, stated: bool, every_day_onsite: bool) -> None:
    """On-site work asked without a number of days (or 0) means every working day, the engine's default; so
    does an unchanged "every day" when the pattern changes. Off-site needs have none unless one is stated
    (then the service refuses it, naming the field)."""
    if not need.onsite_required:
        if not stated:
            need.onsite_days = 0
    elif not need.onsite_days or (not stated and every_day_onsite):
        need.onsite_days = need.days_per_year


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


def _locked(need: Need) -> Need:
    return Need.objects.select_for_update(of=("self",)).select_related("municipality__prefecture").get(pk=need.pk)


@transaction.atomic
def need_submit(*, actor: User, data: dict) -> Need:
    need = Need(municipality=_municipality_for(actor=actor, data=data), created_by=actor if actor.pk else None)
    _apply(need, data)
    need.save()
    _write_skills(need, data)
    audit_record(actor=actor, action=AuditAction.NEED_SUBMIT, obj=need, prefecture=need.municipality.prefecture,
                 after=need_snapshot(need))
    return need


@transaction.atomic
def need_submit_many(*, actor: User, rows: list[dict]) -> list[Need]:
    """`need_submit` for many rows at once (a spreadsheet import, issue 26): each row is checked as `need_submit`
    checks it (the actor acts for its municipality, the pattern, on-site days, fee and planned scheme) and audited
    with its own `need.submit` row, but the needs and their skills are inserted together. A refused row raises
    its DomainError with `row_index`, the row's index in `rows`, and nothing is written."""
    needs = []
    for index, data in enumerate(rows):
        try:
            need = Need(municipality=_municipality_for(actor=actor, data=data), created_by=actor if actor.pk else None)
            _apply(need, data)
        except DomainError as exc:
            exc.row_index = index
            raise
        needs.append(need)
    Need.objects.bulk_create(needs, batch_size=500)
    NeedSkill.objects.bulk_create(
        [skill for need, data in zip(needs, rows, strict=True) for skill in _new_skills(need, data)], batch_size=2000)
    prefetch_related_objects(needs, "skills")
    for need in needs:
        audit_record(actor=actor, action=AuditAction.NEED_SUBMIT, obj=need, prefecture=need.municipality.prefecture,
                     after=need_snapshot(need))
    return needs


def _new_skills(need: Need, data: dict) -> list[NeedSkill]:
    """A new need's skills as `_write_skills` stores them."""
    return ([NeedSkill(need=need, skill=k, level=v, required=True)
             for k, v in sorted(data.get("required_skills", {}).items())]
            + [NeedSkill(need=need, skill=k, level=v, required=False)
               for k, v in sorted(data.get("desired_skills", {}).items())])


@transaction.atomic(durable=True)
def need_update(*, actor: User, need: Need, data: dict) -> Need:
    need = _locked(need)
    _check_may_change(actor, need)
    if need.status not in EDITABLE_STATUSES:
        raise ConflictError.single("status", ErrorCode.NOT_OPEN, _("募集中か継続の確認待ちのニーズのみ変更できます。"))
    before = need_snapshot(need)
    need.municipality = _municipality_for(actor=actor, data=data, current=need.municipality)
    _apply(need, data)
    need.save()
    _write_skills(need, data)
    audit_record(actor=actor, action=AuditAction.NEED_UPDATE, obj=need, prefecture=need.municipality.prefecture,
                 before=before, after=need_snapshot(need))
    return need


def _move(need: Need, action: AuditAction, *, actor: User, refusal: tuple[ErrorCode, Promise]) -> Need:
    """Move a locked need by `action` of NEED_WORKFLOW; a state outside the move's sources is refused in the
    words of the need's own domain (`refusal`), before the workflow's generic refusal could be reached."""
    if not NEED_WORKFLOW.allows(action, need.status):
        raise ConflictError.single("status", *refusal)
    snapshot = need_snapshot(need)
    NEED_WORKFLOW.move(need, action, actor=actor, prefecture=need.municipality.prefecture, before=snapshot,
                       after=snapshot)
    return need


@transaction.atomic(durable=True)
def need_withdraw(*, actor: User, need: Need) -> Need:
    """An open need is withdrawn (no longer matched); a filled one has an engagement to end or replace first."""
    need = _locked(need)
    _check_may_change(actor, need)
    return _move(need, AuditAction.NEED_WITHDRAW, actor=actor,
                 refusal=(ErrorCode.NOT_OPEN, _("募集中のニーズのみ取り下げられます。")))


@transaction.atomic(durable=True)
def need_reopen(*, actor: User, need: Need) -> Need:
    """A withdrawn need, or a renewal the municipality dropped, is open again as it was (matched by the next run)."""
    need = _locked(need)
    _check_may_change(actor, need)
    return _move(need, AuditAction.NEED_REOPEN, actor=actor,
                 refusal=(ErrorCode.NOT_WITHDRAWN, _("取り下げたニーズと継続を取りやめたニーズのみ再開できます。")))


def _check_municipality_decides(actor: User, need: Need) -> None:
    """Whether a post continues is the municipality's decision: its staff's (or an administrator's), not the
    coordinator's, who prepared the renewal."""
    if not (is_admin(actor) or is_staff_of(actor, need.municipality_id)):
        raise ForbiddenError.single("need", ErrorCode.NOT_YOUR_MUNICIPALITY,
                                    _("継続の確認と取りやめは、その市区町村の職員が行います。"))


@transaction.atomic(durable=True)
def need_renewal_confirm(*, actor: User, need: Need) -> Need:
    """The municipality confirms a renewal (prepared by `backend.renewals.services.renewal_prepare`): it becomes
    an open need, matched by the next run."""
    need = _locked(need)
    _check_municipality_decides(actor, need)
    return _move(need, AuditAction.NEED_RENEWAL_CONFIRM, actor=actor,
                 refusal=(ErrorCode.NOT_PENDING, _("この継続は既に確認済みか取りやめ済みです。")))


@transaction.atomic(durable=True)
def need_renewal_drop(*, actor: User, need: Need) -> Need:
    """The municipality does not continue the post: the renewal is dropped (and can be reopened as a need)."""
    need = _locked(need)
    _check_municipality_decides(actor, need)
    return _move(need, AuditAction.NEED_RENEWAL_DROP, actor=actor,
                 refusal=(ErrorCode.NOT_PENDING, _("この継続は既に確認済みか取りやめ済みです。")))


@transaction.atomic
def need_adjust_priority(*, actor: User, need: Need, adjusted_priority: int | None, reason: str) -> Need:
    """The coordinator's adjustment of a need's priority (1-5) with its reason, used by the engine in place of
    the municipality's own priority, which is kept and shown next to it. None takes the adjustment back."""
    need = _locked(need)
    if not coordinates(actor, need.municipality.prefecture_id):
        raise ForbiddenError.single("adjusted_priority", ErrorCode.COORDINATORS_ONLY,
                                    _("優先度の調整は都道府県のコーディネーターのみが行えます。"))
    if need.status != NeedStatus.OPEN:
        raise ConflictError.single("status", ErrorCode.NOT_OPEN, _("募集中のニーズのみ優先度を調整できます。"))
    reason = (reason or "").strip()
    if adjusted_priority is not None and not 1 <= adjusted_priority <= 5:
        raise DomainError.single("adjusted_priority", ErrorCode.OUT_OF_RANGE, _("調整後の優先度は1から5で指定してください。"))
    if adjusted_priority is not None and not reason:
        raise DomainError.single("priority_reason", ErrorCode.REQUIRED, _("優先度を調整する理由を入力してください。"))
    before = need_snapshot(need)
    need.adjusted_priority = adjusted_priority
    need.priority_reason = reason if adjusted_priority is not None else ""
    need.save(update_fields=["adjusted_priority", "priority_reason", "updated_at"])
    audit_record(actor=actor, action=AuditAction.NEED_ADJUST_PRIORITY, obj=need, prefecture=need.municipality.prefecture,
                 before=before, after=need_snapshot(need))
    return need



# -- filled and released by an engagement (called only by backend.placement's and backend.engagements' services) -
# No permission of their own: the engagement service that calls them has checked its actor and holds the need's
# lock already (taken after the expert's, in the house order), so the lock here takes nothing new.

@transaction.atomic
def need_fill(*, actor: User, need: Need, cause: dict | None = None) -> Need:
    """An approved proposal fills the need (open → filled); `cause` names the engagement on the audit row."""
    need = Need.objects.select_for_update(of=("self",)).select_related("municipality__prefecture").get(pk=need.pk)
    NEED_WORKFLOW.move(need, AuditAction.NEED_FILL, actor=actor, prefecture=need.municipality.prefecture, after=cause)
    return need


@transaction.atomic
def need_release(*, actor: User, need: Need, cause: dict | None = None) -> Need:
    """The need is on offer again (filled → open): its offer was declined or withdrawn, or its engagement ended
    early; `cause` names the engagement on the audit row."""
    need = Need.objects.select_for_update(of=("self",)).select_related("municipality__prefecture").get(pk=need.pk)
    NEED_WORKFLOW.move(need, AuditAction.NEED_RELEASE, actor=actor, prefecture=need.municipality.prefecture,
                       after=cause)
    return need
