"""Imports are a coordinator's (issue 22, item 3): the importer refuses municipal staff and experts with a
403 before it reads a row, and each row's service then holds the row to the coordinator's prefecture."""

import pytest

from backend.core.errors import ForbiddenError
from backend.experts.models import Expert
from backend.intake.imports import SPECS, import_rows

ROW = {"氏名": "取込 花子", "年間稼働日数": "48", "稼働曜日": "月火", "日額報酬の下限(円)": "40000", "任用形態": "業務委託"}


@pytest.mark.parametrize("role", ["municipal", "expert_user", "other_expert_user"])
def test_only_coordinators_import(request, role):
    with pytest.raises(ForbiddenError):
        import_rows(spec=SPECS["experts"](), actor=request.getfixturevalue(role), rows=[ROW])

    assert not Expert.objects.filter(name="取込 花子").exists()


def test_a_coordinators_import_of_the_same_row_is_written(coordinator):
    (expert,) = import_rows(spec=SPECS["experts"](), actor=coordinator, rows=[ROW])

    assert (expert.name, expert.registering_prefecture_id) == ("取込 花子", "20")
