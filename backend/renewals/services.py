"""Writes of renewals: the coordinator prepares a year's renewals at once, each a need created awaiting the
municipality's confirmation. Confirming or dropping one is a move of the need's status, owned by
`backend.needs.services` (`need_renewal_confirm`, `need_renewal_drop`).

Preparing is idempotent: an engagement is renewed at most once (Need.renewed_from is one-to-one), so running it
twice, or two coordinators at the same moment, creates no second need; a dropped renewal stays dropped.
"""

from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from backend.accounts.models import User
from backend.accounts.permissions import coordinates
from backend.core.audit import AuditAction, audit_record
from backend.core.errors import DomainError, ForbiddenError
from backend.core.fiscal import fiscal_year_start
from backend.engagements.models import Engagement, EngagementStatus
from backend.engagements.selectors import in_fiscal_year
from backend.geo.models import Prefecture
from backend.needs.models import Need, NeedSkill, NeedStatus
from backend.needs.services import need_snapshot
from backend.renewals.errors import ErrorCode

# The terms a renewal keeps from the need of the engagement it continues (the fee fields with the budget they
# must fit). The coordinator's adjusted priority is not kept: it was a judgement about last year's round.
RENEWED_TERMS = ("role", "title", "description", "pattern", "pattern_days", "days_per_year", "weekly_days",
                 "weekdays", "onsite_required", "onsite_days", "budget", "fee_basis", "fee_amount",
                 "fee_hours_per_day", "fee_includes_tax", "offered_fee", "priority")


@dataclass(frozen=True)
class RenewalsPrepared:
    created: list[Need]
    already: int  # engagements of the year renewed before (confirmed, pending or dropped)


def _check_coordinator(actor: User, prefecture_id: str) -> None:
    if coordinates(actor, prefecture_id):
        return
    raise ForbiddenError.single("prefecture", ErrorCode.NOT_YOUR_PREFECTURE,
                                _("担当都道府県の継続のみ準備できます。"))


def _renewal_of(engagement: Engagement, *, fiscal_year: int, actor: User) -> Need:
    source = engagement.need
    return Need(municipality_id=engagement.municipality_id, fiscal_year=fiscal_year, status=NeedStatus.RENEWAL,
                employment_forms=[engagement.employment_form], current_expert_id=engagement.expert_id,
                renewed_from=engagement, created_by=actor if actor.pk else None,
                # next year is planned on the scheme this year is financed by (issue 24: the autumn estimate)
                funding_scheme_id=engagement.funding_scheme_id or source.funding_scheme_id,
                **{name: getattr(source, name) for name in RENEWED_TERMS})


@transaction.atomic
def renewal_prepare(*, actor: User, prefecture_id: str, fiscal_year: int) -> RenewalsPrepared:
    """Each engagement active in `fiscal_year - 1` in the prefecture whose term ends before `fiscal_year` becomes a
    need of `fiscal_year` awaiting the municipality's confirmation. Engagements offered, declined or ended are not
    renewed, nor a multi-year term that still runs in `fiscal_year` (it holds there already); one that began in
    an earlier year and ends with `fiscal_year - 1` is.

    Every renewal is prepared awaiting the municipality, whatever the year's evaluations said: whether a post
    continues is the municipality's decision. What the renewal proposes follows the last evaluation the
    municipality gave the expert there (`backend.renewals.selectors.renewal_default`: 1–2 「継続しない」,
    4–5 「継続」), read when the renewal is shown, so a March evaluation given after this preparation counts too."""
    _check_coordinator(actor, prefecture_id)
    # One preparation per prefecture at a time: the second waits, then sees the first's needs and adds none.
    if not list(Prefecture.objects.select_for_update().filter(pk=prefecture_id)):
        raise DomainError.single("prefecture", ErrorCode.NOT_FOUND, _("都道府県が見つかりません。"))
    engagements = Engagement.objects.filter(
        in_fiscal_year(fiscal_year - 1), municipality__prefecture_id=prefecture_id, status=EngagementStatus.ACTIVE,
        ends_on__lt=fiscal_year_start(fiscal_year))
    already = engagements.filter(renewal__isnull=False).count()  # before this call adds its own
    sources = list(engagements.filter(renewal__isnull=True).select_related("need").prefetch_related("need__skills")
                   .order_by("municipality_id", "id"))
    created = []
    for engagement in sources:
        need = _renewal_of(engagement, fiscal_year=fiscal_year, actor=actor)
        need.save()
        NeedSkill.objects.bulk_create([NeedSkill(need=need, skill=s.skill, level=s.level, required=s.required)
                                       for s in engagement.need.skills.all()])
        audit_record(actor=actor, action=AuditAction.NEED_RENEWAL_PREPARE, obj=need, prefecture=prefecture_id,
                     after=need_snapshot(need))
        created.append(need)
    return RenewalsPrepared(created=created, already=already)
