"""A prefecture's settings are changed by its own coordinator only (issue 22, item 3): the service refuses
every other role with a 403 and writes nothing. Loading the public register takes no actor: it is reference
data loaded on the server's command line."""

import pytest

from backend.core.errors import ForbiddenError
from backend.core.models import AuditLog
from backend.costs import services
from backend.costs.services import prefecture_setting_update
from backend.geo.models import PrefectureSetting
from tests.backend.permissions import services_taking_an_actor


@pytest.mark.parametrize("role", ["other_coordinator", "municipal", "expert_user"])
def test_only_the_prefectures_coordinator_changes_its_settings(request, role):
    with pytest.raises(ForbiddenError):
        prefecture_setting_update(actor=request.getfixturevalue(role), prefecture_id="20",
                                  data={"travel_yen_per_km": 1})

    assert not PrefectureSetting.objects.filter(pk="20").exists()
    assert not AuditLog.objects.exists()


def test_the_settings_are_the_only_write_of_geo_that_takes_an_actor():
    assert services_taking_an_actor(services) == {"prefecture_setting_update"}
