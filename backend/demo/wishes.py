"""The demo's wishes for next year's season in 長野県 (issue 25): a few municipalities name a first choice and a
希望 among the experts eligible for their need, experts state interest in needs they are eligible for, and each side
records one veto with its reason. One expert is the first choice of two municipalities and wants the one with the
lower priority more, so a run of the season shows a pair both sides would rather have had (a blocking pair) and
what outweighed it.

Eligibility is the engine's (rules 1-8 on the instance a run would solve), so every wish is about a real candidate.
Each wish and veto is stated through backend.wishes.services by the person who would state it (the municipality's
staff, the expert's account), so the demo's audit log shows them like any other.
"""

import random

import matching
from backend.core.choices import WishLevel, WishSide
from backend.demo.year import expert_user, staff_user
from backend.experts.models import Expert
from backend.needs.models import Need
from backend.placement.instance import scope_instance
from backend.runs.refs import parse_ref
from backend.wishes.models import Wish
from backend.wishes.services import veto_add, wish_set

DEMO_PREFECTURE = "20"


def demo_wishes_seeded(fiscal_year: int) -> bool:
    return Wish.objects.filter(need__municipality__prefecture_id=DEMO_PREFECTURE,
                               need__fiscal_year=fiscal_year).exists()


def _eligible(fiscal_year: int) -> dict[int, list[int]]:
    """The experts rules 1-8 allow for each open need of 長野県 in the year, by pk."""
    instance = scope_instance(prefecture_codes=[DEMO_PREFECTURE], fiscal_year=fiscal_year)
    eligible: dict[int, list[int]] = {}
    for (expert, need), reason in matching.blocking_rules(instance).items():
        if reason is None:
            eligible.setdefault(parse_ref(need), []).append(parse_ref(expert))
    return {need: sorted(experts) for need, experts in eligible.items()}


def _wish(need: Need, expert_id: int, side: str, level: int) -> None:
    expert = Expert.objects.get(pk=expert_id)
    actor = staff_user(need.municipality_id) if side == WishSide.MUNICIPALITY else expert_user(expert)
    wish_set(actor=actor, need=need, expert=expert, side=side, level=level)


def demo_wishes_seed(*, fiscal_year: int, rng: random.Random) -> None:
    """Seed the season's wishes and vetoes once (the caller checks `demo_wishes_seeded`)."""
    eligible = _eligible(fiscal_year)
    needs = Need.objects.filter(pk__in=list(eligible)).select_related("municipality").order_by("-priority", "id")
    needs = [n for n in needs if len(eligible[n.pk]) >= 3]
    if len(needs) < 4:
        return
    # The contested expert: eligible for a high-priority need and a lower one, first choice of both, and wanting
    # the lower one more.
    high, low, expert_id = next(((h, lo, e) for h in needs for lo in needs[::-1]
                                 if h.priority > lo.priority
                                 for e in eligible[h.pk] if e in eligible[lo.pk]), (None, None, None))
    if high is not None:
        for need in (high, low):
            _wish(need, expert_id, WishSide.MUNICIPALITY, WishLevel.FIRST)
        _wish(low, expert_id, WishSide.EXPERT, WishLevel.FIRST)
        _wish(high, expert_id, WishSide.EXPERT, WishLevel.WANTED)
    others = [n for n in needs if n not in (high, low)][:6]
    for need in others:
        first, wanted, *rest = rng.sample(eligible[need.pk], len(eligible[need.pk]))
        _wish(need, first, WishSide.MUNICIPALITY, WishLevel.FIRST)
        _wish(need, wanted, WishSide.MUNICIPALITY, WishLevel.WANTED)
        _wish(need, first, WishSide.EXPERT, rng.choice([WishLevel.FIRST, WishLevel.WANTED]))
        if rest:
            _wish(need, rest[0], WishSide.EXPERT, WishLevel.ACCEPTABLE)
    vetoed_by_municipality, vetoed_by_expert = others[0], others[-1]
    # The municipality vetoes a candidate it did not wish for (who may have wished for the need: the debrief says why).
    wished = set(Wish.objects.filter(need=vetoed_by_municipality, side=WishSide.MUNICIPALITY)
                 .values_list("expert_id", flat=True))
    unwished = [e for e in eligible[vetoed_by_municipality.pk] if e not in wished]
    veto_add(actor=staff_user(vetoed_by_municipality.municipality_id), side=WishSide.MUNICIPALITY,
             need=vetoed_by_municipality, expert=Expert.objects.get(pk=unwished[-1]),
             reason="昨年度の別事業で連絡が滞ったため、今回は見送りたい。")
    expert = Expert.objects.get(pk=eligible[vetoed_by_expert.pk][0])
    veto_add(actor=expert_user(expert), side=WishSide.EXPERT, municipality=vetoed_by_expert.municipality,
             expert=expert, reason="勤務先の取引先があり、利害関係を避けたいため。")
