import pytest

from backend.geo.models import PrefectureSetting
from tests.backend.factories import NeedFactory


@pytest.fixture
def season(db):
    """長野県 matches 2027 (the factories' year), whatever today's date."""
    PrefectureSetting.objects.update_or_create(prefecture_id="20", defaults={"matching_season": 2027})
    return 2027


@pytest.fixture
def need(season):
    return NeedFactory(municipality_id="202011")  # 長野市


@pytest.fixture
def other_need(season):
    return NeedFactory(municipality_id="202029")  # 松本市
