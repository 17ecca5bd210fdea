"""Wishes and vetoes from both sides (issue 25): each side speaks for itself only, validation names the field,
a veto clears the same side's wish, the coordinator sees but cannot lift a veto, everything audited."""

import datetime as dt

import pytest
from django.utils import timezone

from backend.core.choices import WishSide
from backend.core.errors import ConflictError, DomainError, ForbiddenError
from backend.core.models import AuditLog
from backend.needs.models import NeedStatus
from backend.notifications.models import Notification, NotificationKind
from backend.wishes import services
from backend.wishes.models import Round, Veto, Wish
from tests.backend.factories import NeedFactory


def test_municipal_staff_set_and_change_their_wish_and_it_is_audited(municipal, expert_user, need):
    expert = expert_user.expert
    services.wish_set(actor=municipal, need=need, expert=expert, side=WishSide.MUNICIPALITY, level=2)
    wish = services.wish_set(actor=municipal, need=need, expert=expert, side=WishSide.MUNICIPALITY, level=3)
    assert Wish.objects.get().level == 3 == wish.level
    changes = list(AuditLog.objects.filter(action="wish.set").order_by("id"))
    assert [c.before and c.before["level"] for c in changes] == [None, 2]
    assert changes[-1].after["level"] == 3
    services.wish_clear(actor=municipal, need=need, expert=expert, side=WishSide.MUNICIPALITY)
    assert not Wish.objects.exists()
    assert AuditLog.objects.get(action="wish.clear").before["level"] == 3


def test_the_expert_states_interest_for_themself(expert_user, need):
    services.wish_set(actor=expert_user, need=need, expert=expert_user.expert, side=WishSide.EXPERT, level=1)
    assert Wish.objects.get().side == WishSide.EXPERT


@pytest.mark.parametrize("who, side", [
    ("coordinator", WishSide.MUNICIPALITY), ("coordinator", WishSide.EXPERT), ("other_municipal", WishSide.MUNICIPALITY),
    ("municipal", WishSide.EXPERT), ("other_expert_user", WishSide.EXPERT), ("expert_user", WishSide.MUNICIPALITY)])
def test_nobody_speaks_for_a_side_not_theirs(request, who, side, expert_user, need):
    actor = request.getfixturevalue(who)
    with pytest.raises(ForbiddenError) as caught:
        services.wish_set(actor=actor, need=need, expert=expert_user.expert, side=side, level=2)
    assert caught.value.problems[0].field == "side"
    assert not Wish.objects.exists()


def test_a_bad_level_a_closed_need_or_another_season_is_refused_naming_the_field(municipal, expert_user, need):
    expert = expert_user.expert
    with pytest.raises(DomainError) as caught:
        services.wish_set(actor=municipal, need=need, expert=expert, side=WishSide.MUNICIPALITY, level=4)
    assert caught.value.problems[0].field == "level" and "希望の度合い" in caught.value.problems[0].ja
    other_year = NeedFactory(municipality_id="202011", fiscal_year=2028)
    with pytest.raises(DomainError) as caught:
        services.wish_set(actor=municipal, need=other_year, expert=expert, side=WishSide.MUNICIPALITY, level=2)
    assert caught.value.problems[0].field == "need" and "対象年度" in caught.value.problems[0].ja
    need.status = NeedStatus.FILLED
    need.save()
    with pytest.raises(ConflictError) as caught:
        services.wish_set(actor=municipal, need=need, expert=expert, side=WishSide.MUNICIPALITY, level=2)
    assert caught.value.problems[0].field == "need"


def test_a_veto_needs_a_reason(municipal, expert_user, need):
    with pytest.raises(DomainError) as caught:
        services.veto_add(actor=municipal, side=WishSide.MUNICIPALITY, expert=expert_user.expert, need=need,
                          reason="  ")
    assert caught.value.problems[0].field == "reason" and "理由" in caught.value.problems[0].ja


def test_a_veto_clears_that_sides_wish_says_so_and_tells_the_coordinators(municipal, coordinator, expert_user, need):
    expert = expert_user.expert
    services.wish_set(actor=municipal, need=need, expert=expert, side=WishSide.MUNICIPALITY, level=3)
    services.wish_set(actor=expert_user, need=need, expert=expert, side=WishSide.EXPERT, level=3)
    veto = services.veto_add(actor=municipal, side=WishSide.MUNICIPALITY, expert=expert, need=need,
                             reason="前任時の対応に課題があった")
    assert list(Wish.objects.values_list("side", flat=True)) == [WishSide.EXPERT]  # the expert's own stays
    row = AuditLog.objects.get(action="veto.add")
    assert row.before == {"wishes_cleared": [{"need": need.pk, "expert": expert.pk, "side": "municipality",
                                              "level": 3}]}
    assert row.after["reason"] == "前任時の対応に課題があった"
    note = Notification.objects.get(recipient=coordinator)
    assert note.kind == NotificationKind.VETO_RECORDED and "前任時の対応に課題があった" in note.text
    with pytest.raises(ConflictError):  # a wish on a vetoed pair waits for the veto to be withdrawn
        services.wish_set(actor=municipal, need=need, expert=expert, side=WishSide.MUNICIPALITY, level=2)
    assert veto.created_by == municipal


def test_the_coordinator_cannot_lift_a_veto_only_the_side_that_recorded_it(municipal, coordinator, expert_user, need):
    veto = services.veto_add(actor=municipal, side=WishSide.MUNICIPALITY, expert=expert_user.expert, need=need,
                             reason="面談で合わなかった")
    for outsider in (coordinator, expert_user):
        with pytest.raises(ForbiddenError):
            services.veto_withdraw(actor=outsider, veto=veto)
    assert Veto.objects.in_force().count() == 1
    services.veto_withdraw(actor=municipal, veto=veto)
    veto.refresh_from_db()
    assert veto.withdrawn_by == municipal and veto.withdrawn_at is not None  # kept, stamped
    assert AuditLog.objects.get(action="veto.withdraw").before["withdrawn_at"] is None
    with pytest.raises(ConflictError):
        services.veto_withdraw(actor=municipal, veto=veto)


def test_an_expert_declines_a_whole_municipality_which_clears_their_interest_there(expert_user, need, other_need):
    expert = expert_user.expert
    for n in (need, other_need):
        services.wish_set(actor=expert_user, need=n, expert=expert, side=WishSide.EXPERT, level=2)
    veto = services.veto_add(actor=expert_user, side=WishSide.EXPERT, expert=expert,
                             municipality=need.municipality, reason="通勤に4時間かかる")
    assert veto.municipality_id == "202011" and veto.need is None
    assert list(Wish.objects.values_list("need_id", flat=True)) == [other_need.pk]
    with pytest.raises(DomainError) as caught:
        services.veto_add(actor=expert_user, side=WishSide.EXPERT, expert=expert, reason="x")
    assert caught.value.problems[0].field == "municipality"


def test_interest_in_a_second_round_need_is_refused_after_its_deadline(coordinator, expert_user, need):
    today = timezone.localdate()
    second = Round.objects.create(prefecture_id="20", fiscal_year=2027, deadline=today - dt.timedelta(days=1),
                                  published_by=coordinator, published_at=timezone.now())
    second.needs.add(need)
    with pytest.raises(ConflictError) as caught:
        services.wish_set(actor=expert_user, need=need, expert=expert_user.expert, side=WishSide.EXPERT, level=3)
    assert caught.value.problems[0].field == "need" and "二次調整" in caught.value.problems[0].ja
    second.deadline = today
    second.save()
    services.wish_set(actor=expert_user, need=need, expert=expert_user.expert, side=WishSide.EXPERT, level=3)
