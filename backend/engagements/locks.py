"""The one lock order of every write that touches an engagement (docs/architecture.md, "Lock order").

    experts → needs → the proposal → engagements → exceptions → rows of the register → the audit chain

each kind in id order. Approval, an answer to an offer (accept, decline), the pledge, the revocation of an
exception (withdraw, end), a replacement request and the hand-over to a successor (replacement complete) all
lock through `engagements_locked` (approval through `experts_locked` first), so two of them on one engagement
wait for each other instead of deadlocking, and the second reads what the first committed.

Why this order: the expert's row is what approval serialises capacity and weekdays on, and what an affiliation
change holds while it writes the register; the need is what every engagement of one need (an engagement and
its successor) has in common, so releasing or keeping the need is decided by one writer at a time. The rows
below are locked by the services themselves, after these.

An engagement's expert, need and predecessor never change, so they are read before the locks are taken.
"""

from collections.abc import Iterable

from backend.engagements.models import Engagement
from backend.experts.models import Expert
from backend.needs.models import Need


def experts_locked(expert_ids: Iterable[int]) -> None:
    """Lock these experts, in id order (the first step of the order)."""
    list(Expert.objects.select_for_update().filter(pk__in=set(expert_ids)).order_by("pk").only("pk"))


def engagements_locked(engagement_ids: Iterable[int], *, experts: Iterable[int] = (),
                       predecessors: bool = True) -> dict[int, Engagement]:
    """Lock, in the one order, these engagements' experts (and `experts`), their needs, then the engagements,
    each in id order; with `predecessors`, the engagement each replaces and its expert too (the successor's
    activation ends it). Returns the locked engagements by id, with what their services read of them."""
    ids = set(engagement_ids)
    expert_ids, need_ids = set(experts), set()
    for expert_id, need_id, replaces_id, replaced_expert_id in Engagement.objects.filter(pk__in=ids).values_list(
            "expert_id", "need_id", "replaces_id", "replaces__expert_id"):
        expert_ids.add(expert_id)
        need_ids.add(need_id)
        if predecessors and replaces_id:
            ids.add(replaces_id)
            expert_ids.add(replaced_expert_id)
    experts_locked(expert_ids)
    list(Need.objects.select_for_update().filter(pk__in=need_ids).order_by("pk").only("pk"))
    return {e.pk: e for e in Engagement.objects.select_for_update(of=("self",)).filter(pk__in=ids).select_related(
        "municipality__prefecture", "need", "expert").order_by("pk")}
