"""Writes of the funding register: a prefecture's schemes (its coordinator adds and edits them), the scheme an
engagement is financed by (the coordinator of its prefecture names it), and the recruitment costs a municipality
paid (its staff or its coordinator record and remove them).

Each write checks its actor first (403), validates every field naming it, locks its rows after the engagement's
in the one order (backend/engagements/locks.py: the expert, the need, the engagement, then the scheme) and leaves
an audit row with the state before and after.
"""

from decimal import Decimal, InvalidOperation

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import coordinates, is_staff_of
from backend.core.audit import AuditAction, audit_record
from backend.core.choices import EmploymentForm, EngagementStatus, Role
from backend.core.errors import ConflictError, DomainError, FieldProblem, ForbiddenError, interpolate
from backend.core.fiscal import fiscal_year_of
from backend.core.services import model_update
from backend.engagements.locks import engagements_locked
from backend.engagements.models import Engagement
from backend.funding.errors import ErrorCode
from backend.funding.models import FundingScheme, RecruitmentCost, RecruitmentCostKind, SchemeKind
from backend.funding.selectors import schemes_of
from backend.geo.models import Municipality

SCHEME_FIELDS = ("name", "rate", "cap_yen", "cap_public_staff_yen", "min_days", "min_visits", "day_trip_min_hours",
                 "roles", "employment_forms", "max_years", "min_months", "counts_recruitment", "max_population",
                 "conditions", "basis", "active")
RATE_STEP = Decimal("0.001")  # the column's three decimals
HOURS_STEP = Decimal("0.01")
# (field, label, the most it may be): whole numbers that are empty (no limit) or at least 0.
LIMITS = (
    ("cap_yen", _("上限額"), 1_000_000_000), ("cap_public_staff_yen", _("上限額（先進市町村職員）"), 1_000_000_000),
    ("min_days", _("必要な日数"), 366), ("min_visits", _("必要な訪問回数"), 366), ("max_years", _("最長年数"), 99),
    ("min_months", _("最短期間（月）"), 120), ("max_population", _("対象市区町村の人口上限"), 100_000_000),
)
PREFECTURE_REQUIRED = _("財源を追加する都道府県を指定してください。")
MUNICIPALITY_REQUIRED = _("募集経費を支出した市区町村を指定してください。")
# An engagement that never served or was declined is financed by nothing.
UNFINANCED = (EngagementStatus.DECLINED, EngagementStatus.CANCELLED)


def scheme_snapshot(scheme: FundingScheme) -> dict:
    return {"kind": scheme.kind, **{f: getattr(scheme, f) for f in SCHEME_FIELDS},
            "rate": str(Decimal(scheme.rate).quantize(RATE_STEP)),
            "day_trip_min_hours": None if scheme.day_trip_min_hours is None else str(scheme.day_trip_min_hours)}


def _code(place) -> str:
    return place if isinstance(place, str) else place.pk


def _check_coordinates(actor: User, prefecture_id: str) -> None:
    if not coordinates(actor, prefecture_id):
        raise ForbiddenError.single("prefecture", ErrorCode.NOT_YOUR_PREFECTURE,
                                    _("財源を追加・変更できるのは、その都道府県のコーディネーターです。"))


def _decimal(value, step: Decimal) -> Decimal | None:
    try:
        number = Decimal(str(value)).quantize(step)
    except (InvalidOperation, ValueError, TypeError):
        return None
    return number if number.is_finite() else None


def _whole(value) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _scheme_problems(data: dict) -> list[FieldProblem]:
    """Every field of `data` that a scheme cannot hold, each named."""
    problems = []
    if "name" in data:
        name = (data["name"] or "").strip()
        if not name:
            problems.append(FieldProblem("name", ErrorCode.REQUIRED, _("財源の名称を入力してください。")))
        elif len(name) > 100:
            problems.append(FieldProblem("name", ErrorCode.INVALID, _("財源の名称は100文字までです。")))
    if "rate" in data:
        rate = _decimal(data["rate"], RATE_STEP)
        if rate is None or not Decimal(0) <= rate <= Decimal(1):
            problems.append(FieldProblem("rate", ErrorCode.OUT_OF_RANGE,
                                         _("措置率は0%から100%まで（0から1まで）で指定してください。")))
    for field, label, most in LIMITS:
        value = data.get(field)
        if field in data and value is not None and (not _whole(value) or not 0 <= value <= most):
            problems.append(FieldProblem(field, ErrorCode.OUT_OF_RANGE, interpolate(
                _("%(label)sは0以上%(most)s以下の整数で指定してください（空欄は制限なし）。"), label=label,
                most=f"{most:,}")))
    hours = data.get("day_trip_min_hours")
    if hours is not None:
        hours = _decimal(hours, HOURS_STEP)
        if hours is None or not Decimal(0) <= hours <= Decimal(24):
            problems.append(FieldProblem("day_trip_min_hours", ErrorCode.OUT_OF_RANGE,
                                         _("日帰りを1日と数える最低時間は0から24までの時間で指定してください。")))
    for field, known, message in (
            ("roles", Role.values, _("対象の役割は一覧から選んでください。")),
            ("employment_forms", EmploymentForm.values, _("対象の任用形態は一覧から選んでください。"))):
        values = data.get(field)
        if field in data and (not isinstance(values, (list, tuple)) or not set(values) <= set(known)):
            problems.append(FieldProblem(field, ErrorCode.INVALID, message))
    return problems


def _normalised(data: dict) -> dict:
    data = {k: v for k, v in data.items() if k in SCHEME_FIELDS}
    if "name" in data:
        data["name"] = data["name"].strip()
    if "rate" in data:
        data["rate"] = _decimal(data["rate"], RATE_STEP)
    if data.get("day_trip_min_hours") is not None:
        data["day_trip_min_hours"] = _decimal(data["day_trip_min_hours"], HOURS_STEP)
    for field in ("roles", "employment_forms"):
        if field in data:
            data[field] = sorted(set(data[field]))
    for field in ("conditions", "basis"):
        if field in data:
            data[field] = (data[field] or "").strip()
    return data


def _check_scheme(data: dict, *, prefecture_id: str, pk: int | None) -> dict:
    problems = _scheme_problems(data)
    if problems:
        raise DomainError(*problems)
    data = _normalised(data)
    if "name" in data and FundingScheme.objects.filter(prefecture_id=prefecture_id, name=data["name"]).exclude(
            pk=pk).exists():
        raise ConflictError.single("name", ErrorCode.DUPLICATE, interpolate(
            _("財源「%(name)s」は既にあります。別の名称にしてください。"), name=data["name"]))
    return data


@transaction.atomic(durable=True)
def scheme_create(*, actor: User, prefecture, data: dict) -> FundingScheme:
    """Add a scheme of the prefecture's own (kind その他) beside the four seeded ones: its coordinator."""
    prefecture_id = _code(prefecture)
    _check_coordinates(actor, prefecture_id)
    if "name" not in data:
        raise DomainError.single("name", ErrorCode.REQUIRED, _("財源の名称を入力してください。"))
    schemes_of(prefecture_id)  # the seeds first, so a new name is checked against theirs
    data = _check_scheme(data, prefecture_id=prefecture_id, pk=None)
    scheme = FundingScheme(prefecture_id=prefecture_id, kind=SchemeKind.OTHER)
    model_update(instance=scheme, fields=SCHEME_FIELDS, data=data)
    try:
        with transaction.atomic():
            scheme.save()
    except IntegrityError:  # a name taken meanwhile
        raise ConflictError.single("name", ErrorCode.DUPLICATE, interpolate(
            _("財源「%(name)s」は既にあります。別の名称にしてください。"), name=scheme.name)) from None
    audit_record(actor=actor, action=AuditAction.FUNDING_SCHEME_CREATE, obj=scheme, prefecture=prefecture_id,
                 after=scheme_snapshot(scheme))
    return scheme


@transaction.atomic(durable=True)
def scheme_update(*, actor: User, scheme: FundingScheme, data: dict) -> FundingScheme:
    """Change a scheme's terms (its kind stays): the coordinator of its prefecture. Engagements that name it are
    judged by the new terms from then on; the audit row keeps the old ones."""
    _check_coordinates(actor, scheme.prefecture_id)
    scheme = FundingScheme.objects.select_for_update().get(pk=scheme.pk)
    data = _check_scheme(data, prefecture_id=scheme.prefecture_id, pk=scheme.pk)
    before = scheme_snapshot(scheme)
    if not model_update(instance=scheme, fields=SCHEME_FIELDS, data=data):
        return scheme
    try:
        with transaction.atomic():
            scheme.save()
    except IntegrityError:
        raise ConflictError.single("name", ErrorCode.DUPLICATE, interpolate(
            _("財源「%(name)s」は既にあります。別の名称にしてください。"), name=scheme.name)) from None
    audit_record(actor=actor, action=AuditAction.FUNDING_SCHEME_UPDATE, obj=scheme, prefecture=scheme.prefecture_id,
                 before=before, after=scheme_snapshot(scheme))
    return scheme


def _funding_snapshot(engagement: Engagement) -> dict:
    return {"funding_scheme": engagement.funding_scheme_id,
            "funding_scheme_name": engagement.funding_scheme.name if engagement.funding_scheme_id else None,
            "funding_public_staff": engagement.funding_public_staff}


@transaction.atomic(durable=True)
def engagement_funding_set(*, actor: User, engagement: Engagement, scheme: FundingScheme,
                           public_staff: bool = False) -> Engagement:
    """Name the scheme an engagement is financed by, and whether its expert is staff of an advanced municipality
    (先進市町村の職員: the lower cap of 地域力創造アドバイザー): the coordinator of its prefecture, with an active
    scheme of that prefecture."""
    prefecture_id = engagement.municipality.prefecture_id
    if not coordinates(actor, prefecture_id):
        raise ForbiddenError.single("engagement", ErrorCode.NOT_YOUR_PREFECTURE,
                                    _("任用・委託の財源を指定できるのは、その都道府県のコーディネーターです。"))
    if scheme is None:
        raise DomainError.single("scheme", ErrorCode.REQUIRED, _("財源を選んでください。"))
    engagement = engagements_locked([engagement.pk], predecessors=False)[engagement.pk]
    scheme = FundingScheme.objects.select_for_update().get(pk=scheme.pk)
    if scheme.prefecture_id != prefecture_id:
        raise DomainError.single("scheme", ErrorCode.OTHER_PREFECTURE,
                                 _("財源は、この任用・委託の都道府県の財源から選んでください。"))
    if not scheme.active and scheme.pk != engagement.funding_scheme_id:
        raise DomainError.single("scheme", ErrorCode.INACTIVE, interpolate(
            _("財源「%(name)s」は使用中ではありません。使用中の財源を選んでください。"), name=scheme.name))
    if engagement.status in UNFINANCED:
        raise ConflictError.single("engagement", ErrorCode.NOT_FINANCED,
                                   _("辞退・開始前に取消となった任用・委託には財源を指定できません。"))
    before = _funding_snapshot(engagement)
    engagement.funding_scheme, engagement.funding_public_staff = scheme, bool(public_staff)
    after = _funding_snapshot(engagement)
    if after != before:
        engagement.save(update_fields=["funding_scheme", "funding_public_staff", "updated_at"])
        audit_record(actor=actor, action=AuditAction.ENGAGEMENT_FUNDING_SET, obj=engagement,
                     prefecture=prefecture_id, before=before, after=after)
    return engagement


# -- recruitment costs (募集を行うための経費) ------------------------------------------------------------------

def recruitment_cost_snapshot(cost: RecruitmentCost) -> dict:
    return {"municipality": cost.municipality_id, "fiscal_year": cost.fiscal_year, "need": cost.need_id,
            "run": cost.run_id, "kind": cost.kind, "amount": cost.amount, "spent_on": cost.spent_on,
            "note": cost.note}


def _check_records_for(actor: User, municipality: Municipality) -> None:
    if not (is_staff_of(actor, municipality.pk) or coordinates(actor, municipality.prefecture_id)):
        raise ForbiddenError.single("municipality", ErrorCode.NOT_YOUR_MUNICIPALITY,
                                    _("募集経費を記録・削除できるのは、その市区町村の職員と都道府県のコーディネーターです。"))


def _cost_problems(municipality: Municipality, data: dict) -> list[FieldProblem]:
    problems = []
    need, run = data.get("need"), data.get("run")
    if need is None and run is None:
        problems.append(FieldProblem("need", ErrorCode.REQUIRED,
                                     _("募集経費は、どのニーズまたはどのマッチングの募集のものかを選んでください。")))
    if need is not None and need.municipality_id != municipality.pk:
        problems.append(FieldProblem("need", ErrorCode.OTHER_MUNICIPALITY,
                                     _("ニーズは、この市区町村のニーズから選んでください。")))
    if run is not None and municipality.prefecture_id not in (run.scope or [run.prefecture_id]):
        problems.append(FieldProblem("run", ErrorCode.OTHER_PREFECTURE,
                                     _("マッチングは、この市区町村の都道府県を対象としたものから選んでください。")))
    amount = data.get("amount")
    if not _whole(amount) or not 1 <= amount <= 1_000_000_000:
        problems.append(FieldProblem("amount", ErrorCode.OUT_OF_RANGE, _("金額は1円以上の整数（円）で入力してください。")))
    if data.get("kind") not in RecruitmentCostKind.values:
        problems.append(FieldProblem("kind", ErrorCode.INVALID, _("経費の種類は一覧から選んでください。")))
    if data.get("spent_on") is None:
        problems.append(FieldProblem("spent_on", ErrorCode.REQUIRED, _("支出日を入力してください。")))
    note = (data.get("note") or "").strip()
    if not note:
        problems.append(FieldProblem("note", ErrorCode.REQUIRED, _("経費の内容（広告の掲載先、面接の旅程など）を入力してください。")))
    elif len(note) > 200:
        problems.append(FieldProblem("note", ErrorCode.INVALID, _("経費の内容は200文字までです。")))
    return problems


@transaction.atomic(durable=True)
def recruitment_cost_add(*, actor: User, municipality: Municipality, data: dict) -> RecruitmentCost:
    """Record a recruitment cost the municipality paid (an advertisement, interview travel) for one of its needs
    or for a round (a run over its prefecture): its staff or its coordinator. The fiscal year is the one it was
    paid in."""
    if isinstance(municipality, str):
        municipality = Municipality.objects.get(pk=municipality)
    _check_records_for(actor, municipality)
    problems = _cost_problems(municipality, data)
    if problems:
        raise DomainError(*problems)
    cost = RecruitmentCost.objects.create(
        municipality=municipality, fiscal_year=fiscal_year_of(data["spent_on"]), need=data.get("need"),
        run=data.get("run"), kind=data["kind"], amount=data["amount"], spent_on=data["spent_on"],
        note=data["note"].strip(), created_by=actor if actor.pk else None)
    audit_record(actor=actor, action=AuditAction.RECRUITMENT_COST_ADD, obj=cost,
                 prefecture=municipality.prefecture_id, after=recruitment_cost_snapshot(cost))
    return cost


@transaction.atomic(durable=True)
def recruitment_cost_remove(*, actor: User, cost: RecruitmentCost) -> None:
    """Remove a recruitment cost recorded by mistake (the audit row keeps what it was): the same people."""
    cost = RecruitmentCost.objects.select_for_update(of=("self",)).select_related("municipality").get(pk=cost.pk)
    _check_records_for(actor, cost.municipality)
    audit_record(actor=actor, action=AuditAction.RECRUITMENT_COST_REMOVE, obj=cost,
                 prefecture=cost.municipality.prefecture_id, before=recruitment_cost_snapshot(cost))
    cost.delete()
