"""The pages where both sides have a say (issue 25), through the test client on the demo."""

from backend.accounts.models import User
from backend.core.choices import WishSide
from backend.geo.models import PrefectureSetting
from backend.needs.models import Need, NeedStatus
from backend.wishes.selectors import season_of
from backend.wishes.services import wish_set
from frontend.todo import todo_list
from tests.backend.factories import ExpertFactory, MunicipalStaffFactory, NeedFactory
from tests.frontend.conftest import login


def _open_need(username: str) -> Need:
    clerk = User.objects.get(username=username)
    return Need.objects.filter(municipality_id=clerk.municipality_id, status=NeedStatus.OPEN,
                               fiscal_year=season_of("20")).order_by("id").first()


def test_the_pages_of_both_sides_and_the_coordinators_open_on_the_demo(demo, client):
    need = _open_need("demo-municipal")
    login(client, "demo-municipal")
    page = client.get(f"/needs/{need.pk}/shortlist/")
    assert page.status_code == 200
    assert 'id="candidate-' in page.content.decode()
    assert "候補者の希望" in client.get(f"/needs/{need.pk}/").content.decode()
    client.logout()
    login(client, "demo-expert")
    page = client.get("/interest/")
    assert page.status_code == 200
    assert 'id="need-' in page.content.decode()
    client.logout()
    login(client, "demo-coordinator")
    assert client.get("/wishes/").status_code == 200


def test_a_clerk_is_reminded_of_open_needs_of_the_season_with_no_wish_yet(db, django_assert_num_queries):
    PrefectureSetting.objects.update_or_create(prefecture_id="20", defaults={"matching_season": 2027})
    clerk = MunicipalStaffFactory(municipality_id="202011")
    need = NeedFactory(municipality_id="202011", fiscal_year=2027)
    NeedFactory(municipality_id="202011", fiscal_year=2028)  # not the season
    NeedFactory(municipality_id="202029", fiscal_year=2027)  # another municipality's
    with django_assert_num_queries(1):
        todo = {item.key: item.count for item in todo_list(user=clerk)}
    assert todo["shortlists"] == 1
    wish_set(actor=clerk, need=need, expert=ExpertFactory(), side=WishSide.MUNICIPALITY, level=3)
    assert {item.key: item.count for item in todo_list(user=clerk)}["shortlists"] == 0
