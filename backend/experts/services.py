"""Writes of experts: registration by coordinators, upkeep by the experts themselves.

What each role may change is explicit. An expert keeps their contact, availability, weekdays, skills and
minimum rate up to date; their affiliations and registration are the coordinator's record (a vendor
affiliation is what bid restrictions hang on), and the pledge is signed through its own flow, dated the
day it is signed. No limit ever drops below what the expert already holds.
"""

from collections import defaultdict

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import prefetch_related_objects
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import coordinates, is_admin, is_coordinator, is_expert_self
from backend.core.audit import AuditAction, audit_record
from backend.core.choices import (
    ACTIVE_RELATIONS,
    HOLDING_STATUSES,
    WEEKDAY_ORDER,
    AffiliationRelation,
    Weekday,
)
from backend.core.errors import ConflictError, DomainError, FieldProblem, ForbiddenError, interpolate, joined
from backend.core.fiscal import fiscal_years_covered
from backend.core.hooks import Hook
from backend.core.services import model_update
from backend.experts.errors import ErrorCode
from backend.experts.models import (
    Affiliation,
    AffiliationChange,
    AffiliationChangeKind,
    Expert,
    ExpertSkill,
)
from backend.experts.workflows import AFFILIATION_CHANGE_WORKFLOW
from backend.notifications.models import NotificationKind
from backend.notifications.selectors import recipients_coordinators
from backend.notifications.services import notify
from backend.procurement.services import vendor_require_current
from backend.restrictions.services import (
    restrictions_after_affiliation_change,
    restrictions_after_affiliation_changes,
)

# An expert's affiliations changed (an edit by the coordinator, an accepted change request): the apps above
# register what it means for them in the write's transaction — an incumbent conflict on the expert's engagements
# (backend/placement/conflicts.py). Called with actor= and expert= (or experts=, a list, when an import writes many),
# before any audit row of the write (the chain's lock is the last a transaction takes).
AFFILIATIONS_CHANGED = Hook("affiliations changed")

# The fields an expert changes on their own record; everything else is the coordinator's.
EXPERT_OWN_FIELDS = frozenset({
    "email", "phone", "home_municipality", "onsite_prefectures", "capacity_days", "weekdays", "daily_rate",
    "employment_forms", "skills",
})
_NOT_YOURS = {
    "affiliations": _("所属事業者は入札参加制限の根拠になるため、「所属の変更を申請」から申請してください"
                      "（コーディネーターが確認して反映します）。"),
    "pool_pledge_signed_on": _("誓約書はマイページの「誓約する」から署名してください（署名日は当日になります）。"),
}
_NOT_YOURS_OTHERWISE = _("この項目は専門人材本人は変更できません。変更が必要な場合はコーディネーターに依頼してください。")

SCALAR_FIELDS = [
    "name", "name_kana", "email", "phone", "home_municipality", "capacity_days", "weekdays",
    "max_engagements", "daily_rate", "employment_forms", "pool_pledge_signed_on", "listed",
]


def expert_snapshot(expert: Expert) -> dict:
    return {
        "name": expert.name,
        "registering_prefecture": expert.registering_prefecture_id,
        # read through .all(), so that rows prefetched for many experts (expert_create_many) are not read again
        "serves_prefectures": sorted(p.code for p in expert.serves_prefectures.all()),
        "onsite_prefectures": sorted(p.code for p in expert.onsite_prefectures.all()),
        "capacity_days": expert.capacity_days,
        "weekdays": list(expert.weekdays),
        "max_engagements": expert.max_engagements,
        "daily_rate": expert.daily_rate,
        "employment_forms": list(expert.employment_forms),
        "pool_pledge_signed_on": expert.pool_pledge_signed_on,
        "skills": {s.skill: s.level for s in expert.skills.all()},
        "affiliations": sorted(([a.vendor_id, a.relation, a.ended_on] for a in expert.affiliations.all()),
                               key=lambda a: (a[0], a[1])),
        "listed": expert.listed,
    }


def _registering_prefecture_for(*, actor: User, data, current=None):
    """An administrator names the registering prefecture, a coordinator registers in their own, and the
    expert's own edit leaves it where it is."""
    requested = data.get("registering_prefecture")
    if is_admin(actor):
        if requested is None and current is None:
            raise DomainError.single("registering_prefecture", ErrorCode.REQUIRED, _("登録都道府県は必須です。"))
        return requested or current
    if is_coordinator(actor):
        if requested is not None and requested.pk != actor.prefecture_id:
            raise DomainError.single(
                "registering_prefecture", ErrorCode.NOT_YOUR_PREFECTURE,
                _("登録都道府県は担当の都道府県のみ指定できます。"),
            )
        return actor.prefecture
    if requested is not None and current is not None and requested.pk != current.pk:
        raise DomainError.single(
            "registering_prefecture", ErrorCode.READ_ONLY, _("登録都道府県は変更できません。"),
        )
    return current


def _write_relations(expert: Expert, data: dict, *, actor) -> None:
    if "serves_prefectures" in data or expert.serves_prefectures.count() == 0:
        served = {p.pk for p in data.get("serves_prefectures", [])} | {expert.registering_prefecture_id}
        expert.serves_prefectures.set(sorted(served))
    if "onsite_prefectures" in data:
        expert.onsite_prefectures.set([p.pk for p in data["onsite_prefectures"]])
    if "skills" in data:
        expert.skills.all().delete()
        ExpertSkill.objects.bulk_create(
            [ExpertSkill(expert=expert, skill=s, level=lvl) for s, lvl in sorted(data["skills"].items())]
        )
    if "affiliations" in data:
        before = set(expert.affiliations.values_list("vendor_id", "relation"))
        kept = {vendor_id for vendor_id, _relation in before}
        for index, a in enumerate(data["affiliations"]):  # a retired vendor stays on a row, is not picked anew
            if a["vendor"].pk not in kept:
                vendor_require_current(vendor=a["vendor"], field=f"affiliations[{index}].vendor")
        expert.affiliations.all().delete()
        Affiliation.objects.bulk_create(
            [Affiliation(expert=expert, vendor=a["vendor"], relation=a["relation"], ended_on=a.get("ended_on"))
             for a in data["affiliations"]]
        )
        # Rows of the register already recorded stay; an added affiliation restricts from today.
        after = {(a["vendor"].pk, a["relation"]) for a in data["affiliations"]}
        AFFILIATIONS_CHANGED.fire(actor=actor, expert=expert)
        restrictions_after_affiliation_change(expert=expert, before=before, after=after, actor=actor)


def _check_changes_expert(actor: User, expert: Expert) -> None:
    """The coordinator of the expert's registering prefecture, or the expert themself."""
    if not (coordinates(actor, expert.registering_prefecture_id) or is_expert_self(actor, expert.pk)):
        raise ForbiddenError.single("expert", ErrorCode.NOT_YOURS,
                                    _("この専門人材の情報を変更できるのは、登録都道府県のコーディネーターと本人のみです。"))


def _check_fields_are_theirs(*, actor: User, expert: Expert, data: dict) -> None:
    """The expert's own edit carries only the fields that are theirs to change."""
    if not is_expert_self(actor, expert.pk):
        return
    problems = []
    for name in sorted(set(data) - EXPERT_OWN_FIELDS):
        problems.append(FieldProblem(name, ErrorCode.NOT_YOURS, _NOT_YOURS.get(name, _NOT_YOURS_OTHERWISE)))
    if problems:
        raise DomainError(*problems)


def _check_pledge_date(data: dict) -> None:
    signed = data.get("pool_pledge_signed_on")
    if signed and signed > timezone.localdate():
        raise DomainError.single("pool_pledge_signed_on", ErrorCode.IN_FUTURE, _("誓約書の署名日に未来の日付は指定できません。"))


def expert_commitments(*, expert: Expert) -> dict:
    """What the expert already holds (offered or active, not yet ended): per fiscal year (each year a term
    covers) the days and the number of engagements at most, and the weekdays they are booked on."""
    # Through the relation engagements declares on Expert: experts sits below engagements and imports none of it.
    holdings = expert.engagements.filter(status__in=HOLDING_STATUSES, ends_on__gte=timezone.localdate())
    days: dict[int, int] = defaultdict(int)
    count: dict[int, int] = defaultdict(int)
    weekdays: set[str] = set()
    for engagement in holdings:  # a multi-year term holds in every fiscal year it covers
        for year in fiscal_years_covered(engagement.starts_on, engagement.ends_on):
            days[year] += engagement.days_per_year
            count[year] += 1
        weekdays.update(engagement.weekdays)
    return {"days": max(days.values(), default=0), "engagements": max(count.values(), default=0),
            "weekdays": weekdays}


def _check_commitments(expert: Expert) -> None:
    held = expert_commitments(expert=expert)
    problems = []
    if expert.capacity_days < held["days"]:
        problems.append(FieldProblem(
            "capacity_days", ErrorCode.BELOW_COMMITMENTS,
            interpolate(_("年間稼働可能日数は、既に引き受けている%(days)s日より少なくできません。"), days=held["days"])))
    if expert.max_engagements < held["engagements"]:
        problems.append(FieldProblem(
            "max_engagements", ErrorCode.BELOW_COMMITMENTS,
            interpolate(_("最大兼務数は、既に引き受けている%(engagements)s件より少なくできません。"),
                        engagements=held["engagements"])))
    dropped = held["weekdays"] - set(expert.weekdays)
    if dropped:
        problems.append(FieldProblem(
            "weekdays", ErrorCode.BELOW_COMMITMENTS,
            interpolate(_("勤務が決まっている曜日（%(weekdays)s）は稼働可能曜日から外せません。"),
                        weekdays=joined(Weekday(d).label for d in WEEKDAY_ORDER if d in dropped))))
    if problems:
        raise ConflictError(*problems)


@transaction.atomic
def expert_create(*, actor: User, data: dict) -> Expert:
    """A coordinator registers an expert in their prefecture; an administrator names the prefecture."""
    if not is_coordinator(actor):
        raise ForbiddenError.single("expert", ErrorCode.NOT_YOURS, _("専門人材を登録できるのはコーディネーターのみです。"))
    _check_pledge_date(data)
    home = _registering_prefecture_for(actor=actor, data=data)
    expert = Expert(registering_prefecture=home)
    model_update(instance=expert, fields=SCALAR_FIELDS, data=data)
    expert.full_clean(exclude=["weekdays", "employment_forms"])
    expert.save()
    _write_relations(expert, data, actor=actor)
    audit_record(actor=actor, action=AuditAction.EXPERT_CREATE, obj=expert, prefecture=home, after=expert_snapshot(expert))
    return expert


@transaction.atomic
def expert_create_many(*, actor: User, rows: list[dict]) -> list[Expert]:
    """`expert_create` for many rows at once (a spreadsheet import, issue 26): each row is checked as
    `expert_create` checks it and audited with its own `expert.create` row (and `affiliation.change` where it names
    vendors), but the experts and their relations are inserted together. The model's own checks run per row; its
    foreign keys are not looked up again (the serializer found those rows in this transaction), and each distinct
    combination of the values the model's check constraints read is checked once. A refused row raises its
    DomainError with `row_index`, the row's index in `rows`, and nothing is written."""
    if not is_coordinator(actor):
        raise ForbiddenError.single("expert", ErrorCode.NOT_YOURS, _("専門人材を登録できるのはコーディネーターのみです。"))
    experts, constraints_checked, vendors_checked = [], set(), set()
    for index, data in enumerate(rows):
        try:
            _check_pledge_date(data)
            expert = Expert(registering_prefecture=_registering_prefecture_for(actor=actor, data=data))
            model_update(instance=expert, fields=SCALAR_FIELDS, data=data)
            expert.full_clean(exclude=["weekdays", "employment_forms", "registering_prefecture", "home_municipality"],
                              validate_constraints=False)
            _validate_constraints_once(expert, constraints_checked)
            for n, a in enumerate(data.get("affiliations", [])):  # as _write_relations asks, once per vendor
                if a["vendor"].pk not in vendors_checked:
                    vendor_require_current(vendor=a["vendor"], field=f"affiliations[{n}].vendor")
                    vendors_checked.add(a["vendor"].pk)
        except DomainError as exc:
            exc.row_index = index
            raise
        except ValidationError as exc:  # the model's checks, as full_clean raises them in expert_create
            exc.row_index = index
            raise
        experts.append(expert)
    Expert.objects.bulk_create(experts, batch_size=500)
    _write_new_relations(experts, rows, actor=actor)
    prefetch_related_objects(experts, "serves_prefectures", "onsite_prefectures", "skills", "affiliations")
    for expert in experts:
        audit_record(actor=actor, action=AuditAction.EXPERT_CREATE, obj=expert, prefecture=expert.registering_prefecture,
                     after=expert_snapshot(expert))
    return experts


def _validate_constraints_once(expert: Expert, checked: set) -> None:
    """`validate_constraints` as `full_clean` runs it in expert_create, once per distinct set of the values the
    constraints read (each check is a query)."""
    exclude = {"weekdays", "employment_forms"}
    fields = sorted({f for c in Expert._meta.constraints if hasattr(c, "condition") and c.condition is not None
                     for f in c.condition.referenced_base_fields} - exclude)
    key = tuple(repr(getattr(expert, f, None)) for f in fields)
    if key not in checked:
        expert.validate_constraints(exclude=exclude)
        checked.add(key)


def _write_new_relations(experts: list[Expert], rows: list[dict], *, actor) -> None:
    """What `_write_relations` writes for a new expert, for many: the prefectures served (the registering one
    always), on site, skills and affiliations, then what an affiliation means for the apps above (the hook) and
    the register of bid restrictions."""
    through_serves, through_onsite = Expert.serves_prefectures.through, Expert.onsite_prefectures.through
    through_serves.objects.bulk_create(
        [through_serves(expert_id=e.pk, prefecture_id=code) for e, data in zip(experts, rows, strict=True)
         for code in sorted({p.pk for p in data.get("serves_prefectures", [])} | {e.registering_prefecture_id})],
        batch_size=5000)
    through_onsite.objects.bulk_create(
        [through_onsite(expert_id=e.pk, prefecture_id=p.pk) for e, data in zip(experts, rows, strict=True)
         for p in data.get("onsite_prefectures", [])], batch_size=5000)
    ExpertSkill.objects.bulk_create(
        [ExpertSkill(expert=e, skill=s, level=lvl) for e, data in zip(experts, rows, strict=True)
         for s, lvl in sorted(data.get("skills", {}).items())], batch_size=5000)
    affiliated = [(e, data["affiliations"]) for e, data in zip(experts, rows, strict=True) if "affiliations" in data]
    Affiliation.objects.bulk_create(
        [Affiliation(expert=e, vendor=a["vendor"], relation=a["relation"], ended_on=a.get("ended_on"))
         for e, affiliations in affiliated for a in affiliations], batch_size=5000)
    if affiliated:
        AFFILIATIONS_CHANGED.fire(actor=actor, experts=[e for e, _affiliations in affiliated])
    restrictions_after_affiliation_changes(actor=actor, changes=[
        (e, set(), {(a["vendor"].pk, a["relation"]) for a in affiliations}) for e, affiliations in affiliated])


@transaction.atomic(durable=True)
def expert_update(*, actor: User, expert: Expert, data: dict) -> Expert:
    """The coordinator of the expert's registering prefecture changes the record; the expert their own fields."""
    _check_changes_expert(actor, expert)
    _check_fields_are_theirs(actor=actor, expert=expert, data=data)
    _check_pledge_date(data)
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    before = expert_snapshot(expert)
    expert.registering_prefecture = _registering_prefecture_for(actor=actor, data=data,
                                                                current=expert.registering_prefecture)
    model_update(instance=expert, fields=SCALAR_FIELDS, data=data)
    _check_commitments(expert)
    expert.save()
    _write_relations(expert, data, actor=actor)
    audit_record(actor=actor, action=AuditAction.EXPERT_UPDATE, obj=expert, prefecture=expert.registering_prefecture,
                 before=before, after=expert_snapshot(expert))
    return expert


@transaction.atomic
def expert_sign_pledge(*, actor: User, expert: Expert) -> Expert:
    """The expert signs the confidentiality pledge (情報漏洩防止の誓約) themself; it is dated today."""
    if not is_expert_self(actor, expert.pk):
        raise ForbiddenError.single("expert", ErrorCode.NOT_YOURS, _("誓約書に署名できるのは専門人材本人のみです。"))
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    before = expert_snapshot(expert)
    expert.pool_pledge_signed_on = timezone.localdate()
    expert.save(update_fields=["pool_pledge_signed_on", "updated_at"])
    audit_record(actor=actor, action=AuditAction.EXPERT_SIGN_PLEDGE, obj=expert, prefecture=expert.registering_prefecture,
                 before=before, after=expert_snapshot(expert))
    return expert


@transaction.atomic(durable=True)
def expert_deactivate(*, actor: User, expert: Expert) -> Expert:
    """Experts are never deleted (engagements and the audit log refer to them); the coordinator of their
    registering prefecture retires them."""
    if not coordinates(actor, expert.registering_prefecture_id):
        raise ForbiddenError.single("expert", ErrorCode.NOT_YOURS, _("専門人材の登録を停止できるのは登録都道府県のコーディネーターのみです。"))
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    before = expert_snapshot(expert)
    expert.listed = False
    expert.save(update_fields=["listed", "updated_at"])
    audit_record(actor=actor, action=AuditAction.EXPERT_DEACTIVATE, obj=expert, prefecture=expert.registering_prefecture,
                 before=before, after=expert_snapshot(expert))
    return expert


# -- affiliation changes: asked by the expert, applied by the coordinator ---------------------------------------

def affiliation_change_request(*, actor: User, expert: Expert, kind: str, vendor, relation: str = "",
                               ended_on=None, note: str = "") -> AffiliationChange:
    """The expert asks to add an affiliation or to end one; nothing changes until the coordinator accepts."""
    if not is_expert_self(actor, expert.pk):
        raise ForbiddenError.single("expert", ErrorCode.NOT_YOURS, _("所属の変更を申請できるのは専門人材本人のみです。"))
    current = {a.vendor_id: a for a in expert.affiliations.all() if a.is_current}
    if kind == AffiliationChangeKind.END and vendor.pk not in current:
        raise DomainError.single("vendor", ErrorCode.NOT_AFFILIATED, _("在籍・兼業中の事業者ではありません。"))
    if kind == AffiliationChangeKind.ADD and not relation:
        raise DomainError.single("relation", ErrorCode.REQUIRED, _("関係（在籍・兼業）を選んでください。"))
    if kind == AffiliationChangeKind.ADD:
        vendor_require_current(vendor=vendor)
    if kind == AffiliationChangeKind.END and ended_on is None:
        raise DomainError.single("ended_on", ErrorCode.REQUIRED, _("退職日・終了日を入力してください。"))
    with transaction.atomic():
        change = AffiliationChange.objects.create(expert=expert, kind=kind, vendor=vendor, relation=relation,
                                                  ended_on=ended_on, note=note.strip())
        audit_record(actor=actor, action=AuditAction.AFFILIATION_REQUEST, obj=change, prefecture=expert.registering_prefecture,
                     after={"kind": kind, "vendor": vendor.name, "relation": relation or None,
                            "ended_on": ended_on, "note": change.note or None})
        notify(recipients=recipients_coordinators(prefecture_id=expert.registering_prefecture_id),
               kind=NotificationKind.AFFILIATION_CHANGE_REQUESTED, link=reverse("frontend:affiliation-changes"),
               params={"expert": expert.name, "vendor": vendor.name})
    return change


def _check_decides_change(actor: User, change: AffiliationChange) -> None:
    if not coordinates(actor, change.expert.registering_prefecture_id):
        raise ForbiddenError.single("change", ErrorCode.NOT_YOURS, _("この申請を処理できるのは登録都道府県のコーディネーターのみです。"))


def _locked_undecided_change(change: AffiliationChange, action: AuditAction) -> AffiliationChange:
    change = AffiliationChange.objects.select_for_update().get(pk=change.pk)
    if not AFFILIATION_CHANGE_WORKFLOW.allows(action, change.status):
        raise ConflictError.single("change", ErrorCode.DECIDED, _("この申請は既に処理されています。"))
    return change


def _change_decided(change: AffiliationChange, action: AuditAction, *, actor: User, expert: Expert,
                    reason: str) -> None:
    reason = reason.strip()
    AFFILIATION_CHANGE_WORKFLOW.move(
        change, action, actor=actor, prefecture=expert.registering_prefecture, after={"reason": reason or None},
        changes={"decided_by": actor, "decided_at": timezone.now(), "decision_reason": reason})


@transaction.atomic(durable=True)
def affiliation_change_accept(*, actor: User, change: AffiliationChange, reason: str = "") -> AffiliationChange:
    """The coordinator of the expert's prefecture applies the request. Applying never lifts a restriction in
    force: ending an affiliation keeps it as former_employee, and recorded rows stay."""
    _check_decides_change(actor, change)
    change = _locked_undecided_change(change, AuditAction.AFFILIATION_ACCEPT)
    expert = Expert.objects.select_for_update().get(pk=change.expert_id)
    before = set(expert.affiliations.values_list("vendor_id", "relation"))
    if change.kind == AffiliationChangeKind.ADD:
        Affiliation.objects.update_or_create(expert=expert, vendor=change.vendor, relation=change.relation,
                                             defaults={"ended_on": None})
    else:
        expert.affiliations.filter(vendor=change.vendor, relation__in=ACTIVE_RELATIONS).delete()
        Affiliation.objects.update_or_create(
            expert=expert, vendor=change.vendor, relation=AffiliationRelation.FORMER_EMPLOYEE,
            defaults={"ended_on": change.ended_on})
    after = set(expert.affiliations.values_list("vendor_id", "relation"))
    AFFILIATIONS_CHANGED.fire(actor=actor, expert=expert)
    restrictions_after_affiliation_change(expert=expert, before=before, after=after, actor=actor)
    _change_decided(change, AuditAction.AFFILIATION_ACCEPT, actor=actor, expert=expert, reason=reason)
    return change


@transaction.atomic(durable=True)
def affiliation_change_decline(*, actor: User, change: AffiliationChange, reason: str = "") -> AffiliationChange:
    """The coordinator of the expert's prefecture declines the request: the affiliations stay as they are."""
    _check_decides_change(actor, change)
    change = _locked_undecided_change(change, AuditAction.AFFILIATION_DECLINE)
    _change_decided(change, AuditAction.AFFILIATION_DECLINE, actor=actor, expert=change.expert, reason=reason)
    return change
