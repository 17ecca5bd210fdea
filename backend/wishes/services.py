"""Writes of wishes and vetoes (issue 25, items 2 and 3): a municipality's 第一希望 / 希望 / 可 about the candidates
of its need and an expert's interest in a need, each one row per (need, expert, side); a veto (不可) with its
reason — the municipality's about one expert for one need, the expert's about a whole municipality.

Each side speaks for itself only: the municipality's side is written by the staff of the need's municipality, the
expert's side by the expert's own login. A coordinator sees every wish and veto of the prefecture and can discuss
them, but writes none and withdraws none (a 403, like anyone else who is not that side). A veto is never deleted:
withdrawing it stamps who and when. A veto on a pair clears the same side's wish on it, and the audit row says so.

Lock order (backend/engagements/locks.py): the expert, then the need, then the rows of this app, each in id
order. Every change writes one audit row (AuditAction WISH_SET, WISH_CLEAR, VETO_ADD, VETO_WITHDRAW).
"""

from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import is_expert_self, is_staff_of
from backend.core.audit import AuditAction, audit_record
from backend.core.choices import WishLevel, WishSide
from backend.core.errors import ConflictError, DomainError, ForbiddenError
from backend.experts.models import Expert
from backend.geo.models import Municipality
from backend.needs.models import Need, NeedStatus
from backend.notifications.models import NotificationKind
from backend.notifications.selectors import recipients_coordinators
from backend.notifications.services import notify
from backend.wishes.errors import ErrorCode
from backend.wishes.models import Veto, Wish
from backend.wishes.selectors import expert_in_pool, round_deadline_passed, season_of

# -- who speaks for a side --------------------------------------------------------------------------------------


def _side_checked(side: str) -> str:
    if side not in WishSide.values:
        raise DomainError.single("side", ErrorCode.BAD_SIDE,
                                 _("希望した側は「市区町村」または「専門人材」で指定してください。"))
    return side


def _speaks_for(actor: User, *, side: str, municipality_id: str, expert_id: int) -> None:
    """The municipality's side only by its staff, the expert's only by the expert; anyone else (a coordinator
    too) is refused with a 403."""
    if side == WishSide.MUNICIPALITY and is_staff_of(actor, municipality_id):
        return
    if side == WishSide.EXPERT and is_expert_self(actor, expert_id):
        return
    if side == WishSide.MUNICIPALITY:
        raise ForbiddenError.single("side", ErrorCode.NOT_YOURS,
                                    _("市区町村の希望・不可を登録できるのは、その市区町村の職員のみです。"))
    raise ForbiddenError.single("side", ErrorCode.NOT_YOURS,
                                _("専門人材の希望・不可を登録できるのは、その専門人材本人のみです。"))


def _need_checked(need: Need) -> None:
    """Wishes are about open needs of the season the prefecture is matching."""
    if need.status != NeedStatus.OPEN:
        raise ConflictError.single("need", ErrorCode.NOT_OPEN, _("希望を登録できるのは募集中のニーズのみです。"))
    if need.fiscal_year != season_of(need.municipality.prefecture_id):
        raise DomainError.single("need", ErrorCode.NOT_THE_SEASON,
                                 _("このニーズはマッチングの対象年度のものではないため、希望を登録できません。"))


def _expert_checked(expert: Expert, need: Need) -> None:
    if not expert_in_pool(expert_id=expert.pk, prefecture_id=need.municipality.prefecture_id):
        raise DomainError.single("expert", ErrorCode.NOT_IN_POOL,
                                 _("この専門人材は、このニーズの都道府県の登録人材ではありません。"))


def _round_open_for(need: Need, side: str) -> None:
    if side == WishSide.EXPERT and round_deadline_passed(need.pk, today=timezone.localdate()):
        raise ConflictError.single("need", ErrorCode.ROUND_CLOSED,
                                   _("二次調整の締切を過ぎたため、このニーズへの希望は登録できません。"))


def _locked(*, expert_id: int, need_id: int | None = None) -> None:
    """The expert, then the need (the one lock order), so two writes of one pair wait for each other."""
    list(Expert.objects.select_for_update().filter(pk=expert_id).only("pk"))
    if need_id is not None:
        list(Need.objects.select_for_update().filter(pk=need_id).only("pk"))


def _wish_snapshot(wish: Wish | None) -> dict | None:
    return None if wish is None else {"need": wish.need_id, "expert": wish.expert_id, "side": wish.side,
                                      "level": wish.level}


def _veto_snapshot(veto: Veto) -> dict:
    return {"side": veto.side, "expert": veto.expert_id, "need": veto.need_id,
            "municipality": veto.municipality_id, "reason": veto.reason, "withdrawn_at": veto.withdrawn_at}


def _vetoed(*, side: str, need: Need, expert: Expert) -> bool:
    vetoes = Veto.objects.in_force().filter(side=side, expert=expert)
    if side == WishSide.MUNICIPALITY:
        return vetoes.filter(need=need).exists()
    return vetoes.filter(municipality_id=need.municipality_id).exists()


# -- wishes -----------------------------------------------------------------------------------------------------

@transaction.atomic(durable=True)
def wish_set(*, actor: User, need: Need, expert: Expert, side: str, level) -> Wish:
    """Create or change one side's wish about (need, expert): 3 第一希望, 2 希望, 1 可."""
    side = _side_checked(side)
    _speaks_for(actor, side=side, municipality_id=need.municipality_id, expert_id=expert.pk)
    if isinstance(level, bool) or level not in WishLevel.values:
        raise DomainError.single("level", ErrorCode.BAD_LEVEL,
                                 _("希望の度合いは1（可）、2（希望）、3（第一希望）のいずれかで指定してください。"))
    _need_checked(need)
    _expert_checked(expert, need)
    _round_open_for(need, side)
    _locked(expert_id=expert.pk, need_id=need.pk)
    if _vetoed(side=side, need=need, expert=expert):
        raise ConflictError.single("expert" if side == WishSide.MUNICIPALITY else "need", ErrorCode.VETOED,
                                   _("不可を登録しています。希望を登録するには、先に不可を取り下げてください。"))
    existing = Wish.objects.filter(need=need, expert=expert, side=side).first()
    before = _wish_snapshot(existing)
    wish, _created = Wish.objects.update_or_create(need=need, expert=expert, side=side,
                                                   defaults={"level": int(level), "set_by": actor})
    audit_record(actor=actor, action=AuditAction.WISH_SET, obj=wish, prefecture=need.municipality.prefecture_id,
                 before=before, after=_wish_snapshot(wish))
    return wish


@transaction.atomic(durable=True)
def wish_clear(*, actor: User, need: Need, expert: Expert, side: str) -> None:
    """Take one side's wish about (need, expert) back (no wish: nothing to do, nothing audited)."""
    side = _side_checked(side)
    _speaks_for(actor, side=side, municipality_id=need.municipality_id, expert_id=expert.pk)
    _locked(expert_id=expert.pk, need_id=need.pk)
    existing = Wish.objects.filter(need=need, expert=expert, side=side).first()
    if existing is None:
        return
    before = _wish_snapshot(existing)
    existing.delete()
    audit_record(actor=actor, action=AuditAction.WISH_CLEAR, obj=need, prefecture=need.municipality.prefecture_id,
                 before=before, after=None)


# -- vetoes -----------------------------------------------------------------------------------------------------

def _veto_object(*, side: str, expert: Expert, need: Need | None, municipality: Municipality | None):
    """The municipality vetoes an expert for a need; the expert vetoes a municipality."""
    if side == WishSide.MUNICIPALITY:
        if need is None:
            raise DomainError.single("need", ErrorCode.REQUIRED, _("不可とするニーズを指定してください。"))
        return need.municipality, [need]
    if municipality is None:
        raise DomainError.single("municipality", ErrorCode.REQUIRED, _("行けない市区町村を指定してください。"))
    return municipality, []


@transaction.atomic(durable=True)
def veto_add(*, actor: User, side: str, expert: Expert, need: Need | None = None,
             municipality: Municipality | None = None, reason: str) -> Veto:
    """不可 with a reason: the municipality's about `expert` for `need`, or the expert's about `municipality`.
    It clears the same side's wishes on the pairs it covers, and the prefecture's coordinators are told."""
    side = _side_checked(side)
    municipality, needs = _veto_object(side=side, expert=expert, need=need, municipality=municipality)
    _speaks_for(actor, side=side, municipality_id=municipality.pk, expert_id=expert.pk)
    reason = (reason or "").strip()
    if not reason:
        raise DomainError.single("reason", ErrorCode.REQUIRED, _("不可とする理由を入力してください。"))
    if need is not None:
        _need_checked(need)
        _expert_checked(expert, need)
    _locked(expert_id=expert.pk, need_id=need.pk if need is not None else None)
    try:
        with transaction.atomic():
            veto = Veto.objects.create(side=side, expert=expert, need=need if side == WishSide.MUNICIPALITY else None,
                                       municipality=None if side == WishSide.MUNICIPALITY else municipality,
                                       reason=reason, created_by=actor)
    except IntegrityError:
        raise ConflictError.single("expert" if side == WishSide.MUNICIPALITY else "municipality",
                                   ErrorCode.ALREADY_VETOED, _("既に不可として登録されています。")) from None
    cleared = Wish.objects.filter(side=side, expert=expert)
    cleared = cleared.filter(need=need) if side == WishSide.MUNICIPALITY else cleared.filter(
        need__municipality=municipality)
    cleared_rows = [_wish_snapshot(w) for w in cleared.order_by("need_id")]
    cleared.delete()
    audit_record(actor=actor, action=AuditAction.VETO_ADD, obj=veto, prefecture=municipality.prefecture_id,
                 before={"wishes_cleared": cleared_rows} if cleared_rows else None, after=_veto_snapshot(veto))
    _tell_coordinators(veto, municipality=municipality, need=need)
    return veto


def _tell_coordinators(veto: Veto, *, municipality: Municipality, need: Need | None) -> None:
    by = municipality.name if veto.side == WishSide.MUNICIPALITY else veto.expert.name
    notify(recipients=recipients_coordinators(prefecture_id=municipality.prefecture_id),
           kind=NotificationKind.VETO_RECORDED, link=reverse("frontend:wishes-overview") + f"#veto-{veto.pk}",
           params={"veto": veto.pk, "side": veto.side, "by": by, "municipality": municipality.name,
                   "expert": veto.expert.name, "need": (need.title or need.get_role_display()) if need else "",
                   "reason": veto.reason})


@transaction.atomic(durable=True)
def veto_withdraw(*, actor: User, veto: Veto) -> Veto:
    """Take a veto back: only the side that recorded it (the coordinator cannot lift it). Stamped, never deleted."""
    municipality_id = veto.need.municipality_id if veto.need_id else veto.municipality_id
    _speaks_for(actor, side=veto.side, municipality_id=municipality_id, expert_id=veto.expert_id)
    _locked(expert_id=veto.expert_id, need_id=veto.need_id)
    veto = Veto.objects.select_for_update().get(pk=veto.pk)
    if veto.withdrawn_at is not None:
        raise ConflictError.single("veto", ErrorCode.WITHDRAWN, _("この不可は既に取り下げられています。"))
    before = _veto_snapshot(veto)
    veto.withdrawn_at, veto.withdrawn_by = timezone.now(), actor
    veto.save(update_fields=["withdrawn_at", "withdrawn_by"])
    prefecture = Municipality.objects.values_list("prefecture_id", flat=True).get(pk=municipality_id)
    audit_record(actor=actor, action=AuditAction.VETO_WITHDRAW, obj=veto, prefecture=prefecture, before=before,
                 after=_veto_snapshot(veto))
    return veto
