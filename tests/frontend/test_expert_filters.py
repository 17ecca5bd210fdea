"""The experts page filters by skill and level, prefecture served, days left, pledge, vendor and listing."""

import datetime as dt

import pytest

from tests.backend.factories import AffiliationFactory, CoordinatorFactory, ExpertFactory, VendorFactory

pytestmark = pytest.mark.django_db


def _names(client, **params) -> set[str]:
    html = client.get("/experts/", params).content.decode()
    body = html[html.index("<tbody>"):html.index("</tbody>")]
    return {name for name in ("安全 一郎", "網 二郎", "未誓 三郎", "停止 四郎") if name in body}


@pytest.fixture
def pool(client):
    ExpertFactory(name="安全 一郎", skill_levels={"security": 3}, pool_pledge_signed_on=dt.date(2026, 4, 1))
    network = ExpertFactory(name="網 二郎", skill_levels={"network": 2, "security": 1},
                            pool_pledge_signed_on=dt.date(2026, 4, 1), serves=["20", "19"])
    AffiliationFactory(expert=network, vendor=VendorFactory(name="信州システム株式会社"), relation="employee")
    ExpertFactory(name="未誓 三郎", skill_levels={"data": 2}, capacity_days=0)
    ExpertFactory(name="停止 四郎", listed=False, pool_pledge_signed_on=dt.date(2026, 4, 1))
    client.force_login(CoordinatorFactory(prefecture_id="20"))
    return client


def test_no_filter_shows_everyone(pool):
    assert _names(pool) == {"安全 一郎", "網 二郎", "未誓 三郎", "停止 四郎"}


def test_a_skill_at_a_level(pool):
    assert _names(pool, skill="security") >= {"安全 一郎", "網 二郎"}
    assert "網 二郎" not in _names(pool, skill="security", level="2")


def test_prefecture_served_vendor_pledge_and_listing(pool):
    assert _names(pool, serves="19") == {"網 二郎"}
    assert _names(pool, vendor="信州") == {"網 二郎"}
    assert _names(pool, pledge="unsigned") == {"未誓 三郎"}
    assert _names(pool, listed="no") == {"停止 四郎"}


def test_days_left_in_the_year(pool):
    assert "未誓 三郎" not in _names(pool, availability="free")
    assert "停止 四郎" not in _names(pool, availability="free")
    assert "未誓 三郎" in _names(pool, availability="full")


def test_a_value_the_page_does_not_offer_is_ignored_not_an_error(pool):
    assert pool.get("/experts/", {"skill": "juggling", "level": "9", "pledge": "maybe"}).status_code == 200
