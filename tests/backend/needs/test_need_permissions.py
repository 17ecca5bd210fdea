"""Who may write a need is decided by the needs services themselves, whoever calls them (issue 22, item 3): the
municipality's staff and the coordinator of its prefecture; a renewal's confirmation is the municipality's alone;
a priority adjustment the coordinator's alone. Everyone else is refused with a 403, and nothing is written."""

import datetime as dt

import pytest

from backend.core.errors import ForbiddenError
from backend.core.models import AuditLog
from backend.engagements.models import Engagement
from backend.geo.models import Municipality
from backend.needs.models import Need, NeedStatus
from backend.needs.services import (
    need_adjust_priority,
    need_renewal_confirm,
    need_renewal_drop,
    need_reopen,
    need_submit,
    need_update,
    need_withdraw,
)
from tests.backend.factories import ExpertFactory, NeedFactory, UserFactory

TERMS = {"fiscal_year": 2027, "role": "cio_adviser", "pattern": "weekly", "pattern_days": 1,
         "weekdays": ["mon", "tue"], "budget": 3_000_000, "employment_forms": ["special_part_time"]}


def test_staff_of_another_municipality_cannot_edit_a_need_nor_move_it_to_their_own(other_municipal):
    need = NeedFactory(municipality_id="202011", priority=2)  # 長野市; other_municipal is 松本市's staff

    with pytest.raises(ForbiddenError):
        need_update(actor=other_municipal, need=need, data={"priority": 5})

    need.refresh_from_db()
    assert (need.municipality_id, need.priority) == ("202011", 2)
    assert not AuditLog.objects.filter(action="need.update", object_id=str(need.pk)).exists()


# Each write service of needs, the status its need starts in, and the roles it must refuse. The fixtures are
# Nagano's (prefecture 20): `municipal` is 長野市's staff, `other_municipal` 松本市's, `other_coordinator` Yamanashi's.
WRITES = {
    "submit": (lambda actor, need: need_submit(actor=actor, data={**TERMS, "municipality": need.municipality}),
               NeedStatus.OPEN, ["other_municipal", "other_coordinator", "expert_user"]),
    "update": (lambda actor, need: need_update(actor=actor, need=need, data={"priority": 5}),
               NeedStatus.OPEN, ["other_municipal", "other_coordinator", "expert_user"]),
    "withdraw": (lambda actor, need: need_withdraw(actor=actor, need=need),
                 NeedStatus.OPEN, ["other_municipal", "other_coordinator", "expert_user"]),
    "reopen": (lambda actor, need: need_reopen(actor=actor, need=need),
               NeedStatus.WITHDRAWN, ["other_municipal", "other_coordinator", "expert_user"]),
    "adjust_priority": (lambda actor, need: need_adjust_priority(actor=actor, need=need, adjusted_priority=5,
                                                                 reason="3年間応募なし"),
                        NeedStatus.OPEN, ["municipal", "other_municipal", "other_coordinator", "expert_user"]),
    "renewal_confirm": (lambda actor, need: need_renewal_confirm(actor=actor, need=need),
                        NeedStatus.RENEWAL, ["coordinator", "other_municipal", "other_coordinator", "expert_user"]),
    "renewal_drop": (lambda actor, need: need_renewal_drop(actor=actor, need=need),
                     NeedStatus.RENEWAL, ["coordinator", "other_municipal", "other_coordinator", "expert_user"]),
}


def _need(status: str) -> Need:
    """A need of 長野市 in `status`; a renewal continues an engagement of the year before, as the database requires."""
    if status != NeedStatus.RENEWAL:
        return NeedFactory(municipality_id="202011", status=status, priority=2)
    last_year = NeedFactory(municipality_id="202011", fiscal_year=2026, status=NeedStatus.FILLED)
    engagement = Engagement.objects.create(
        expert=ExpertFactory(), municipality_id="202011", need=last_year, fiscal_year=2026,
        starts_on=dt.date(2026, 4, 1), ends_on=dt.date(2027, 3, 31), weekdays=["mon"], days_per_year=48,
        fee=2_400_000, employment_form="contract", status="ended")
    return NeedFactory(municipality_id="202011", status=status, priority=2, renewed_from=engagement)


@pytest.mark.parametrize(("write", "role"), [(write, role) for write, (_, _, roles) in WRITES.items() for role in roles])
def test_each_write_service_refuses_each_wrong_role_and_writes_nothing(request, write, role):
    call, status, _ = WRITES[write]
    need = _need(status)
    needs, audit_rows = Need.objects.count(), AuditLog.objects.count()

    with pytest.raises(ForbiddenError) as refused:
        call(request.getfixturevalue(role), need)

    assert refused.value.status_code == 403
    assert Need.objects.count() == needs
    need.refresh_from_db()
    assert (need.municipality_id, need.status, need.priority, need.adjusted_priority) == ("202011", status, 2, None)
    assert AuditLog.objects.count() == audit_rows


@pytest.mark.parametrize("write", list(WRITES))
def test_each_write_service_lets_the_right_role_through(request, write):
    """The refusals above are the actor's, not the call's: the same call by the right role is accepted."""
    call, status, _ = WRITES[write]
    right = "coordinator" if write == "adjust_priority" else "municipal"
    call(request.getfixturevalue(right), _need(status))


def test_the_coordinator_moves_a_need_within_the_prefecture_but_not_out_of_it(coordinator):
    need = NeedFactory(municipality_id="202011")
    matsumoto, kofu = Municipality.objects.get(pk="202029"), Municipality.objects.get(pk="192015")

    assert need_update(actor=coordinator, need=need, data={"municipality": matsumoto}).municipality_id == "202029"
    with pytest.raises(ForbiddenError) as refused:
        need_update(actor=coordinator, need=need, data={"municipality": kofu})

    assert [(p.field, p.code) for p in refused.value.problems] == [("municipality", "not_your_prefecture")]
    need.refresh_from_db()
    assert need.municipality_id == "202029"


def test_municipal_staff_post_for_their_own_municipality_without_naming_it(municipal):
    assert need_submit(actor=municipal, data=TERMS).municipality_id == "202011"


def test_an_administrator_writes_a_need_of_any_municipality(db):
    admin = UserFactory()
    need = NeedFactory(municipality_id="192015")
    assert need_update(actor=admin, need=need, data={"priority": 5}).priority == 5
    assert need_withdraw(actor=admin, need=need).status == NeedStatus.WITHDRAWN
