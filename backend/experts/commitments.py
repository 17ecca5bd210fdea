"""Commitments elsewhere (他の業務): the days and weekdays an expert declares committed outside this prefecture's
pool in a fiscal year (another prefecture, 地域情報化アドバイザー, 地域活性化起業人, their employer).

Only the expert writes their own declarations (a coordinator reads them); each write is audited.
`expert_less_commitments` is the one place that takes them from what an expert offers: the instance a run
solves (backend.placement.instance) and the approval's check (backend.placement.rules) both call it, so the two
can never disagree.
"""

from collections.abc import Iterable

from django.db import transaction
from django.db.models import Sum
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import is_expert_self
from backend.core.audit import AuditAction, audit_record
from backend.core.choices import WEEKDAY_ORDER, CommitmentKind, Weekday
from backend.core.errors import DomainError, FieldProblem, ForbiddenError, interpolate
from backend.experts.errors import ErrorCode
from backend.experts.models import Expert, ExternalCommitment

MAX_DAYS = 366


# -- reads ------------------------------------------------------------------------------------------------------

def commitments_by_expert(*, expert_ids: Iterable[int], fiscal_year: int) -> dict[int, list[ExternalCommitment]]:
    """The declarations of these experts for the fiscal year, by expert (one query)."""
    by_expert: dict[int, list[ExternalCommitment]] = {}
    for c in ExternalCommitment.objects.filter(expert_id__in=list(expert_ids), fiscal_year=fiscal_year):
        by_expert.setdefault(c.expert_id, []).append(c)
    return by_expert


def expert_less_commitments(doc: dict, commitments: Iterable[ExternalCommitment]) -> dict:
    """An expert document (the exchange format's) with the declared days taken from `capacity_days` and the
    declared weekdays taken from `weekdays`."""
    commitments = list(commitments)
    if not commitments:
        return doc
    taken = {d for c in commitments for d in c.weekdays}
    return {**doc,
            "capacity_days": max(0, doc["capacity_days"] - sum(c.days_per_year for c in commitments)),
            "weekdays": [d for d in doc["weekdays"] if d not in taken]}


def commitment_list(*, user: User, expert: Expert):
    """The expert's declarations, newest year first. The caller has scoped `expert` to the user."""
    return ExternalCommitment.objects.filter(expert=expert).order_by("-fiscal_year", "id")


# -- writes -----------------------------------------------------------------------------------------------------

def commitment_snapshot(c: ExternalCommitment) -> dict:
    return {"expert": c.expert_id, "fiscal_year": c.fiscal_year, "kind": c.kind, "days_per_year": c.days_per_year,
            "weekdays": list(c.weekdays), "note": c.note}


def _check_self(actor: User, expert: Expert) -> None:
    if not is_expert_self(actor, expert.pk):
        raise ForbiddenError.single("expert", ErrorCode.NOT_YOURS, _("他の業務を申告できるのは専門人材本人のみです。"))


def _problems(*, expert: Expert, fiscal_year: int, kind, days_per_year, weekdays, note,
              commitment: ExternalCommitment | None) -> list[FieldProblem]:
    problems = []
    if kind not in CommitmentKind.values:
        problems.append(FieldProblem("kind", ErrorCode.INVALID, _("他の業務の種類を選んでください。")))
    if not isinstance(days_per_year, int) or not 1 <= days_per_year <= MAX_DAYS:
        problems.append(FieldProblem("days_per_year", ErrorCode.INVALID, _("年間日数は1から366の間で指定してください。")))
    else:
        others = (ExternalCommitment.objects.filter(expert=expert, fiscal_year=fiscal_year)
                  .exclude(pk=getattr(commitment, "pk", None)).aggregate(n=Sum("days_per_year"))["n"] or 0)
        if others + days_per_year > expert.capacity_days:
            problems.append(FieldProblem("days_per_year", ErrorCode.OVER_CAPACITY, interpolate(
                _("他の業務の年間日数の計（%(total)s日）が年間稼働可能日数（%(capacity)s日）を超えます。"),
                total=others + days_per_year, capacity=expert.capacity_days)))
    if not isinstance(weekdays, list | tuple) or any(d not in Weekday.values for d in weekdays):
        problems.append(FieldProblem("weekdays", ErrorCode.INVALID, _("曜日の指定が正しくありません。")))
    if len(note or "") > 200:
        problems.append(FieldProblem("note", ErrorCode.INVALID, _("内容は200文字以内で入力してください。")))
    return problems


@transaction.atomic(durable=True)
def commitment_set(*, actor: User, expert: Expert, fiscal_year: int, kind: str, days_per_year: int,
                   weekdays: list[str], note: str = "",
                   commitment: ExternalCommitment | None = None) -> ExternalCommitment:
    """Declare (or change, with `commitment`) work outside this prefecture's pool in a fiscal year."""
    _check_self(actor, expert)
    expert = Expert.objects.select_for_update().get(pk=expert.pk)
    if commitment is not None:
        commitment = ExternalCommitment.objects.select_for_update().get(pk=commitment.pk, expert=expert)
    problems = _problems(expert=expert, fiscal_year=fiscal_year, kind=kind, days_per_year=days_per_year,
                         weekdays=weekdays, note=note, commitment=commitment)
    if problems:
        raise DomainError(*problems)
    before = commitment_snapshot(commitment) if commitment else None
    c = commitment or ExternalCommitment(expert=expert)
    c.fiscal_year, c.kind, c.days_per_year, c.note = fiscal_year, kind, days_per_year, note or ""
    c.weekdays = sorted(set(weekdays), key=WEEKDAY_ORDER.index)
    c.save()
    audit_record(actor=actor, action=AuditAction.COMMITMENT_SET, obj=c, before=before, after=commitment_snapshot(c),
                 also_visible_to=[p.pk for p in expert.serves_prefectures.all()])
    return c


@transaction.atomic(durable=True)
def commitment_remove(*, actor: User, commitment: ExternalCommitment) -> None:
    _check_self(actor, commitment.expert)
    c = ExternalCommitment.objects.select_for_update().select_related("expert").get(pk=commitment.pk)
    before = commitment_snapshot(c)
    audit_record(actor=actor, action=AuditAction.COMMITMENT_REMOVE, obj=c, before=before,
                 also_visible_to=[p.pk for p in c.expert.serves_prefectures.all()])
    c.delete()
