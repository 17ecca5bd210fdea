"""Withdrawing a need through its service: the need leaves matching, the change is audited, and only an open
need can be withdrawn."""

import pytest

from backend.core.errors import ConflictError
from backend.core.models import AuditLog
from backend.needs.models import NeedStatus
from backend.needs.services import need_reopen, need_withdraw
from tests.backend.factories import NeedFactory


def test_withdrawing_an_open_need_closes_it_and_audits_it(municipal):
    need = NeedFactory(municipality_id=municipal.municipality_id)

    need_withdraw(actor=municipal, need=need)

    need.refresh_from_db()
    assert need.status == NeedStatus.WITHDRAWN
    row = AuditLog.objects.get(action="need.withdraw", object_id=str(need.pk))
    assert row.actor == municipal and row.prefecture_id == "20"
    assert row.before["status"] != row.after["status"]


def test_a_withdrawn_need_cannot_be_withdrawn_again_and_nothing_more_is_audited(municipal):
    need = NeedFactory(municipality_id=municipal.municipality_id)
    need_withdraw(actor=municipal, need=need)

    with pytest.raises(ConflictError) as refused:
        need_withdraw(actor=municipal, need=need)

    (problem,) = refused.value.problems
    assert (problem.field, problem.code) == ("status", "not_open")
    assert AuditLog.objects.filter(action="need.withdraw", object_id=str(need.pk)).count() == 1


def test_a_withdrawn_need_reopens_as_it_was(municipal):
    need = NeedFactory(municipality_id=municipal.municipality_id)
    need_withdraw(actor=municipal, need=need)

    need_reopen(actor=municipal, need=need)

    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    assert AuditLog.objects.filter(action="need.reopen", object_id=str(need.pk)).exists()
