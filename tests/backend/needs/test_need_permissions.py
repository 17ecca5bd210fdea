"""Who may write a need is decided by the needs services themselves, whoever calls them (issue 22, item 3): the
municipality's staff and the coordinator of its prefecture; everyone else is refused with a 403."""

import pytest

from backend.core.errors import ForbiddenError
from backend.core.models import AuditLog
from backend.needs.services import need_update
from tests.backend.factories import NeedFactory


def test_staff_of_another_municipality_cannot_edit_a_need_nor_move_it_to_their_own(other_municipal):
    need = NeedFactory(municipality_id="202011", priority=2)  # 長野市; other_municipal is 松本市's staff

    with pytest.raises(ForbiddenError):
        need_update(actor=other_municipal, need=need, data={"priority": 5})

    need.refresh_from_db()
    assert (need.municipality_id, need.priority) == ("202011", 2)
    assert not AuditLog.objects.filter(action="need.update", object_id=str(need.pk)).exists()
